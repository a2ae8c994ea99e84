/**
 * What asyncify costs: one WASI command (c-wordfreq, a C program plus the preview1
 * adapter) transpiled by weft in `sync` and in `asyncify` mode, compared in size, in
 * transpile time, and in run time in Node over the same input. A third run feeds stdin
 * in 4 KiB chunks that arrive one per macrotask, so the asyncify build unwinds and
 * rewinds its stack once per chunk: the price of a wait itself.
 */
import { WASI_PACKAGES } from '@weft/wasi-manifest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Component } from './corpus.js';
import { formatBytes, formatDuration, formatRatio, formatSpread, markdownTable } from './format.js';
import { asyncifyChild, repoRoot, scratchDir } from './paths.js';
import { isError, type Outcome } from './result.js';
import { summarize, type Summary } from './stats.js';
import { loadTranspiler, shortReason, timeProcess, writeScratch } from './tools.js';

type Mode = 'sync' | 'asyncify';

export interface AsyncifyBuild {
  /** Bytes of all core modules. */
  coreBytes: number;
  glueBytes: number;
  /** One transpile with an empty cache, ns. */
  transpileNs: number;
  /** Run time over the whole input at once, ns per run. */
  run: Summary;
}

export interface AsyncifyResults {
  component: string;
  inputBytes: number;
  sync: Outcome<AsyncifyBuild>;
  asyncify: Outcome<AsyncifyBuild>;
  /** asyncify build, stdin in chunks: ns per run, and how many waits each run made. */
  chunked: Outcome<{ run: Summary; waits: number }>;
}

