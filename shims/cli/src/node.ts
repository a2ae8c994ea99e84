/**
 * Node's synchronous file-descriptor I/O, reached through `process.getBuiltinModule` so
 * this package has no Node import a browser would try to load.
 */
import { sleepUntil, type ByteSource } from '@weft/wasi-io';

interface NodeFs {
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: null): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
  argv?: string[];
  stdin?: { isTTY?: boolean };
  stdout?: { isTTY?: boolean };
  stderr?: { isTTY?: boolean };
}

export function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p && typeof p.getBuiltinModule === 'function' ? p : undefined;
}

/**
 * The process's command line after the `node` binary: the script's path, then its
 * arguments (what preview2-shim gives a guest); none outside Node.
 */
export function nodeArgs(): string[] {
  return nodeProcess()?.argv?.slice(1) ?? [];
}

function nodeFs(): NodeFs {
  const fs = nodeProcess()?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (!fs) throw new Error('Node file-descriptor I/O needs Node >= 20.16 (process.getBuiltinModule)');
  return fs;
}

function isAgain(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'EAGAIN';
}

/** Write all of `bytes` to `fd`, waiting out EAGAIN on non-blocking pipes. */
export function writeFdSync(fd: number, bytes: Uint8Array): void {
  const fs = nodeFs();
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (err) {
      if (!isAgain(err)) throw err;
      sleepUntil(performance.now() + 1);
    }
  }
}

/**
 * Read up to `max` bytes from `fd`, waiting until at least one byte or end of file:
 * a synchronous non-blocking read of a blocking descriptor is not on offer in Node.
 */
export function readFdSync(fd: number, max: number): Uint8Array | null {
  const fs = nodeFs();
  const buf = new Uint8Array(Math.min(max, 65536));
  for (;;) {
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      return n === 0 ? null : buf.subarray(0, n);
    } catch (err) {
      if ((err as { code?: string } | null)?.code === 'EOF') return null;
      if (!isAgain(err)) throw err;
      sleepUntil(performance.now() + 1);
    }
  }
}

/** The part of Node's `process.stdin` (a Readable) read here. */
interface NodeStdin {
  read(): Uint8Array | null;
  unshift(chunk: Uint8Array): void;
  /** A pipe's or terminal's handle (a net.Socket); a file has none to hold. */
  ref?(): unknown;
  unref?(): unknown;
  once(event: 'readable' | 'end' | 'error', listener: (err?: unknown) => void): unknown;
  off(event: 'readable' | 'end' | 'error', listener: (err?: unknown) => void): unknown;
  readonly readableEnded: boolean;
}

let stdinSource: ByteSource | undefined;

/**
 * The process's stdin read through Node's event loop, so waiting for input blocks nothing
 * else. One source for the life of the process: every reader takes bytes from the same
 * place. Only a reader waiting for input holds the process open: a guest that stops
 * reading must not keep it alive.
 */
export function nodeStdinSource(): ByteSource {
  if (stdinSource) return stdinSource;
  const stdin = nodeProcess()!.stdin as unknown as NodeStdin;
  stdin.unref?.();
  let failure: { error: unknown } | undefined;
  stdinSource = {
    read(max) {
      if (failure) throw failure.error;
      const chunk = stdin.read();
      if (chunk === null) return stdin.readableEnded ? null : new Uint8Array(0);
      if (chunk.length > max) stdin.unshift(chunk.subarray(max));
      return new Uint8Array(chunk.subarray(0, max));
    },
    block() {
      if (failure || stdin.readableEnded) return;
      stdin.ref?.();
      return new Promise<void>((resolve) => {
        const wake = (err?: unknown) => {
          if (err !== undefined) failure = { error: err };
          stdin.off('readable', wake);
          stdin.off('end', wake);
          stdin.off('error', wake);
          stdin.unref?.();
          resolve();
        };
        stdin.once('readable', wake);
        stdin.once('end', wake);
        stdin.once('error', wake);
      });
    },
  };
  return stdinSource;
}
