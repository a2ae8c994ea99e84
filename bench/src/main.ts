/**
 * `pnpm bench [--quick] [--only size,transpile,calls,startup,asyncify,p3,opfs,serve] [--corpus id,...] [--json file]`
 * Prints markdown tables; writes the figures to results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { machine, machineTag, type Machine } from './machine.js';
import { measureOpfs, opfsHeading, opfsTable } from './opfs.js';
import { resultsDir } from './paths.js';
import { runBench, sections as runSections, type BenchOptions, type Section } from './run.js';
import { measureServe, serveHeading, serveTable } from './serve.js';

/** `opfs` runs in Chromium and `serve` against server processes, apart from the other weft-vs-jco sections. */
const sections = [...runSections, 'opfs', 'serve'] as const;
type AnySection = (typeof sections)[number];
type Options = Omit<BenchOptions, 'only'> & { only?: AnySection[] | undefined };

const usage = `usage: bench [--quick] [--only ${sections.join(',')}] [--corpus id,...] [--json file]`;

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { json: join(resultsDir, 'latest.json') };
  const list = (i: number) => {
    const v = argv[i];
    if (!v || v.startsWith('--')) throw new Error(`${argv[i - 1]} needs a value\n${usage}`);
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') {
      const only = list(++i);
      const bad = only.filter((s) => !(sections as readonly string[]).includes(s));
      if (bad.length) throw new Error(`unknown section ${bad.join(', ')}\n${usage}`);
      opts.only = only as AnySection[];
    } else if (a === '--corpus') opts.corpus = list(++i);
    else if (a === '--json') opts.json = list(++i)[0]!;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else if (a === '--') continue;
    else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  return opts;
}

let opts: Options;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
const vsJco = opts.only?.filter((s): s is Section => s !== 'opfs' && s !== 'serve');
let results: Record<string, unknown> & { machine?: Machine } = {};
const reports: string[] = [];
if (vsJco === undefined || vsJco.length > 0) {
  const run = await runBench({ ...opts, only: vsJco, json: false, log });
  results = { ...run.results };
  reports.push(run.report);
}
if (opts.only === undefined || opts.only.includes('opfs')) {
  log('opfs throughput in Chromium');
  const opfs = await measureOpfs({ quick: opts.quick, log });
  results.machine ??= machine();
  results.opfs = opfs;
  reports.push([opfsHeading(opfs), '', opfsTable(opfs), '', machineTag(results.machine)].join('\n'));
}
if (opts.only === undefined || opts.only.includes('serve')) {
  log('serving HTTP: weft serve and jco serve');
  const serve = await measureServe({ quick: opts.quick, log });
  results.machine ??= machine();
  results.serve = serve;
  reports.push([serveHeading(serve), '', serveTable(serve), '', machineTag(results.machine)].join('\n'));
}
process.stdout.write(`${reports.join('\n\n')}\n`);
if (opts.json) {
  mkdirSync(dirname(opts.json), { recursive: true });
  writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`figures written to ${opts.json}\n`);
}
