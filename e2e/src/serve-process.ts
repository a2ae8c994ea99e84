/**
 * A server process started by a test or benchmark (`weft serve`, `jco serve`): started,
 * waited for until it prints where it listens, and stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  /** The origin it serves, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then its exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/**
 * Start `command args` and wait for a stdout line `listening` matches; its first group is
 * the origin. Fails with the process's output if it exits first.
 */
export function startServerProcess(command: string, args: string[], listening: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = listening.exec(out);
      if (m) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({
          origin: m[1]!.replace(/\/$/, ''),
          child,
          stderr: () => err,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before listening:\n${out}\n${err}`)));
  });
}
