/**
 * Preview 3 in Node: the round trip of a callback-lifted async export (one that returns at
 * once, one that yields once first) next to a plain synchronous export, and 16 MiB
 * host -> guest -> host through a `stream<u8>` next to the same bytes through a
 * `list<u8>`. Both tools' ES-module output of the p3 corpus guests is loaded in this
 * process, each guest on its own (a tool that cannot load one still runs the others);
 * samples interleave the tools.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Component } from './corpus.js';
import { formatRate, formatRatio, formatSpread, markdownTable } from './format.js';
import { collectGarbage } from './gc.js';
import { errorCell, isError, type Outcome } from './result.js';
import { interleave, type SamplePlan, type Sampler } from './sampler.js';
import { elapsedNs, type Summary } from './stats.js';
import { loadTranspiler, shortReason, toolLabel, tools, writeScratch, type Tool } from './tools.js';

/** The corpus ids of the guests (bench/corpus/p3/*.wat). */
export const p3Guests = { plain: 'p3/sync-calls', calls: 'p3/async-calls', stream: 'p3/stream-copy' } as const;
export type GuestName = keyof typeof p3Guests;

export const streamBytes = 16 << 20;
export const chunkBytes = 64 << 10;

type Unit = 'calls/s' | 'MB/s';

export interface P3Row {
  id: string;
  label: string;
  unit: Unit;
  /** The row this one is compared with, in the same tool. */
  baseline?: string;
  /** Calls per second or MB (10^6 bytes) per second. */
  weft: Outcome<Summary>;
  jco: Outcome<Summary>;
}

export interface P3Results {
  streamBytes: number;
  chunkBytes: number;
  rows: P3Row[];
}

/** The exports of the guests, as both tools' glue presents them. */
export interface PlainApi {
  syncInc(x: number): number;
}
export interface CallsApi extends PlainApi {
  asyncInc(x: number): Promise<number>;
  yieldInc(x: number): Promise<number>;
}
export interface StreamApi {
  copyStream(s: ReadableStream<Uint8Array> | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<ReadableStream<Uint8Array>>;
  copyList(l: Uint8Array): Uint8Array;
}

/** Pseudo-random bytes in `chunkBytes` chunks: the same input on every run. */
export function streamInput(total: number, chunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let x = 0x9e3779b9;
  for (let at = 0; at < total; at += chunk) {
    const c = new Uint8Array(Math.min(chunk, total - at));
    for (let i = 0; i < c.length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      c[i] = x >>> 24;
    }
    chunks.push(c);
  }
  return chunks;
}

/** A position-sensitive checksum over bytes in any chunking; cheap next to the copies it checks. */
export function checksum(chunks: Iterable<Uint8Array>): { bytes: number; sum: number } {
  let sum = 0;
  let bytes = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) sum = (Math.imul(sum, 31) + c[i]!) | 0;
    bytes += c.length;
  }
  return { bytes, sum };
}

/** A ReadableStream that hands out `chunks` one per pull, as a file or socket would. */
export function readableOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let k = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (k < chunks.length) c.enqueue(chunks[k++]!);
      else c.close();
    },
  });
}

/** Every chunk of a stream the guest hands back. */
export async function drain(s: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return parts;
}

/** Transpiles a guest with `tool` (ES-module output), writes it to the scratch folder and imports it. */
export async function loadGuest<T>(tool: Tool, c: Component): Promise<T> {
  const transpile = await loadTranspiler(tool);
  const { files } = await transpile(c.bytes, { name: c.name, base64Cutoff: 0 });
  const dir = writeScratch(`p3-${tool}-${c.name}`, files);
  return (await import(pathToFileURL(join(dir, `${c.name}.js`)).href)) as T;
}

const attempt = <T>(p: Promise<T>): Promise<Outcome<T>> => p.catch((e: unknown) => ({ error: shortReason(e) }));

/** n calls, each checked; the loops differ only in the export they call and whether they await. */
type Batch<A> = (api: A, n: number) => Promise<void>;
const wrong = (name: string, x: number, r: unknown) => new Error(`${name}(${x}) returned ${String(r)}, not ${x + 1}`);
const callBodies = {
  sync: "const r = api.syncInc(i); if (r !== i + 1) throw wrong('sync-inc', i, r);",
  exit: "const r = await api.asyncInc(i); if (r !== i + 1) throw wrong('async-inc', i, r);",
  yield: "const r = await api.yieldInc(i); if (r !== i + 1) throw wrong('yield-inc', i, r);",
};

/**
 * A batch compiled afresh for each (row, tool), as call-rows.ts does: a loop shared
 * between rows would carry one export's inline caches into the next row's.
 */
function compileBatch<A>(body: string): Batch<A> {
  return new Function('wrong', `return async function batch(api, n) { for (let i = 0; i < n; i++) { ${body} } };`)(wrong) as Batch<A>;
}

