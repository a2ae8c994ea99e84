import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_ASYNC_MODES } from '../src/async-modes.js';
import { buildCFixture } from '../src/fixtures.js';
import { runInNode } from '../src/node-run.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { cases, sameText } from './cases.js';

for (const mode of ['sync', ...NODE_ASYNC_MODES] as const) {
  describe(`WASI command components in Node through weft shims (asyncMode ${mode})`, () => {
    // Each mode transpiles its own copy: asyncify output differs from sync output.
    const entries = new Map<string, string>();

    beforeAll(async () => {
      for (const program of new Set(cases.map((c) => c.program))) {
        const name = mode === 'sync' ? program : `${program}_${mode}`;
        entries.set(program, (await transpileForTest(await buildCFixture(program), { name, asyncMode: mode })).entry);
      }
    });

    for (const c of cases) {
      it(c.title, async () => {
        const r = await runInNode(entries.get(c.program)!, { shims: 'weft', args: c.args, env: c.env, stdin: c.stdin });
        expect(r.stderr.toString()).toBe(c.expected.stderr);
        expect(sameText(r.stdout.toString(), c.expected.stdout).where).toBe('');
        expect(r.exitCode).toBe(c.expected.exitCode);
      });
    }

    it('writes stdio through Node Writable objects (process.stdout)', async () => {
      const r = await runInNode(entries.get('stderr_out')!, { shims: 'weft', stdout: 'writable' });
      expect(r.stdout.toString()).toBe('to stdout\n');
      expect(r.stderr.toString()).toBe('to stderr, line 1\nto stderr, line 2\n');
      expect(r.exitCode).toBe(0);
    });

    it('a blocking read of fd 0 waits for input that arrives slowly', async () => {
      const chunks = ['first\n', 'second ', 'third\n', 'ü✓\n'];
      const r = await runInNode(entries.get('stdin_echo')!, { shims: 'weft', stdinChunks: chunks });
      expect(r.stdout.toString()).toBe(chunks.join(''));
      expect(r.stderr.toString()).toBe(`echoed ${Buffer.byteLength(chunks.join(''))} bytes\n`);
      expect(r.exitCode).toBe(0);
    });

    it('streams a large stdin through fd 0', async () => {
      const big = 'abcdefghij'.repeat(50_000) + '\n';
      const r = await runInNode(entries.get('stdin_echo')!, { shims: 'weft', stdin: big });
      expect(r.stdout.length).toBe(big.length);
      expect(r.stdout.toString() === big).toBe(true);
      expect(r.stderr.toString()).toBe(`echoed ${big.length} bytes\n`);
    });
  });
}
