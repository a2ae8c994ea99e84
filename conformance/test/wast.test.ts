import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineName, getEngine } from '../src/engine.js';
import { runScript } from '../src/runner.js';

const dir = new URL('../tests/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.wast'))
  .sort();
/** Scripts whose Preview 3 threads wait on their own stacks: asyncify here, JSPI in browser.test.ts. */
const stackfulDir = new URL('../tests-stackful/', import.meta.url);
const stackful = readdirSync(stackfulDir)
  .filter((f) => f.endsWith('.wast'))
  .sort();

describe(`weft conformance scripts (engine: ${engineName()})`, () => {
  it('finds the scripts', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, async () => {
      const engine = await getEngine();
      const results = await runScript(readFileSync(new URL(file, dir), 'utf8'), { engine, timeoutMs: 20_000 });
      expect(results.length).toBeGreaterThan(0);
      const failures = results.filter((r) => !r.ok).map((r) => `line ${r.line} ${r.kind}: ${r.detail}`);
      expect(failures).toEqual([]);
    });
  }
});

describe.skipIf(engineName() === 'jco')('Preview 3 threads waiting on their own stacks, under asyncify', () => {
  for (const file of stackful) {
    it(file, async () => {
      const engine = await getEngine(engineName(), 'asyncify');
      const results = await runScript(readFileSync(new URL(file, stackfulDir), 'utf8'), { engine, timeoutMs: 20_000 });
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => !r.ok || r.messageMatched === false).map((r) => `line ${r.line} ${r.kind}: ${r.detail}`)).toEqual([]);
    });
  }
});
