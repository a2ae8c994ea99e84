/**
 * The same components, transpiled for @bytecodealliance/preview2-shim and for weft's
 * shims, must print the same and exit the same in Node.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture } from '../src/fixtures.js';
import { runInNode } from '../src/node-run.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { cases, sameText } from './cases.js';

const entries = new Map<string, { weft: string; preview2: string }>();

beforeAll(async () => {
  for (const program of new Set(cases.map((c) => c.program))) {
    const component = await buildCFixture(program);
    const weft = await transpileForTest(component, { name: program });
    const preview2 = await transpileForTest(component, { name: program, shims: 'preview2-shim' });
    entries.set(program, { weft: weft.entry, preview2: preview2.entry });
  }
});

describe('weft shims vs @bytecodealliance/preview2-shim', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const e = entries.get(c.program)!;
      const opts = { args: c.args, env: c.env, stdin: c.stdin };
      const theirs = await runInNode(e.preview2, { shims: 'preview2-shim', ...opts });
      const ours = await runInNode(e.weft, { shims: 'weft', ...opts });
      expect(sameText(theirs.stdout.toString(), c.expected.stdout).where, 'preview2-shim prints the expected').toBe('');
      expect(sameText(ours.stdout.toString('latin1'), theirs.stdout.toString('latin1')).where, 'same stdout bytes').toBe('');
      expect(ours.stderr.toString()).toBe(theirs.stderr.toString());
      expect(ours.exitCode).toBe(theirs.exitCode);
    });
  }
});
