/**
 * `pnpm bench [--quick] [--only size,transpile,calls,startup] [--corpus id,...] [--json file]`
 * Prints markdown tables; writes the figures to results/latest.json.
 */
import { join } from 'node:path';
import { resultsDir } from './paths.js';
import { runBench, sections, type BenchOptions, type Section } from './run.js';

const usage = `usage: bench [--quick] [--only ${sections.join(',')}] [--corpus id,...] [--json file]`;

function parseArgs(argv: readonly string[]): BenchOptions {
  const opts: BenchOptions = { json: join(resultsDir, 'latest.json') };
  const list = (i: number) => {
    const v = argv[i];
    if (!v || v.startsWith('--')) throw new Error(`${argv[i - 1]} needs a value\n${usage}`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') {
      const only = list(++i);
      const bad = only.filter((s) => !(sections as readonly string[]).includes(s));
      if (bad.length) throw new Error(`unknown section ${bad.join(', ')}\n${usage}`);
      opts.only = only as Section[];
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

let opts: BenchOptions;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const t0 = Date.now();
const { report } = await runBench({ ...opts, log: (m) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`) });
process.stdout.write(`${report}\n`);
if (opts.json) process.stderr.write(`figures written to ${opts.json}\n`);
