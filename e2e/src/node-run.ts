import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { e2eRoot } from './paths.js';

export interface CommandRun {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeRunOptions {
  shims: 'weft' | 'preview2-shim';
  args?: string[];
  env?: [string, string][];
  stdin?: string | Uint8Array;
  /** Instead of `stdin`: these chunks, written one by one with pauses, then end of input. */
  stdinChunks?: string[];
  /** weft only: write stdio through the fds (`inherit`) or through `process.stdout` objects. */
  stdout?: 'inherit' | 'writable';
  /** Delete `globalThis.WebAssembly` before the command is imported. */
  withoutWebAssembly?: boolean;
}

/** Run a transpiled command in a fresh Node process; resolves once it has exited. */
export function runInNode(entry: string, opts: NodeRunOptions): Promise<CommandRun> {
  const spec = { entry, shims: opts.shims, args: opts.args ?? [], env: opts.env ?? [], stdout: opts.stdout, withoutWebAssembly: !!opts.withoutWebAssembly };
  const child = spawn(process.execPath, [join(e2eRoot, 'src', 'run-command.mjs'), JSON.stringify(spec)], {
    cwd: e2eRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.on('error', () => {});
  if (opts.stdinChunks) {
    const chunks = [...opts.stdinChunks];
    const next = () => {
      const c = chunks.shift();
      if (c === undefined) child.stdin.end();
      else child.stdin.write(c, () => setTimeout(next, 50));
    };
    next();
  } else child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode, signal }));
  });
}
