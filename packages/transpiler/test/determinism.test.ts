/**
 * Identical input and options give byte-identical output: twice in one process (no state
 * carried between calls) and once in a fresh child process (nothing depends on the order
 * modules were loaded or on what ran before).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { transpile } from '../src/index.js';
import type { TranspileOptions } from '../src/options.js';
import { assembleWat, readFixture } from './harness.js';

const fixtures = readdirSync(fileURLToPath(new URL('./fixtures/', import.meta.url))).filter((f) => f.endsWith('.wat'));

const optionSets: Record<string, TranspileOptions> = {
  esm: {},
  'instantiation-async': { instantiation: 'async' },
  'instantiation-sync-minified': { instantiation: 'sync', minify: true },
  jspi: { asyncMode: 'jspi' },
};

/** Digest of every output file, keyed by file name. */
type Digests = Record<string, string>;

async function digests(bytes: Uint8Array, opts: TranspileOptions): Promise<Digests> {
  const { files } = await transpile(bytes, { name: 'component', ...opts });
  const out: Digests = {};
  for (const [name, data] of Object.entries(files)) out[name] = createHash('sha256').update(data).digest('hex');
  return out;
}

// Inside the package, so the child resolves the transpiler's dependencies (binaryen, esbuild).
const cacheDir = fileURLToPath(new URL('../.cache/', import.meta.url));
mkdirSync(cacheDir, { recursive: true });
const work = mkdtempSync(join(cacheDir, 'determinism-'));
const inputs = new Map<string, Uint8Array>();

beforeAll(async () => {
  for (const f of fixtures) inputs.set(f, await assembleWat(readFixture(f)));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('same input and options give byte-identical output', () => {
  test.each(fixtures)('%s, twice in one process', async (f) => {
    const bytes = inputs.get(f)!;
    for (const opts of Object.values(optionSets)) {
      const first = await digests(bytes, opts);
      expect(await digests(bytes, opts)).toEqual(first);
    }
  });

  test('every fixture, in a child process', async () => {
    // The child runs the transpiler's current source, bundled, so the check needs no build.
    const entry = join(work, 'transpile.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: entry,
      packages: 'external',
      logLevel: 'error',
    });
    const job: { file: string; opts: TranspileOptions; key: string }[] = [];
    for (const f of fixtures) {
      const file = join(work, `${f}.wasm`);
      writeFileSync(file, inputs.get(f)!);
      for (const [set, opts] of Object.entries(optionSets)) job.push({ file, opts, key: `${f} ${set}` });
    }
    const script = join(work, 'child.mjs');
    writeFileSync(
      script,
      `import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { transpile } from ${JSON.stringify(entry)};
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const { file, opts, key } of job) {
  const { files } = await transpile(new Uint8Array(readFileSync(file)), { name: 'component', ...opts });
  out[key] = Object.fromEntries(Object.entries(files).map(([n, d]) => [n, createHash('sha256').update(d).digest('hex')]));
}
process.stdout.write(JSON.stringify(out));
`,
    );
    writeFileSync(join(work, 'job.json'), JSON.stringify(job));
    const child = JSON.parse(execFileSync(process.execPath, [script, join(work, 'job.json')], { maxBuffer: 64 << 20 }).toString()) as Record<string, Digests>;
    for (const { file, opts, key } of job) {
      expect(child[key], key).toEqual(await digests(new Uint8Array(readFileSync(file)), opts));
    }
  });
});
