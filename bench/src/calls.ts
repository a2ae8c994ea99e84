/**
 * Call overhead in Node: ops/s through each tool's glue and through the hand-written
 * baseline, all driving the same core module of bench.wat. Each contender runs in its
 * own worker thread; this thread interleaves their batches.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { callSpecs } from './call-rows.js';
import type { Reply, Request, WorkerInit } from './calls-worker.js';
import type { Component } from './corpus.js';
import { formatRate, formatRatio, markdownTable } from './format.js';
import { benchRoot } from './paths.js';
import { errorCell, isError, statusCell, type Outcome, type Status } from './result.js';
import { summarize, type Summary } from './stats.js';
import { loadTranspiler, shortReason, toolLabel, writeScratch, type Tool } from './tools.js';

export { hostCalls } from './call-rows.js';

const callsWorker = join(benchRoot, 'dist', 'calls-worker.js');

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

/** Transpiles bench.wat in instantiation mode and writes the output; returns the entry module. */
async function writeGlue(tool: Tool, c: Component): Promise<{ entry: string; coreWasm?: string | undefined }> {
  const transpile = await loadTranspiler(tool);
  const { files } = await transpile(c.bytes, { name: c.name, instantiation: 'async', base64Cutoff: 0 });
  const dir = writeScratch(`calls-${tool}`, files);
  const core = `${c.name}.core.wasm`;
  return { entry: join(dir, `${c.name}.js`), coreWasm: files[core] ? join(dir, core) : undefined };
}

/** A contender's worker thread, answering one request at a time. */
class Contender {
  #worker: Worker;
  #dead: string | undefined;
  constructor(init: WorkerInit) {
    this.#worker = new Worker(callsWorker, { workerData: init, stderr: true });
    this.#worker.stderr.resume();
    this.#worker.on('error', (e) => (this.#dead = shortReason(e)));
    this.#worker.on('exit', (code) => (this.#dead ??= `worker exited with ${code}`));
  }
  request(req: Request): Promise<Reply> {
    if (this.#dead) return Promise.resolve({ error: this.#dead });
    return new Promise((resolve) => {
      const onMessage = (r: Reply) => {
        this.#worker.off('exit', onExit);
        resolve(r);
      };
      const onExit = () => {
        this.#worker.off('message', onMessage);
        resolve({ error: this.#dead ?? 'worker exited' });
      };
      this.#worker.once('message', onMessage);
      this.#worker.once('exit', onExit);
      this.#worker.postMessage(req);
    });
  }
  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

export async function measureCalls(c: Component, opts: CallOptions): Promise<CallRow[]> {
  if (!existsSync(callsWorker)) throw new Error(`${callsWorker} missing: build @weft/bench first`);
  const inits: Partial<Record<Impl, WorkerInit>> = {};
  const failed: Partial<Record<Impl, string>> = {};
  let coreWasm: string | undefined;
  for (const tool of ['jco', 'weft'] as const) {
    try {
      const out = await writeGlue(tool, c);
      inits[tool] = { kind: 'glue', entry: out.entry };
      coreWasm ??= out.coreWasm;
    } catch (e) {
      failed[tool] = shortReason(e);
    }
  }
  if (coreWasm) inits.baseline = { kind: 'baseline', coreWasm };
  else failed.baseline = 'no tool produced the core module';

  const warmNs = opts.quick ? 20e6 : 60e6;
  const batchNs = opts.quick ? 2e6 : 5e6;
  const rounds = opts.quick ? 9 : 31;
  const rows: CallRow[] = [];
  for (const spec of callSpecs) {
    opts.log(`calls: ${spec.id}`);
    // Fresh workers per row: no row inherits JIT or heap state from the rows before it.
    const contenders: Partial<Record<Impl, Contender>> = {};
    for (const impl of impls) {
      const init = inits[impl];
      if (init) contenders[impl] = new Contender(init);
    }
    try {
      const result: Partial<Record<Impl, Outcome<Summary>>> = {};
      const rates: Partial<Record<Impl, number[]>> = {};
      for (const impl of impls) {
        const w = contenders[impl];
        if (!w) {
          result[impl] = { error: failed[impl]! };
          continue;
        }
        const r = await w.request({ op: 'prepare', row: spec.id, warmNs, batchNs });
        if ('error' in r) result[impl] = { error: r.error };
        else rates[impl] = [];
      }
      const live = impls.filter((i) => rates[i]);
      for (let round = 0; round < rounds; round++) {
        // Rotate who goes first so that order effects average out.
        const order = live.map((_, k) => live[(k + round) % live.length]!);
        for (const impl of order) {
          if (result[impl]) continue;
          const r = await contenders[impl]!.request({ op: 'batch' });
          if ('rate' in r) rates[impl]!.push(r.rate);
          else result[impl] = { error: 'error' in r ? r.error : 'no rate' };
        }
      }
      for (const impl of live) result[impl] ??= summarize(rates[impl]!);
      rows.push({ id: spec.id, label: spec.label, scalar: spec.scalar, baseline: result.baseline!, jco: result.jco!, weft: result.weft! });
    } finally {
      await Promise.all(Object.values(contenders).map((w) => w.terminate()));
    }
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
  const headers = [
    'call',
    'baseline',
    toolLabel('jco'),
    toolLabel('weft'),
    'weft/jco',
    'weft/baseline',
    'jco/baseline',
    `goal ≥${callGoalVsJco}x jco, scalar ≥${formatRatio(callGoalVsBaseline)} base`,
  ];
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
