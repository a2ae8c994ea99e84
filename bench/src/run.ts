/** The whole benchmark: build the corpus, run the chosen sections, report and record. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { asyncifyTable, measureAsyncify, type AsyncifyResults } from './asyncify.js';
import { guestAsyncifyTable, measureGuestAsyncify, type GuestAsyncifyResults } from './asyncify-guest.js';
import { buildCorpus, type Component } from './corpus.js';
import { callGoalVsBaseline, callGoalVsJco, callStatus, callTable, hostCalls, measureCalls, type CallRow } from './calls.js';
import { formatRatio } from './format.js';
import { loadavg } from 'node:os';
import { describeMachine, loadWarning, machine, machineTag, type Machine } from './machine.js';
import { jcoVersion, scratchDir } from './paths.js';
import type { Status } from './result.js';
import { measureP3, p3Guests, p3Heading, p3Notes, p3Table, type GuestName, type P3Results } from './p3.js';
import { measureSizes, sizeGoal, sizeStatus, sizeTable, type SizeRow } from './size.js';
import { measureStartup, startupStatus, startupTable, type StartupRow, type StartupTarget } from './startup.js';
import { weftEngine } from './tools.js';
import { measureTranspile, transpileGoal, transpileStatus, transpileTable, type TranspileRow, type TranspileTarget } from './transpile-time.js';

export const sections = ['size', 'transpile', 'calls', 'startup', 'asyncify', 'p3'] as const;
export type Section = (typeof sections)[number];

export interface BenchOptions {
  quick?: boolean | undefined;
  only?: readonly Section[] | undefined;
  /** Restrict the corpus to these ids (`fixture` selects every fixture). */
  corpus?: readonly string[];
  /** Where to write the JSON figures; false for nowhere. */
  json?: string | false;
  log?: (m: string) => void;
}

export interface BenchResults {
  machine: Machine;
  jcoVersion: string;
  weftEngine: 'weft' | 'jco';
  quick: boolean;
  /** 1-minute load average when the run ended. */
  loadAtEnd?: number;
  corpus: { id: string; bytes: number }[];
  skipped: { id: string; reason: string }[];
  size?: SizeRow[];
  transpile?: TranspileRow[];
  calls?: CallRow[];
  startup?: StartupRow[];
  asyncify?: AsyncifyResults;
  p3?: P3Results;
  asyncifyGuest?: GuestAsyncifyResults;
}

const smallId = 'bench';
const mediumId = 'c-wordfreq';
const largeId = 'js-guest';
/** A JS engine guest that waits: asyncify at the size of a real guest. */
const waitingId = 'js-wait';