/** Words from a fixed vocabulary in a fixed pseudo-random order: the same text on every run. */
function makeInput(bytes: number): Uint8Array {
  const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${(i * 2654435761) % 1000003}`);
  const parts: string[] = [];
  let size = 0;
  let x = 12345;
  while (size < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    const w = vocabulary[(x >>> 8) % vocabulary.length]!;
    parts.push(w);
    size += w.length + 1;
  }
  return new TextEncoder().encode(parts.join(' ') + '\n');
}

interface Built {
  entry: string;
  coreBytes: number;
  glueBytes: number;
  transpileNs: number;
}

async function build(c: Component, mode: Mode): Promise<Built> {
  const transpile = await loadTranspiler('weft');
  const map = Object.fromEntries(WASI_PACKAGES.map((s) => [`wasi:${s}/*`, `${pathToFileURL(join(repoRoot, 'shims', s, 'dist', 'index.js')).href}#*`]));
  const t0 = process.hrtime.bigint();
  const { files } = await transpile(c.bytes, { name: c.name, map, asyncMode: mode, cacheDir: false });
  const transpileNs = Number(process.hrtime.bigint() - t0);
  const dir = writeScratch(`asyncify-${mode}-${c.name}`, files);
  const coreBytes = Object.entries(files).reduce((n, [f, data]) => (f.endsWith('.wasm') ? n + data.byteLength : n), 0);
  return { entry: join(dir, `${c.name}.js`), coreBytes, glueBytes: files[`${c.name}.js`]!.byteLength, transpileNs };
}

async function runs(
  entry: string,
  inputFile: string,
  samples: number,
  feed: 'whole' | 'chunked',
): Promise<{ run: Summary; waits: number; stdoutBytes: number }> {
  const cliUrl = pathToFileURL(join(repoRoot, 'shims', 'cli', 'dist', 'index.js')).href;
  const r = await timeProcess([process.execPath, asyncifyChild, entry, cliUrl, inputFile, String(samples), feed]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${shortReason(r.stderr, 200)}`);
  const out = JSON.parse(r.stdout) as { ns: number[]; waits: number; stdoutBytes: number };
  // The first run of a process compiles the glue and the core modules' hot code.
  return { run: summarize(out.ns.slice(1)), waits: out.waits, stdoutBytes: out.stdoutBytes };
}

const attempt = <T>(p: Promise<T>): Promise<Outcome<T>> => p.catch((e: unknown) => ({ error: shortReason(e, 160) }));

export async function measureAsyncify(c: Component, quick: boolean, log: (m: string) => void): Promise<AsyncifyResults> {
  const input = makeInput(quick ? 1 << 20 : 4 << 20);
  const inputFile = join(scratchDir, 'asyncify-input.txt');
  mkdirSync(scratchDir, { recursive: true });
  writeFileSync(inputFile, input);
  const samples = quick ? 4 : 9;
  const measure = async (mode: Mode) => {
    log(`asyncify: ${c.id} ${mode}`);
    const b = await build(c, mode);
    return { ...b, whole: await runs(b.entry, inputFile, samples, 'whole') };
  };
  const sync = await attempt(measure('sync'));
  const asy = await attempt(measure('asyncify'));
  const figures = (m: Built & { whole: { run: Summary } }): AsyncifyBuild => ({
    coreBytes: m.coreBytes,
    glueBytes: m.glueBytes,
    transpileNs: m.transpileNs,
    run: m.whole.run,
  });
  const result: AsyncifyResults = {
    component: c.id,
    inputBytes: input.length,
    sync: isError(sync) ? sync : figures(sync),
    asyncify: isError(asy) ? asy : figures(asy),
    chunked: { error: 'not run' },
  };
  if (isError(asy)) return result;
  if (!isError(sync) && sync.whole.stdoutBytes !== asy.whole.stdoutBytes) {
    result.asyncify = { error: `printed ${asy.whole.stdoutBytes} bytes, sync printed ${sync.whole.stdoutBytes}` };
  }
  result.chunked = await attempt(
    runs(asy.entry, inputFile, samples, 'chunked').then((ch) => {
      if (ch.stdoutBytes !== asy.whole.stdoutBytes) throw new Error(`chunked stdin printed ${ch.stdoutBytes} bytes, whole stdin ${asy.whole.stdoutBytes}`);
      return { run: ch.run, waits: ch.waits };
    }),
  );
  return result;
}

export function asyncifyTable(r: AsyncifyResults): string {
  const headers = ['', 'sync', 'asyncify', 'asyncify/sync'];
  const { sync: s, asyncify: a } = r;
  const row = (label: string, f: (b: AsyncifyBuild) => number, show: (n: number) => string, spread?: (b: AsyncifyBuild) => string): string[] => {
    const cell = (b: Outcome<AsyncifyBuild>) => (isError(b) ? `error: ${b.error}` : `${show(f(b))}${spread ? spread(b) : ''}`);
    const ratio = isError(s) || isError(a) ? 'n/a' : formatRatio(f(a) / f(s));
    return [label, cell(s), cell(a), ratio];
  };
  const runNs = (b: AsyncifyBuild) => b.run.median;
  const runSpread = (b: AsyncifyBuild) => formatSpread(b.run);
  const rows = [
    row('core wasm bytes', (b) => b.coreBytes, formatBytes),
    row('glue bytes', (b) => b.glueBytes, formatBytes),
    row('transpile time (no cache)', (b) => b.transpileNs, formatDuration),
    row(`run, ${formatBytes(r.inputBytes)} bytes of stdin at once`, runNs, formatDuration, runSpread),
  ];
  const ch = r.chunked;
  if (isError(ch)) rows.push(['run, stdin in 4 KiB chunks', '–', `error: ${ch.error}`, 'n/a']);
  else {
    const base = isError(a) ? undefined : runNs(a);
    const perWait = base === undefined ? '' : `; ${formatDuration(Math.max(0, ch.run.median - base) / Math.max(1, ch.waits))} per wait`;
    rows.push([`run, stdin in 4 KiB chunks (${ch.waits} waits)`, 'cannot wait', `${formatDuration(ch.run.median)}${formatSpread(ch.run)}${perWait}`, 'n/a']);
  }
  return markdownTable(headers, rows);
}
