import { ComponentExit, configure } from '@weft/wasi-cli';
import { instantiate } from './wc.wasm';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs wc once with `args` and `stdin`. Each run gets a fresh instance: a command component
 * runs its `main` once per instance.
 */
export async function runWc(args: string[], stdin: string): Promise<RunResult> {
  const out = new TextDecoder();
  const err = new TextDecoder();
  const result: RunResult = { stdout: '', stderr: '', exitCode: 0 };
  configure({
    args: ['wc', ...args],
    stdin,
    stdout: (chunk) => {
      result.stdout += out.decode(chunk, { stream: true });
    },
    stderr: (chunk) => {
      result.stderr += err.decode(chunk, { stream: true });
    },
  });
  const wc = await instantiate();
  try {
    wc.run.run();
  } catch (e) {
    if (!(e instanceof ComponentExit)) throw e;
    result.exitCode = e.exitCode;
  }
  return result;
}