export async function runBench(opts: BenchOptions = {}): Promise<{ results: BenchResults; report: string }> {
  const quick = opts.quick ?? false;
  const log = opts.log ?? (() => {});
  const only = new Set<Section>(opts.only ?? sections);
  // Sections other than size need particular components only.
  const wanted = only.has('size')
    ? undefined
    : [
        smallId,
        ...(only.has('transpile') ? [mediumId, largeId] : []),
        ...(only.has('startup') ? [largeId] : []),
        ...(only.has('asyncify') ? [mediumId, waitingId] : []),
        ...(only.has('p3') ? Object.values(p3Guests) : []),
      ];
  log('building corpus');
  const corpus = await buildCorpus({ only: opts.corpus ?? wanted, log });
  const results: BenchResults = {
    machine: machine(),
    jcoVersion,
    weftEngine,
    quick,
    corpus: corpus.components.map((c) => ({ id: c.id, bytes: c.bytes.byteLength })),
    skipped: corpus.skipped,
  };

  try {
    await runSections(results, corpus.components, only, quick, log);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
  results.loadAtEnd = Math.round(loadavg()[0]! * 100) / 100;
  const json = opts.json ?? false;
  if (json) {
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  }
  return { results, report: renderReport(results) };
}

async function runSections(results: BenchResults, components: Component[], only: Set<Section>, quick: boolean, log: (m: string) => void): Promise<void> {
  const byId = (id: string): Component | undefined => components.find((c) => c.id === id);
  if (only.has('size')) {
    log('glue size');
    results.size = await measureSizes(components);
  }
  if (only.has('transpile')) {
    const targets: TranspileTarget[] = [];
    for (const [id, size] of [
      [smallId, 'small'],
      [mediumId, 'medium'],
      [largeId, 'large'],
    ] as const) {
      const c = byId(id);
      if (c) targets.push({ component: c, size });
    }
    results.transpile = await measureTranspile(targets, quick, log);
  }
  const bench = byId(smallId);
  if (only.has('calls') && bench) {
    results.calls = await measureCalls(bench, { quick, log });
  }
  if (only.has('startup')) {
    const targets: StartupTarget[] = [];
    if (bench) {
      targets.push({
        component: bench,
        size: 'small',
        call: 'add',
        hostModules: { 'local:bench/host': 'export function hostInc(n) { return n + 1; }\n' },
      });
    }
    const large = byId(largeId);
    if (large) targets.push({ component: large, size: 'large', call: 'api.add', hostModules: {} });
    results.startup = await measureStartup(targets, quick, log);
  }
  const medium = byId(mediumId);
  if (only.has('asyncify') && medium) {
    results.asyncify = await measureAsyncify(medium, quick, log);
  }
  if (only.has('p3')) {
    const guests = Object.fromEntries(Object.entries(p3Guests).map(([name, id]) => [name, byId(id)]));
    if (Object.values(guests).every((c) => c)) results.p3 = await measureP3(guests as Record<GuestName, Component>, quick, log);
  }
  const waiting = byId(waitingId);
  if (only.has('asyncify') && waiting) {
    results.asyncifyGuest = await measureGuestAsyncify(waiting, quick, log);
  }
}

/** One line per section: how many measured rows meet their goal, and how many could not be judged. */
export function goalSummary(r: BenchResults): string {
  const lines: string[] = [];
  const tally = (name: string, statuses: Status[]) => {
    if (statuses.length === 0) return;
    const pass = statuses.filter((s) => s === 'pass').length;
    const na = statuses.filter((s) => s === 'n/a').length;
    lines.push(`- ${name}: ${pass}/${statuses.length - na} rows meet the goal${na ? ` (${na} not measurable)` : ''}`);
  };
  tally('glue size', (r.size ?? []).map(sizeStatus));
  tally('transpile time', (r.transpile ?? []).map(transpileStatus));
  tally('call overhead', (r.calls ?? []).map(callStatus));
  tally('start-up', (r.startup ?? []).map(startupStatus));
  return lines.length ? ['### Goals', '', ...lines].join('\n') : '';
}

export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(`## weft vs jco ${r.jcoVersion}${r.quick ? ' (quick run)' : ''}`);
  out.push('');
  out.push(`Machine: ${describeMachine(r.machine)}`);
  const tag = machineTag(r.machine);
  const warning = loadWarning(r.machine, r.loadAtEnd);
  if (warning) out.push('', warning);
  if (r.weftEngine === 'jco') out.push('', 'WEFT_ENGINE=jco: the weft column runs jco, to check the harness itself.');
  if (r.size) {
    out.push('', `### Glue size (bytes of generated JS; ES-module output, core wasm not inlined; gzip -9; goal: weft min ≤ ${sizeGoal} × jco min)`, '');
    out.push(sizeTable(r.size));
    out.push('', tag);
  }
  if (r.transpile) {
    out.push('', `### Transpile time (median ± half the interquartile range; goal: weft ≤ ${transpileGoal} × jco)`, '');
    out.push(transpileTable(r.transpile));
    out.push('', tag);
  }
  if (r.calls) {
    out.push(
      '',
      `### Call overhead in Node (ops/s, median of batches; goal: weft ≥ ${callGoalVsJco}x jco, scalar rows ≥ ${formatRatio(callGoalVsBaseline)} baseline)`,
      '',
    );
    out.push(callTable(r.calls));
    out.push('', tag);
    out.push('', `baseline: the same core module instantiated directly, minimal hand-written lowering. Host import row: ${hostCalls} import calls per op.`);
  }
  if (r.startup) {
    out.push(
      '',
      '### Start-up (import of the generated module to first call returning, fresh process per sample; median ± half the IQR; goal: weft ≤ jco)',
      '',
    );
    out.push(startupTable(r.startup));
    out.push('', tag);
  }
  if (r.asyncify) {
    out.push('', `### What asyncify costs (weft \`sync\` vs \`asyncify\` builds of ${r.asyncify.component}; run time in Node, median ± half the IQR)`, '');
    out.push(asyncifyTable(r.asyncify));
    out.push('', tag);
  }
  if (r.p3) {
    out.push('', p3Heading(r.p3, r.quick), '');
    out.push(p3Table(r.p3));
    out.push('', tag);
    out.push('', p3Notes(r.p3));
  }
  if (r.asyncifyGuest) {
    const g = r.asyncifyGuest;
    out.push(
      '',
      `### asyncify at the size of a real guest (${g.component}, a componentize-js JS engine whose export awaits a timer; rewritten by ${g.rewriter}; first call in Chromium, fresh context per sample, median ± half the IQR)`,
      '',
    );
    out.push(guestAsyncifyTable(g));
    out.push('', tag);
  }
  const goals = goalSummary(r);
  if (goals) out.push('', goals);
  if (r.skipped.length > 0) {
    out.push('', 'Corpus inputs not built:');
    for (const s of r.skipped) out.push(`- ${s.id}: ${s.reason}`);
  }
  return out.join('\n');
}
