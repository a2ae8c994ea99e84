/** Transpile time: whole CLI process, and warm in-process `transpile()`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from './corpus.js';
import { collectGarbage } from './gc.js';
import { formatBytes, formatDuration, formatRatio, formatSpread, markdownTable } from './format.js';
import { atMost, errorCell, isError, statusCell, weftOverJco, type Outcome, type Status } from './result.js';
import { interleave, timed, type SamplePlan, type Sampler } from './sampler.js';
import type { Summary } from './stats.js';
import { cliAvailable, cliCommand, loadTranspiler, shortReason, timeProcess, toolLabel, type Tool } from './tools.js';

export type TranspileMode = 'process' | 'in-process';

export interface TranspileRow {
  component: string;
  size: 'small' | 'medium' | 'large';
  componentBytes: number;
  mode: TranspileMode;
  jco: Outcome<Summary>;
  weft: Outcome<Summary>;
}

/** Goal: weft at least 10x faster than jco, both ways of running it. */
export const transpileGoal = 0.1;

export interface TranspileTarget {
  component: Component;
  size: TranspileRow['size'];
}

/** Small, medium and large picks: the sample plan scales with how long one run takes. */
function plan(size: TranspileRow['size'], mode: TranspileMode, quick: boolean): SamplePlan {
  const s = 1e9;
  if (mode === 'in-process') {
    if (size === 'large')
      return quick ? { warmup: 1, minSamples: 2, maxSamples: 3, budgetNs: 4 * s } : { warmup: 1, minSamples: 5, maxSamples: 15, budgetNs: 20 * s };
    return quick ? { warmup: 3, minSamples: 10, maxSamples: 100, budgetNs: 1.5 * s } : { warmup: 5, minSamples: 30, maxSamples: 500, budgetNs: 6 * s };
  }
  // A jco CLI run takes seconds, so process samples are few: the budget caps the run.
  if (size === 'large')
    return quick ? { warmup: 0, minSamples: 1, maxSamples: 2, budgetNs: 4 * s } : { warmup: 1, minSamples: 3, maxSamples: 10, budgetNs: 20 * s };
  if (size === 'medium')
    return quick ? { warmup: 1, minSamples: 3, maxSamples: 10, budgetNs: 2 * s } : { warmup: 1, minSamples: 6, maxSamples: 40, budgetNs: 10 * s };
  return quick ? { warmup: 1, minSamples: 3, maxSamples: 10, budgetNs: 2 * s } : { warmup: 1, minSamples: 8, maxSamples: 40, budgetNs: 10 * s };
}

function inProcessSampler(tool: Tool, c: Component): Sampler {
  const run = timed(async () => {
    const transpile = await loadTranspiler(tool);
    await transpile(c.bytes, { name: c.name });
  });
  return () => {
    collectGarbage();
    return run();
  };
}

function processSampler(tool: Tool, c: Component): Sampler | { error: string } {
  const missing = cliAvailable(tool);
  if (missing) return { error: missing };
  return async () => {
    const out = mkdtempSync(join(tmpdir(), `weft-bench-${tool}-`));
    try {
      const r = await timeProcess(cliCommand(tool, c.file, out, c.name));
      if (r.code !== 0) throw new Error(`exit ${r.code}: ${shortReason(r.stderr || r.stdout)}`);
      return r.ns;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
}

export async function measureTranspile(targets: readonly TranspileTarget[], quick: boolean, log: (m: string) => void): Promise<TranspileRow[]> {
  const rows: TranspileRow[] = [];
  for (const mode of ['in-process', 'process'] as const) {
    for (const { component: c, size } of targets) {
      log(`transpile ${mode}: ${c.id}`);
      const make = (t: Tool) => {
        if (mode === 'process') return processSampler(t, c);
        return loadTranspiler(t).then(
          () => inProcessSampler(t, c),
          (e: unknown) => ({ error: shortReason(e) }),
        );
      };
      const [jco, weft] = await Promise.all([make('jco'), make('weft')]);
      const r = await interleave({ jco, weft }, plan(size, mode, quick));
      rows.push({ component: c.id, size, componentBytes: c.bytes.byteLength, mode, jco: r.jco, weft: r.weft });
    }
  }
  return rows;
}

export function transpileRatio(r: TranspileRow): number | undefined {
  return weftOverJco(r.jco, r.weft, (s) => s.median);
}

export function transpileStatus(r: TranspileRow): Status {
  return atMost(transpileRatio(r), transpileGoal);
}

export function transpileTable(rows: readonly TranspileRow[]): string {
  const headers = ['mode', 'component', 'size', toolLabel('jco'), toolLabel('weft'), 'weft/jco', `goal ≤${transpileGoal}x`, 'samples'];
  const cell = (o: Outcome<Summary>) => (isError(o) ? errorCell(o) : `${formatDuration(o.median)}${formatSpread(o)}`);
  const n = (o: Outcome<Summary>) => (isError(o) ? '–' : String(o.n));
  const body = rows.map((r) => {
    const ratio = transpileRatio(r);
    return [
      r.mode === 'process' ? 'CLI process' : 'in-process',
      `${r.component} (${r.size})`,
      formatBytes(r.componentBytes),
      cell(r.jco),
      cell(r.weft),
      ratio === undefined ? 'n/a' : formatRatio(ratio),
      statusCell(transpileStatus(r)),
      `${n(r.jco)}/${n(r.weft)}`,
    ];
  });
  return markdownTable(headers, body);
}