/**
 * Warms `batch` up, doubling it until one takes about `targetNs`, and returns that size,
 * from the fastest per-call time of batches long enough to count (as call-rows.ts does for
 * synchronous rows): the first calls, cold and on a busy machine, can be 100x slower.
 */
async function calibrate<A>(api: A, batch: Batch<A>, warmNs: number, targetNs: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  let best = Infinity;
  for (let n = 1; best === Infinity || elapsedNs(t0) < warmNs; ) {
    const t = process.hrtime.bigint();
    await batch(api, n);
    const dt = elapsedNs(t);
    if (dt < targetNs / 2) n *= 2;
    else best = Math.min(best, dt / n);
  }
  return Math.max(1, Math.round(targetNs / best));
}

/**
 * A sampler of calls per second, calibrated on first use (the sampler's warm-up). No forced
 * GC here, unlike the other sections: a full GC deoptimizes the P3 runtime's call path
 * (V8 reports "weak objects"), so every batch after one would time the climb back to
 * optimized code rather than the calls; the calls leave little garbage that outlives a batch.
 */
function callSampler<A>(api: A, batch: Batch<A>, warmNs: number, targetNs: number): Sampler {
  let n = 0;
  return async () => {
    if (n === 0) n = await calibrate(api, batch, warmNs, targetNs);
    const t = process.hrtime.bigint();
    await batch(api, n);
    return n / (elapsedNs(t) / 1e9);
  };
}

/** One copy through the guest: the whole input, or a few chunks of it. */
type Copy = (size: 'whole' | 'few') => Promise<Uint8Array[]>;

/**
 * A sampler of MB/s for one whole copy; the bytes that come back are checked outside the
 * timing. The forced GC keeps one copy's 32 MiB of garbage off the next; the short copy
 * after it brings back the optimized code that GC threw away (see callSampler).
 */
function copySampler(copy: Copy, expected: { bytes: number; sum: number }): Sampler {
  return async () => {
    collectGarbage();
    await copy('few');
    const t = process.hrtime.bigint();
    const out = await copy('whole');
    const ns = elapsedNs(t);
    const got = checksum(out);
    if (got.bytes !== expected.bytes || got.sum !== expected.sum) {
      throw new Error(`copy returned ${got.bytes} bytes with checksum ${got.sum}, sent ${expected.bytes} with ${expected.sum}`);
    }
    return expected.bytes / 1e6 / (ns / 1e9);
  };
}

interface Guests {
  plain: PlainApi;
  calls: CallsApi;
  stream: StreamApi;
}

type RowSpec = {
  id: string;
  label: string;
  unit: Unit;
  baseline?: string;
  plan: SamplePlan;
} & { [G in GuestName]: { guest: G; sampler: (api: Guests[G]) => Sampler } }[GuestName];

function rowSpecs(quick: boolean): RowSpec[] {
  const warmNs = quick ? 20e6 : 100e6;
  const targetNs = quick ? 5e6 : 20e6;
  const callPlan: SamplePlan = { warmup: 1, minSamples: quick ? 5 : 11, maxSamples: quick ? 9 : 31, budgetNs: quick ? 0.5e9 : 2e9 };
  const copyPlan: SamplePlan = { warmup: quick ? 1 : 2, minSamples: quick ? 3 : 7, maxSamples: quick ? 7 : 21, budgetNs: quick ? 1e9 : 3e9 };
  const chunks = streamInput(streamBytes, chunkBytes);
  const whole = new Uint8Array(streamBytes);
  chunks.forEach((c, k) => whole.set(c, k * chunkBytes));
  const expected = checksum(chunks);
  const fewChunks = 4;
  const few = whole.subarray(0, fewChunks * chunkBytes);
  const mib = streamBytes / 2 ** 20;
  return [
    {
      id: 'plain',
      label: 'sync-inc(x: u32) -> u32 in a component without P3',
      unit: 'calls/s',
      guest: 'plain',
      sampler: (api) => callSampler(api, compileBatch<PlainApi>(callBodies.sync), warmNs, targetNs),
      plan: callPlan,
    },
    {
      id: 'sync',
      label: 'sync-inc(x: u32) -> u32 beside the async exports',
      unit: 'calls/s',
      baseline: 'plain',
      guest: 'calls',
      sampler: (api) => callSampler(api, compileBatch<CallsApi>(callBodies.sync), warmNs, targetNs),
      plan: callPlan,
    },
    {
      id: 'exit',
      label: 'async-inc: task.return, EXIT',
      unit: 'calls/s',
      baseline: 'sync',
      guest: 'calls',
      sampler: (api) => callSampler(api, compileBatch<CallsApi>(callBodies.exit), warmNs, targetNs),
      plan: callPlan,
    },
    {
      id: 'yield',
      label: 'yield-inc: YIELD, then task.return, EXIT',
      unit: 'calls/s',
      baseline: 'sync',
      guest: 'calls',
      sampler: (api) => callSampler(api, compileBatch<CallsApi>(callBodies.yield), warmNs, targetNs),
      plan: callPlan,
    },
    {
      id: 'list',
      label: `copy-list(list<u8>) -> list<u8>, ${mib} MiB`,
      unit: 'MB/s',
      guest: 'stream',
      sampler: (api) => copySampler(async (size) => [api.copyList(size === 'whole' ? whole : few)], expected),
      plan: copyPlan,
    },
    {
      id: 'stream',
      label: `copy-stream(stream<u8>) -> stream<u8>, ${mib} MiB in ${chunkBytes / 1024} KiB chunks`,
      unit: 'MB/s',
      baseline: 'list',
      guest: 'stream',
      sampler: (api) => copySampler(async (size) => drain(await api.copyStream(readableOf(size === 'whole' ? chunks : chunks.slice(0, fewChunks)))), expected),
      plan: copyPlan,
    },
  ];
}

