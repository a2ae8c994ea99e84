/**
 * A server process started by a test or benchmark (`weft serve`, `jco serve`): started,
 * waited for until it prints where it listens, and stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { unusedPort } from './http-server.js';
import { e2eRoot } from './paths.js';

export interface ServerProcess {
  /** The origin it serves, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM to its process group, then its exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/**
 * Start `command args` and wait for output (stdout or stderr) that `listening` matches;
 * its first group is the origin. Fails with the process's output if it exits first.
 */
export function startServerProcess(command: string, args: string[], listening: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  // Its own process group: jco serve runs the server in a child of its own, which must stop too.
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let found = false;
    // Servers differ in which stream they announce themselves on.
    const check = () => {
      const m = found ? null : listening.exec(`${out}\n${err}`);
      if (!m) return;
      found = true;
      resolve({
        origin: m[1]!.replace(/\/$/, ''),
        child,
        stderr: () => err,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      check();
    });
    void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before listening:\n${out}\n${err}`)));
  });
}

/**
 * `jco serve component` (the jco this package depends on) on a free loopback port. jco prints the port it was given (not one
 * the system picked), so the port is chosen here; it listens on every address.
 */
export async function startJcoServe(component: string, options: string[] = []): Promise<ServerProcess> {
  const jcoBin = join(e2eRoot, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
  const port = await unusedPort();
  const server = await startServerProcess(
    process.execPath,
    [jcoBin, 'serve', component, '--port', String(port), ...options],
    /Server listening @ (\S+?)\.\.\./,
  );
  return { ...server, origin: `http://127.0.0.1:${port}` };
}
