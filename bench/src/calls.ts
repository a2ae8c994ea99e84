/**
 * Call overhead in Node: ops/s through each tool's glue and through the hand-written
 * baseline, all driving the same core module of bench.wat.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deepStrictEqual } from 'node:assert';
import { instantiateBaseline } from './baseline.js';
import type { Component } from './corpus.js';
import { formatRate, formatRatio, markdownTable } from './format.js';
import { cacheDir } from './paths.js';
import { errorCell, isError, statusCell, type Outcome, type Status } from './result.js';
import { elapsedNs, summarize, type Summary } from './stats.js';
import { loadTranspiler, shortReason, toolLabel, type Files, type Tool } from './tools.js';

/**
 * The JS API bench.wat exposes, as the generated glue and the baseline both present it.
 * Untyped on purpose: rows drive it through generated code, and each row's check
 * verifies what comes back.
 */
type Api = any;

export const hostCalls = 100;

interface CallSpec {
  id: string;
  label: string;
  /** Scalar rows are also held against the baseline. */
  scalar: boolean;
  /** Loop body; `api` is the API under test, `d` the row's inputs, `i` the iteration; sets `r`. */
  body: string;
  /** Checks one call's result, so a wrong implementation cannot post a good number. */
  check: (api: Api, d: Inputs) => void;
}

interface Inputs {
  s16: string;
  s16k: string;
  b16: Uint8Array;
  b1m: Uint8Array;
  shape: { tag: 'circle'; val: number };
}

function inputs(): Inputs {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const text = (n: number) => Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('');
  const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
  return { s16: text(16), s16k: text(16 * 1024), b16: bytes(16), b1m: bytes(1 << 20), shape: { tag: 'circle', val: 1.5 } };
}

export const callSpecs: readonly CallSpec[] = [
  { id: 'noop', label: 'noop()', scalar: true, body: 'r = api.noop();', check: (a) => deepStrictEqual(a.noop(), undefined) },
  { id: 'add', label: 'add(u32, u32) -> u32', scalar: true, body: 'r = api.add(i & 0xffff, 7);', check: (a) => deepStrictEqual(a.add(4000000000, 7), 4000000007) },
  { id: 'string-16', label: 'echo string 16 B', scalar: false, body: 'r = api.echoString(d.s16);', check: (a, d) => deepStrictEqual(a.echoString(d.s16), d.s16) },
  { id: 'string-16k', label: 'echo string 16 KiB', scalar: false, body: 'r = api.echoString(d.s16k);', check: (a, d) => deepStrictEqual(a.echoString(d.s16k), d.s16k) },
  { id: 'bytes-in-16', label: 'list<u8> in 16 B', scalar: false, body: 'r = api.sumBytes(d.b16);', check: (a, d) => deepStrictEqual(a.sumBytes(d.b16), 16) },
  { id: 'bytes-in-1m', label: 'list<u8> in 1 MiB', scalar: false, body: 'r = api.sumBytes(d.b1m);', check: (a, d) => deepStrictEqual(a.sumBytes(d.b1m), 1 << 20) },
  { id: 'bytes-out-16', label: 'list<u8> out 16 B', scalar: false, body: 'r = api.makeBytes(16);', check: (a) => checkBytes(a.makeBytes(16), 16) },
  { id: 'bytes-out-1m', label: 'list<u8> out 1 MiB', scalar: false, body: 'r = api.makeBytes(1048576);', check: (a) => checkBytes(a.makeBytes(1 << 20), 1 << 20) },
  { id: 'record', label: 'record { f64, f64 } returned', scalar: true, body: 'r = api.makePoint(i, 0.5);', check: (a) => deepStrictEqual(a.makePoint(1.25, -2), { x: 1.25, y: -2 }) },
  {
    id: 'variant',
    label: 'variant + option -> result round trip',
    scalar: false,
    body: 'r = api.roundTrip(d.shape, 3);',
    check: (a, d) => {
      deepStrictEqual(a.roundTrip(d.shape, 3), { tag: 'circle', val: 4.5 });
      deepStrictEqual(a.roundTrip({ tag: 'empty' }, undefined), { tag: 'empty' });
    },
  },
  {
    id: 'host-import',
    label: `export calling a host import ${hostCalls}x`,
    scalar: true,
    body: `r = api.callHost(${hostCalls});`,
    check: (a) => deepStrictEqual(a.callHost(hostCalls), hostCalls),
  },
  {
    id: 'resource',
    label: 'resource new + method + drop',
    scalar: false,
    body: '{ const c = new api.res.Counter(i & 0xffff); r = c.bump(1); c[Symbol.dispose](); }',
    check: (a) => {
      const c = new a.res.Counter(41);
      deepStrictEqual([c.bump(1), c.bump(2)], [42, 44]);
      c[Symbol.dispose]();
    },
  },
];