export async function measureP3(components: Record<GuestName, Component>, quick: boolean, log: (m: string) => void): Promise<P3Results> {
  const guests = {} as Record<Tool, { [G in GuestName]: Outcome<Guests[G]> }>;
  for (const tool of tools) {
    guests[tool] = {
      plain: await attempt(loadGuest<PlainApi>(tool, components.plain)),
      calls: await attempt(loadGuest<CallsApi>(tool, components.calls)),
      stream: await attempt(loadGuest<StreamApi>(tool, components.stream)),
    };
  }
  const rows: P3Row[] = [];
  for (const spec of rowSpecs(quick)) {
    log(`p3: ${spec.id}`);
    const contender = (tool: Tool): Sampler | { error: string } => {
      const api = guests[tool][spec.guest];
      if (isError(api)) return api;
      return (spec.sampler as (api: Guests[GuestName]) => Sampler)(api);
    };
    const r = await interleave({ jco: contender('jco'), weft: contender('weft') }, spec.plan);
    rows.push({ id: spec.id, label: spec.label, unit: spec.unit, ...(spec.baseline ? { baseline: spec.baseline } : {}), weft: r.weft, jco: r.jco });
  }
  return { streamBytes, chunkBytes, rows };
}

function ratio(a: Outcome<Summary> | undefined, b: Outcome<Summary> | undefined): string {
  if (!a || !b || isError(a) || isError(b)) return 'n/a';
  return formatRatio(a.median / b.median);
}

export function p3Table(r: P3Results): string {
  // A tool that cannot load a guest fails each of its rows alike: the reason is spelled out once.
  const shown = new Set<string>();
  const cell = (o: Outcome<Summary>, unit: Unit) => {
    if (isError(o)) {
      if (shown.has(o.error)) return 'error, as above';
      shown.add(o.error);
      return errorCell(o);
    }
    const value = unit === 'MB/s' ? `${o.median.toFixed(o.median >= 100 ? 0 : 1)} MB/s` : formatRate(o.median);
    return `${value}${formatSpread(o)}`;
  };
  const byId = (id: string | undefined) => r.rows.find((row) => row.id === id);
  const body = r.rows.map((row) => {
    const base = byId(row.baseline);
    return [
      `${row.label} (${row.id})`,
      cell(row.weft, row.unit),
      cell(row.jco, row.unit),
      ratio(row.weft, row.jco),
      base ? `${ratio(row.weft, base.weft)} of ${base.id}` : '',
      base ? `${ratio(row.jco, base.jco)} of ${base.id}` : '',
    ];
  });
  const headers = ['export (row)', toolLabel('weft'), toolLabel('jco'), 'weft/jco', 'weft vs baseline row', 'jco vs baseline row'];
  return markdownTable(headers, body, ['left', 'right', 'right', 'right', 'right', 'right']);
}

export function p3Heading(r: P3Results, quick: boolean): string {
  const mib = r.streamBytes / 2 ** 20;
  return `### Preview 3 in Node (calls/s of \`await\`ed calls in a loop; MB/s of ${mib} MiB host → guest → host, checked by checksum; median ± half the IQR${quick ? '; quick run' : ''})`;
}

/** What the rows run, printed under the table. */
export function p3Notes(r: P3Results): string {
  return [
    'Guests: bench/corpus/p3/*.wat. async-inc and yield-inc are `async func(x: u32) -> u32` lifted `async (callback ...)`;',
    'yield-inc parks once and resumes on the next pump turn (a macrotask). copy-stream is callback-lifted: it returns its output',
    `stream at once, then moves the input through a 64 KiB buffer with async stream.read/stream.write, WAITing on a waitable set;`,
    `the host feeds a ReadableStream of ${r.chunkBytes / 1024} KiB Uint8Array chunks and reads the ReadableStream it gets back.`,
    'copy-list hands its argument back: the bytes cross into guest memory and out, as in copy-stream.',
  ].join('\n');
}
