/**
 * A host ES module that imports a transpiled command and calls `run.run()` itself, run as
 * `node host.js a b`: with no configuration the guest sees the process's arguments, as
 * preview2-shim gives them, and no environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture } from '../src/fixtures.js';
import { cacheDir } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { argsEnvOutput } from './cases.js';

const entries = new Map<'weft' | 'preview2-shim', string>();

beforeAll(async () => {
  const component = await buildCFixture('args_env');
  for (const shims of ['weft', 'preview2-shim'] as const) entries.set(shims, (await transpileForTest(component, { name: 'args_env', shims })).entry);
});

/** Writes `code` as host.js in a new directory inside the workspace (so `@weft/*` resolves) and runs `node host.js ...args`. */
function runHost(code: string, args: string[]): { stdout: string; script: string } {
  mkdirSync(cacheDir, { recursive: true });
  const dir = realpathSync(mkdtempSync(join(cacheDir, 'host-')));
  writeFileSync(join(dir, 'host.js'), code);
  const r = spawnSync(process.execPath, ['host.js', ...args], { cwd: dir, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { stdout: r.stdout, script: join(dir, 'host.js') };
}

const importRun = (shims: 'weft' | 'preview2-shim') => `import { run } from ${JSON.stringify(pathToFileURL(entries.get(shims)!).href)};\n`;

describe('a command imported by a host module run with node', () => {
  it("the guest's arguments default to the script path and the process's arguments", () => {
    const { stdout, script } = runHost(`${importRun('weft')}run.run();\n`, ['a', 'two words']);
    expect(stdout).toBe(argsEnvOutput([script, 'a', 'two words'], []));
  });

  it('preview2-shim gives the guest the same arguments', () => {
    const { stdout, script } = runHost(`${importRun('preview2-shim')}run.run();\n`, ['a', 'two words']);
    const argv = (out: string) => out.split('\n').filter((l) => l.startsWith('arg'));
    expect(argv(stdout)).toEqual(argv(argsEnvOutput([script, 'a', 'two words'], [])));
  });

  it('configured arguments win over the default', () => {
    const code = `import { configure } from '@weft/wasi-cli';\n${importRun('weft')}configure({ args: ['prog', 'x'] });\nrun.run();\n`;
    expect(runHost(code, ['a', 'b']).stdout).toBe(argsEnvOutput(['prog', 'x'], []));
  });
});
