// Chromium mode of the runner: scripts run in a page, so Chromium's wasm engine
// instantiates and calls the components. tests-browser/ holds scripts Node's engine
// cannot run (multi-memory), which makes them proof that the page's engine is used.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromiumHost, type ChromiumHost } from '../src/browser.js';
import { engineName } from '../src/engine.js';
import { runFileIsolated } from '../src/spec.js';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const scripts = [
  ...['values-scalar.wast', 'link-register.wast'].map((f) => join(here('../tests/'), f)),
  ...readdirSync(here('../tests-browser/'))
    .filter((f) => f.endsWith('.wast'))
    .sort()
    .map((f) => join(here('../tests-browser/'), f)),
];

describe(`Chromium mode (engine: ${engineName()})`, () => {
  let chromium: ChromiumHost;
  const work = mkdtempSync(join(tmpdir(), 'weft-conformance-'));
  beforeAll(async () => {
    chromium = await startChromiumHost(engineName());
  });
  afterAll(async () => {
    await chromium?.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const path of scripts) {
    it(path.slice(path.lastIndexOf('/tests') + 1), async () => {
      const r = await runFileIsolated(path, path, { engine: engineName(), timeoutMs: 20_000, chromium });
      expect(r.total).toBeGreaterThan(0);
      expect(r.commands.filter((c) => !c.ok).map((c) => `line ${c.line} ${c.kind}: ${c.detail}`)).toEqual([]);
      expect(r.error).toBeUndefined();
    });
  }

  it('fails a call that blocks the page and carries on in a fresh page', async () => {
    const path = join(work, 'spin.wast');
    writeFileSync(
      path,
      `(component
  (core module $M
    (global $n (mut i32) (i32.const 0))
    (func (export "spin") (loop $l (br $l)))
    (func (export "bump") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
  (core instance $m (instantiate $M))
  (func (export "spin") (canon lift (core func $m "spin")))
  (func (export "bump") (result u32) (canon lift (core func $m "bump"))))
(assert_return (invoke "bump") (u32.const 1))
(invoke "spin")
(assert_return (invoke "bump") (u32.const 1))
`,
    );
    const r = await runFileIsolated(path, 'spin.wast', { engine: engineName(), timeoutMs: 1_000, chromium });
    expect(r.commands.map((c) => c.ok)).toEqual([true, true, false, true]);
    expect(r.commands[2]!.detail).toMatch(/timed out/);
    expect(r.error).toMatch(/hang at line 10/);
  });
});

// The same threads under JSPI: each waits on a stack of its own that the engine suspends.
describe.skipIf(engineName() === 'jco')('Chromium mode, Preview 3 threads under JSPI', () => {
  const dir = here('../tests-stackful/');
  let chromium: ChromiumHost;
  beforeAll(async () => {
    chromium = await startChromiumHost(engineName(), 'jspi');
  });
  afterAll(async () => {
    await chromium?.close();
  });

  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.wast'))
    .sort()) {
    it(file, async () => {
      const r = await runFileIsolated(join(dir, file), file, { engine: engineName(), timeoutMs: 20_000, chromium });
      expect(r.total).toBeGreaterThan(0);
      expect(r.commands.filter((c) => !c.ok || c.messageMatched === false).map((c) => `line ${c.line} ${c.kind}: ${c.detail}`)).toEqual([]);
      expect(r.error).toBeUndefined();
    });
  }
});
