/** Transpile through the engine under test, with weft's option names mapped for jco. */
import { engine, type Engine } from './harness.js';
import type { TranspileOptions, TranspileResult } from '../src/options.js';

export async function transpileWith(bytes: Uint8Array, opts: TranspileOptions, eng: Engine = engine): Promise<TranspileResult> {
  if (eng === 'weft') {
    const { transpile } = await import('../src/index.js');
    return transpile(bytes, opts);
  }
  const { transpile } = await import('@bytecodealliance/jco');
  const { instantiation, ...rest } = opts;
  const jcoOpts = {
    ...rest,
    ...(instantiation ? { instantiation: { tag: instantiation } } : {}),
    ...(opts.noNamespacedExports ? { namespacedExports: false } : {}),
  };
  return (transpile as (b: Uint8Array, o: unknown) => Promise<TranspileResult>)(bytes, jcoOpts);
}
