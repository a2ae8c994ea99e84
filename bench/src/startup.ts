/** Start-up: `import` of the generated module to the first call returning, fresh process per sample. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from './corpus.js';
import { formatBytes, formatDuration, formatRatio, formatSpread, markdownTable } from './format.js';
import { startupChild } from './paths.js';
import { atMost, errorCell, isError, statusCell, weftOverJco, type Outcome, type Status } from './result.js';
import { interleave, type SamplePlan, type Sampler } from './sampler.js';
import type { Summary } from './stats.js';
import { loadTranspiler, shortReason, timeProcess, toolLabel, writeScratch, type Tool } from './tools.js';

export interface StartupTarget {
  component: Component;
  size: 'small' | 'large';
  /** The export called first; it takes (1, 2) and must return 3. */
  call: string;
  /** ESM output resolves each import specifier to a module: these get a local file. */
  hostModules: Record<string, string>;
}

export interface StartupRow {
  component: string;
  size: StartupTarget['size'];
  componentBytes: number;
  jco: Outcome<Summary>;
  weft: Outcome<Summary>;
}

async function prepare(tool: Tool, t: StartupTarget): Promise<Sampler> {
  if (!existsSync(startupChild)) throw new Error(`${startupChild} missing: build @weft/bench first`);
  const transpile = await loadTranspiler(tool);
  const c = t.component;
  const map: Record<string, string> = {};
  const hostFiles: Record<string, string> = {};
  for (const [spec, source] of Object.entries(t.hostModules)) {
    const f = `./host-${spec.replace(/[^A-Za-z0-9]+/g, '-')}.js`;
    map[spec] = f;
    hostFiles[f] = source;
  }
  // Plain ES-module output with each tool's defaults: what `import` costs a user.
  const { files } = await transpile(c.bytes, { name: c.name, map });
  const dir = writeScratch(`startup-${tool}-${c.name}`, { ...files, ...hostFiles });
  const entry = join(dir, `${c.name}.js`);
  return async () => {
    const r = await timeProcess([process.execPath, startupChild, entry, t.call]);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${shortReason(r.stderr)}`);
    const { ns, result } = JSON.parse(r.stdout) as { ns: number; result: unknown };
    if (result !== 3) throw new Error(`${t.call}(1, 2) returned ${JSON.stringify(result)}, not 3`);
    return ns;
  };
}

function plan(size: StartupTarget['size'], quick: boolean): SamplePlan {
  if (size === 'large')
    return quick ? { warmup: 1, minSamples: 2, maxSamples: 3, budgetNs: 4e9 } : { warmup: 1, minSamples: 5, maxSamples: 15, budgetNs: 15e9 };
  return quick ? { warmup: 1, minSamples: 5, maxSamples: 10, budgetNs: 3e9 } : { warmup: 2, minSamples: 15, maxSamples: 40, budgetNs: 10e9 };
}

export async function measureStartup(targets: readonly StartupTarget[], quick: boolean, log: (m: string) => void): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  for (const t of targets) {
    log(`start-up: ${t.component.id}`);
    const make = (tool: Tool) => prepare(tool, t).catch((e: unknown) => ({ error: shortReason(e) }));
    const r = await interleave({ jco: await make('jco'), weft: await make('weft') }, plan(t.size, quick));
    rows.push({ component: t.component.id, size: t.size, componentBytes: t.component.bytes.byteLength, jco: r.jco, weft: r.weft });
  }
  return rows;
}

export function startupRatio(r: StartupRow): number | undefined {
  return weftOverJco(r.jco, r.weft, (s) => s.median);
}

export function startupStatus(r: StartupRow): Status {
  return atMost(startupRatio(r), 1);
}

export function startupTable(rows: readonly StartupRow[]): string {
  const headers = ['component', 'size', toolLabel('jco'), toolLabel('weft'), 'weft/jco', 'goal ≤1x', 'samples'];
  const cell = (o: Outcome<Summary>) => (isError(o) ? errorCell(o) : `${formatDuration(o.median)}${formatSpread(o)}`);
  const n = (o: Outcome<Summary>) => (isError(o) ? '–' : String(o.n));
  const body = rows.map((r) => {
    const ratio = startupRatio(r);
    return [
      `${r.component} (${r.size})`,
      formatBytes(r.componentBytes),
      cell(r.jco),
      cell(r.weft),
      ratio === undefined ? 'n/a' : formatRatio(ratio),
      statusCell(startupStatus(r)),
      `${n(r.jco)}/${n(r.weft)}`,
    ];
  });
  return markdownTable(headers, body);
}
