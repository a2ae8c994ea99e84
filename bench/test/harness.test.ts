import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { callSpecs, compileRunner, inputs, loadBaseline } from '../src/call-rows.js';
import { formatBytes, formatDuration, formatRate, formatRatio, formatSpread, markdownTable } from '../src/format.js';
import { interleave } from '../src/sampler.js';
import { median, quantile, summarize } from '../src/stats.js';
import type { BenchResults } from '../src/run.js';

const benchRoot = join(import.meta.dirname, '..');

describe('stats', () => {
  test('median of odd and even counts, unsorted input left alone', () => {
    const xs = [5, 1, 4];
    expect(median(xs)).toBe(4);
    expect(xs).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  test('quantiles interpolate', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(summarize([1, 2, 3, 4, 100])).toEqual({ median: 3, p25: 2, p75: 4, n: 5 });
  });
});

describe('format', () => {
  test('markdown table pads, aligns numbers right and escapes pipes', () => {
    const t = markdownTable(
      ['name', 'n'],
      [
        ['a|b', '1'],
        ['long name', '1,234'],
      ],
    );
    expect(t.split('\n')).toEqual(['| name      |     n |', '|:----------|------:|', '| a\\|b      |     1 |', '| long name | 1,234 |']);
  });

  test('a row of the wrong width is an error', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(/row 0 has 1 cells/);
  });

  test('units', () => {
    expect(formatBytes(1234567)).toBe('1,234,567');
    expect(formatDuration(1_500_000)).toBe('1.50 ms');
    expect(formatDuration(2_340_000_000)).toBe('2.34 s');
    expect(formatDuration(999)).toBe('999 ns');
    expect(formatRate(12_345_678)).toBe('12.3 M/s');
    expect(formatRate(950)).toBe('950 /s');
    expect(formatRatio(0.1234)).toBe('0.123x');
    expect(formatRatio(0.00012)).toBe('0.00012x');
    expect(formatRatio(250)).toBe('250x');
    expect(formatSpread({ median: 100, p25: 90, p75: 110 })).toBe(' ±10%');
    expect(formatSpread({ median: 100, p25: 99, p75: 102 })).toBe(' ±1.5%');
  });
});

describe('sampler', () => {
  test('alternates who goes first and reports a failing contender without stopping', async () => {
    const order: string[] = [];
    const r = await interleave(
      {
        a: async () => (order.push('a'), 1),
        b: async () => (order.push('b'), 2),
        c: async () => {
          throw new Error('broken\nmore detail');
        },
        d: { error: 'not built' },
      },
      { warmup: 1, minSamples: 3, maxSamples: 3, budgetNs: 0 },
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']);
    expect(r.a).toMatchObject({ median: 1, n: 3 });
    expect(r.b).toMatchObject({ median: 2, n: 3 });
    expect(r.c).toEqual({ error: 'broken' });
    expect(r.d).toEqual({ error: 'not built' });
  });
});

describe('call rows', () => {
  test('the hand-written baseline passes every row check and runs every row body', async () => {
    const { parse, transpile } = await import('@bytecodealliance/jco');
    const bytes = await parse(readFileSync(join(benchRoot, 'corpus', 'bench.wat'), 'utf8'));
    const { files } = await transpile(bytes, { name: 'bench', instantiation: 'async' });
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-test-'));
    try {
      const core = join(dir, 'bench.core.wasm');
      writeFileSync(core, files['bench.core.wasm']!);
      const instantiate = loadBaseline(core);
      const d = inputs();
      for (const spec of callSpecs) {
        const api = await instantiate();
        spec.check(api, d);
        const run = compileRunner(spec, api, d);
        expect(() => run(3), spec.id).not.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a row check rejects a wrong answer', async () => {
    const add = callSpecs.find((s) => s.id === 'add')!;
    expect(() => add.check({ add: (a: number, b: number) => (a + b) | 0 }, inputs())).toThrow();
  });
});

describe('bench CLI', () => {
  test('--quick --only size on bench.wat gives a row for both tools', async () => {
    const main = join(benchRoot, 'dist', 'main.js');
    expect(existsSync(main), 'build @weft/bench first (pnpm --filter @weft/bench build)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-test-'));
    try {
      const json = join(dir, 'out.json');
      const { stdout } = await promisify(execFile)(process.execPath, [main, '--quick', '--only', 'size', '--corpus', 'bench', '--json', json], {
        cwd: benchRoot,
      });
      expect(stdout).toMatch(/^Machine: \d+ cores, .+, Node v\d+/m);
      expect(stdout).toMatch(/^\| bench +\|/m);
      const results = JSON.parse(readFileSync(json, 'utf8')) as BenchResults;
      expect(results.size).toHaveLength(1);
      const row = results.size![0]!;
      expect(row.component).toBe('bench');
      // jco always transpiles bench.wat; weft's cell holds figures or the reason it has none.
      expect(row.jco).toEqual({ plain: expect.any(Number), minified: expect.any(Number), gzip: expect.any(Number) });
      const { plain, minified, gzip } = row.jco as { plain: number; minified: number; gzip: number };
      expect(plain).toBeGreaterThan(minified);
      expect(minified).toBeGreaterThan(gzip);
      expect(row.weft).toSatisfy(
        (w: unknown) =>
          typeof w === 'object' &&
          w !== null &&
          ('error' in w
            ? typeof w.error === 'string' && w.error.length > 0
            : ['plain', 'minified', 'gzip'].every((k) => typeof (w as Record<string, unknown>)[k] === 'number')),
      );
      expect(results.calls).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad argument is a clear error', async () => {
    const main = join(benchRoot, 'dist', 'main.js');
    await expect(promisify(execFile)(process.execPath, [main, '--only', 'speed'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown section speed/),
    });
  });
});
