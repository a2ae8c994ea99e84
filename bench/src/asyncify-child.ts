/**
 * Runs a transpiled WASI command several times in this process and times each `run()`.
 * argv: <entry.js> <cli shim module URL> <stdin file> <samples> <whole|chunked>
 * `chunked` hands stdin over one 4 KiB chunk per macrotask, so every read of an empty
 * buffer makes the guest wait: under asyncify, one unwind and rewind per chunk.
 * Prints `{ ns: number[], stdoutBytes, waits }`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [entry, cliUrl, inputFile, samplesArg, feed] = process.argv.slice(2);
if (!entry || !cliUrl || !inputFile || !samplesArg || (feed !== 'whole' && feed !== 'chunked')) {
  process.stderr.write('usage: asyncify-child <entry.js> <cli shim URL> <stdin file> <samples> <whole|chunked>\n');
  process.exit(2);
}
const cli = await import(cliUrl);
const input = new Uint8Array(readFileSync(inputFile));
const CHUNK = 4096;

function source(): { read(max: number): Uint8Array | null; ready(): boolean; block(): void | Promise<void>; waits: number } {
  let at = 0;
  let available = feed === 'whole' ? input.length : 0;
  const s = {
    waits: 0,
    read(max: number): Uint8Array | null {
      if (at >= input.length) return null;
      const n = Math.min(max, available - at);
      const out = input.subarray(at, at + n);
      at += n;
      return out;
    },
    ready: () => at >= input.length || available > at,
    block(): void | Promise<void> {
      if (s.ready()) return;
      s.waits++;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          available = Math.min(input.length, available + CHUNK);
          resolve();
        }),
      );
    },
  };
  return s;
}

const ns: number[] = [];
let stdoutBytes = 0;
let waits = 0;
for (let i = 0; i < Number(samplesArg); i++) {
  const stdin = source();
  let out = 0;
  cli.configure({
    stdin,
    stdout: (chunk: Uint8Array) => {
      out += chunk.length;
    },
    stderr: 'inherit',
  });
  const mod = await import(`${pathToFileURL(entry).href}?sample=${i}`);
  const t0 = process.hrtime.bigint();
  try {
    await mod.run.run();
  } catch (e) {
    if (!(e instanceof cli.ComponentExit) || (e as { exitCode: number }).exitCode !== 0) throw e;
  }
  ns.push(Number(process.hrtime.bigint() - t0));
  cli.flushStdio();
  stdoutBytes = out;
  waits = stdin.waits;
}
process.stdout.write(JSON.stringify({ ns, stdoutBytes, waits }));
