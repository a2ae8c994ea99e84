/**
 * The call benchmark rows and the machinery one contender needs to run them; used inside
 * the per-contender worker threads (see calls.ts).
 */
import { deepStrictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instantiateBaseline } from './baseline.js';
import { collectGarbage } from './gc.js';
import { elapsedNs } from './stats.js';

/**
 * The JS API bench.wat exposes, as the generated glue and the baseline both present it.
 * Untyped on purpose: rows drive it through generated code, and each row's check
 * verifies what comes back.
 */
export type Api = any;

export const hostCalls = 100;

export interface CallSpec {
  id: string;
  label: string;
  /** Scalar rows are also held against the baseline. */
  scalar: boolean;
  /** Loop body; `api` is the API under test, `d` the row's inputs, `i` the iteration; sets `r`. */
  body: string;
  /** Checks one call's result, so a wrong implementation cannot post a good number. */
  check: (api: Api, d: Inputs) => void;
}

export interface Inputs {
  s16: string;
  s16k: string;
  b16: Uint8Array;
  b1m: Uint8Array;
  shape: { tag: 'circle'; val: number };
}

export function inputs(): Inputs {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const text = (n: number) => Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('');
  const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
  return { s16: text(16), s16k: text(16 * 1024), b16: bytes(16), b1m: bytes(1 << 20), shape: { tag: 'circle', val: 1.5 } };
}

export const callSpecs: readonly CallSpec[] = [
  { id: 'noop', label: 'noop()', scalar: true, body: 'r = api.noop();', check: (a) => deepStrictEqual(a.noop(), undefined) },
  {
    id: 'add',
    label: 'add(u32, u32) -> u32',
    scalar: true,
    body: 'r = api.add(i & 0xffff, 7);',
    check: (a) => deepStrictEqual(a.add(4000000000, 7), 4000000007),
  },
  {
    id: 'string-16',
    label: 'echo string 16 B',
    scalar: false,
    body: 'r = api.echoString(d.s16);',
    check: (a, d) => deepStrictEqual(a.echoString(d.s16), d.s16),
  },
  {
    id: 'string-16k',
    label: 'echo string 16 KiB',
    scalar: false,
    body: 'r = api.echoString(d.s16k);',
    check: (a, d) => deepStrictEqual(a.echoString(d.s16k), d.s16k),
  },
  { id: 'bytes-in-16', label: 'list<u8> in 16 B', scalar: false, body: 'r = api.sumBytes(d.b16);', check: (a, d) => deepStrictEqual(a.sumBytes(d.b16), 16) },
  {
    id: 'bytes-in-1m',
    label: 'list<u8> in 1 MiB',
    scalar: false,
    body: 'r = api.sumBytes(d.b1m);',
    check: (a, d) => deepStrictEqual(a.sumBytes(d.b1m), 1 << 20),
  },
  { id: 'bytes-out-16', label: 'list<u8> out 16 B', scalar: false, body: 'r = api.makeBytes(16);', check: (a) => checkBytes(a.makeBytes(16), 16) },
  {
    id: 'bytes-out-1m',
    label: 'list<u8> out 1 MiB',
    scalar: false,
    body: 'r = api.makeBytes(1048576);',
    check: (a) => checkBytes(a.makeBytes(1 << 20), 1 << 20),
  },
  {
    id: 'record',
    label: 'record { f64, f64 } returned',
    scalar: true,
    body: 'r = api.makePoint(i, 0.5);',
    check: (a) => deepStrictEqual(a.makePoint(1.25, -2), { x: 1.25, y: -2 }),
  },
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

export const host = { hostInc: (n: number) => n + 1 };

export type Instantiate = () => Promise<Api>;

/**
 * Loads a tool's instantiation-mode module; the returned function makes a fresh instance,
 * so a row that traps cannot poison the rows after it.
 */
export async function loadGlue(entry: string): Promise<Instantiate> {
  const mod = await import(pathToFileURL(entry).href);
  if (typeof mod.instantiate !== 'function') throw new Error('no instantiate() export');
  const dir = dirname(entry);
  const compiled = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (p: string) => {
    let m = compiled.get(p);
    if (!m) {
      m = WebAssembly.compile(readFileSync(join(dir, p)));
      compiled.set(p, m);
    }
    return m;
  };
  return () => mod.instantiate(getCoreModule, { 'local:bench/host': host });
}

export function loadBaseline(coreWasm: string): Instantiate {
  const bytes = new Uint8Array(readFileSync(coreWasm));
  return () => instantiateBaseline(bytes, host);
}

export type Runner = (n: number) => unknown;

/**
 * Each (row, implementation) pair gets freshly compiled code, so V8's inline caches see
 * one implementation only.
 */
export function compileRunner(spec: CallSpec, api: Api, d: Inputs): Runner {
  const factory = new Function('api', 'd', `return function run(n) { let r; for (let i = 0; i < n; i++) { ${spec.body} } return r; };`);
  return factory(api, d) as Runner;
}

/** Keeps results observable so the optimiser cannot drop the calls. */
export let sink: unknown;

/**
 * Warms `run` up, doubling the batch until one takes about `targetNs`, and returns that
 * batch size. Warming lasts at least `warmNs` and goes on (up to 5x longer) while the
 * per-call time still drops by more than 10%: on a busy machine the optimising compiler,
 * which runs on a background thread, can finish late.
 */
export function calibrate(run: Runner, warmNs: number, targetNs: number): number {
  let n = 1;
  const t0 = process.hrtime.bigint();
  let per = Infinity;
  let best = Infinity;
  let improving = true;
  while (per === Infinity || elapsedNs(t0) < warmNs || (improving && elapsedNs(t0) < warmNs * 5)) {
    const t = process.hrtime.bigint();
    sink = run(n);
    const dt = elapsedNs(t);
    const now = Math.max(dt, 1) / n;
    improving = now < per * 0.9;
    per = now;
    if (dt < targetNs / 2) n *= 2;
    // Only batches long enough to swamp timer and GC hiccups inform the batch size; the
    // fastest of them, so one disturbed batch cannot shrink it.
    else best = Math.min(best, now);
  }
  return Math.max(1, Math.round(targetNs / Math.min(best, per)));
}

/** Times one batch of `n` calls; returns ops/s. */
export function batch(run: Runner, n: number): number {
  // Each batch starts on a clean heap: garbage left by calibration or an earlier row is
  // not charged to this one.
  collectGarbage();
  const t = process.hrtime.bigint();
  sink = run(n);
  return n / (Math.max(elapsedNs(t), 1) / 1e9);
}