function checkBytes(b: unknown, n: number): void {
  if (!(b instanceof Uint8Array)) throw new TypeError(`expected a Uint8Array, got ${Object.prototype.toString.call(b)}`);
  deepStrictEqual(b.length, n);
}

export type Impl = 'baseline' | Tool;
const impls: readonly Impl[] = ['baseline', 'jco', 'weft'];

export interface CallRow {
  id: string;
  label: string;
  scalar: boolean;
  /** ops/s summaries. */
  baseline: Outcome<Summary>;
  jco: Outcome<Summary>;
  weft: Outcome<Summary>;
}

export const callGoalVsJco = 2;
export const callGoalVsBaseline = 1 / 1.5;

export interface CallOptions {
  quick: boolean;
  log: (m: string) => void;
}

const host = { hostInc: (n: number) => n + 1 };

type Instantiate = () => Promise<Api>;

/**
 * Transpiles bench.wat in instantiation mode and loads the module; the returned function
 * makes a fresh instance, so a row that traps cannot poison the rows after it.
 */
async function loadTool(tool: Tool, c: Component): Promise<{ instantiate: Instantiate; files: Files }> {
  const transpile = await loadTranspiler(tool);
  const { files } = await transpile(c.bytes, { name: c.name, instantiation: 'async', base64Cutoff: 0 });
  const dir = join(cacheDir, 'out', `calls-${tool}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
  const mod = await import(pathToFileURL(join(dir, `${c.name}.js`)).href);
  if (typeof mod.instantiate !== 'function') throw new Error('no instantiate() export');
  const compiled = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (p: string) => {
    let m = compiled.get(p);
    if (!m) {
      m = WebAssembly.compile(readFileSync(join(dir, p)));
      compiled.set(p, m);
    }
    return m;
  };
  return { instantiate: () => mod.instantiate(getCoreModule, { 'local:bench/host': host }), files };
}

type Runner = (n: number) => unknown;

/**
 * Each (row, implementation) pair gets freshly compiled code, so V8's inline caches see
 * one implementation only: a shared loop would turn megamorphic and penalise everyone.
 */
function compileRunner(spec: CallSpec, api: Api, d: Inputs): Runner {
  const factory = new Function('api', 'd', `return function run(n) { let r; for (let i = 0; i < n; i++) { ${spec.body} } return r; };`);
  return factory(api, d) as Runner;
}

export let sink: unknown;

/** Present when node runs with --expose-gc, as the bench script does. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Warms `run` up for `warmNs`, doubling the batch, and returns a batch size that takes about `targetNs`. */
function calibrate(run: Runner, warmNs: number, targetNs: number): number {
  let n = 1;
  const t0 = process.hrtime.bigint();
  let per = Infinity;
  while (elapsedNs(t0) < warmNs || per === Infinity) {
    const t = process.hrtime.bigint();
    sink = run(n);
    const dt = elapsedNs(t);
    per = Math.max(dt, 1) / n;
    if (dt < targetNs / 2) n *= 2;
  }
  return Math.max(1, Math.round(targetNs / per));
}

export async function measureCalls(c: Component, opts: CallOptions): Promise<CallRow[]> {
  const d = inputs();
  const instantiators: Partial<Record<Impl, Instantiate>> = {};
  const failed: Partial<Record<Impl, string>> = {};
  let coreWasm: Uint8Array | undefined;
  for (const tool of ['jco', 'weft'] as const) {
    try {
      const { instantiate, files } = await loadTool(tool, c);
      instantiators[tool] = instantiate;
      coreWasm ??= files[`${c.name}.core.wasm`];
    } catch (e) {
      failed[tool] = shortReason(e);
    }
  }
  if (coreWasm) {
    const core = coreWasm;
    instantiators.baseline = () => instantiateBaseline(core, host);
  } else {
    failed.baseline = 'no tool produced the core module';
  }

  const warmNs = opts.quick ? 20e6 : 60e6;
  const batchNs = opts.quick ? 2e6 : 5e6;
  const rounds = opts.quick ? 9 : 31;
  const rows: CallRow[] = [];
  for (const spec of callSpecs) {
    opts.log(`calls: ${spec.id}`);
    const runners: Partial<Record<Impl, { run: Runner; n: number }>> = {};
    const result: Partial<Record<Impl, Outcome<Summary>>> = {};
    const rates: Partial<Record<Impl, number[]>> = {};
    for (const impl of impls) {
      const instantiate = instantiators[impl];
      if (!instantiate) {
        result[impl] = { error: failed[impl]! };
        continue;
      }
      try {
        const api = await instantiate();
        spec.check(api, d);
        const run = compileRunner(spec, api, d);
        runners[impl] = { run, n: calibrate(run, warmNs, batchNs) };
        rates[impl] = [];
      } catch (e) {
        result[impl] = { error: shortReason(e) };
      }
    }
    const live = impls.filter((i) => runners[i]);
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first so that order effects average out.
      const order = live.map((_, k) => live[(k + round) % live.length]!);
      for (const impl of order) {
        const { run, n } = runners[impl]!;
        // Each batch starts on a clean heap, so no contender pays for another's garbage.
        collectGarbage?.();
        const t = process.hrtime.bigint();
        sink = run(n);
        rates[impl]!.push(n / (Math.max(elapsedNs(t), 1) / 1e9));
      }
    }
    for (const impl of live) result[impl] = summarize(rates[impl]!);
    rows.push({ id: spec.id, label: spec.label, scalar: spec.scalar, baseline: result.baseline!, jco: result.jco!, weft: result.weft! });
  }
  return rows;
}

function ratio(a: Outcome<Summary>, b: Outcome<Summary>): number | undefined {
  if (isError(a) || isError(b)) return undefined;
  return a.median / b.median;
}

export function callStatus(r: CallRow): Status {
  const vsJco = ratio(r.weft, r.jco);
  const vsBase = ratio(r.weft, r.baseline);
  if (vsJco === undefined || (r.scalar && vsBase === undefined)) return 'n/a';
  const ok = vsJco >= callGoalVsJco && (!r.scalar || vsBase! >= callGoalVsBaseline);
  return ok ? 'pass' : 'FAIL';
}

export function callTable(rows: readonly CallRow[]): string {
  const headers = ['call', 'baseline', toolLabel('jco'), toolLabel('weft'), 'weft/jco', 'weft/baseline', 'jco/baseline', `goal ≥${callGoalVsJco}x jco, scalar ≥${formatRatio(callGoalVsBaseline)} base`];
  const cell = (o: Outcome<Summary>) => (isError(o) ? errorCell(o) : formatRate(o.median));
  const fr = (x: number | undefined) => (x === undefined ? 'n/a' : formatRatio(x));
  const body = rows.map((r) => [
    r.scalar ? `${r.label} (scalar)` : r.label,
    cell(r.baseline),
    cell(r.jco),
    cell(r.weft),
    fr(ratio(r.weft, r.jco)),
    fr(ratio(r.weft, r.baseline)),
    fr(ratio(r.jco, r.baseline)),
    statusCell(callStatus(r)),
  ]);
  return markdownTable(headers, body);
}
