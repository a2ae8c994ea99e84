import type { TranspileOptions, TranspileResult } from './options.js';
import { WeftError } from './error.js';

export async function transpile(_bytes: Uint8Array, _opts: TranspileOptions = {}): Promise<TranspileResult> {
  throw new WeftError('transpile: not yet built');
}
