/**
 * Drives the example in Chromium, against `vite` (dev) and `vite preview` of `vite build`:
 * runs wc with different arguments, a bad flag, in the page and in a worker; type-checks the
 * page code against the generated types; rebuilds the component under the dev server.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, createServer, preview, type InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@weft/e2e/browser';
import { auditBuild, auditPage, type PageAudit } from '@weft/e2e/page-audit';
// @ts-expect-error: a plain ES module script
import { buildComponent } from '../scripts/build-wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const component = join(root, 'src', 'wc.wasm');
const artefacts = join(root, 'test-results');
const INPUT = 'The quick brown fox\njumps over the lazy dog.\n';
let browser: Browser;
let original: Buffer;

const config = (): InlineConfig => ({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
  preview: { host: '127.0.0.1', port: 0 },
});

async function open(url: string): Promise<{ page: Page; audit: PageAudit }> {
  const page = await browser.newPage();
  const audit = auditPage(page);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, audit };
}

/** Types the inputs, clicks Run and reads what the page shows. */
async function run(page: Page, args: string, stdin = INPUT): Promise<{ stdout: string; stderr: string; exit: string }> {
  const runs = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
  await page.fill('#args', args);
  await page.fill('#stdin', stdin);
  await page.click('#run');
  await page.waitForSelector(`body[data-runs="${runs + 1}"]`);
  return { stdout: (await page.textContent('#stdout'))!, stderr: (await page.textContent('#stderr'))!, exit: (await page.textContent('#exit'))! };
}

/** The same checks in the page and in the worker variant. */
async function checkApp(origin: string, screenshot: string): Promise<void> {
  for (const path of ['/', '/?worker']) {
    const { page, audit } = await open(origin + path);
    expect(await page.textContent('#where')).toBe(path === '/' ? 'the page' : 'a worker');
    expect(await run(page, '-l -w -c --label notes.txt')).toEqual({ stdout: '       2       9      45 notes.txt\n', stderr: '', exit: '0' });
    expect(await run(page, '-w', 'one two three')).toEqual({ stdout: '       3\n', stderr: '', exit: '0' });
    const bad = await run(page, '-x');
    expect(bad.exit).toBe('1');
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe("wc: unknown option '-x'\nusage: wc [-l] [-w] [-c] [--label NAME] < input\n");
    if (path === '/') {
      await run(page, '-l -w -c --label notes.txt');
      mkdirSync(artefacts, { recursive: true });
      await page.screenshot({ path: join(artefacts, screenshot), fullPage: true });
    }
    expect(audit.wasm.length).toBeGreaterThan(0);
    expect(audit.problems()).toEqual([]);
    await page.close();
  }
}

function tsc(project: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, output: err.stdout };
  }
}

beforeAll(async () => {
  original = readFileSync(component);
  browser = await launchChromium();
});

afterAll(async () => {
  writeFileSync(component, original);
  await browser?.close();
});

describe('vite-c-cli', () => {
  it('vite build + preview: hashed wasm, no node: imports or build paths; runs in the page and in a worker', async () => {
    await build({ ...config(), build: { emptyOutDir: true } });
    const audit = auditBuild(join(root, 'dist'), root);
    expect(audit.problems).toEqual([]);
    expect(audit.wasm.filter((f) => /^assets\/wc\.core\d*-[\w-]{8}\.wasm$/.test(f)).length).toBeGreaterThanOrEqual(2);
    const server = await preview(config());
    try {
      await checkApp(server.resolvedUrls!.local[0]!.replace(/\/$/, ''), 'preview.png');
    } finally {
      await server.close();
    }
  });

  it('the page code type-checks against the generated wc.d.wasm.ts, and a misuse does not', () => {
    expect(tsc(join(root, 'tsconfig.json'))).toEqual({ code: 0, output: '' });
    const dir = join(root, 'node_modules', '.cache', 'typecheck');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'misuse.ts'),
      "import { instantiate } from '../../../src/wc.wasm';\nconst wc = await instantiate();\nexport const n: number = wc.run.run();\n",
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['misuse.ts'] }));
    const bad = tsc(join(dir, 'tsconfig.json'));
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/misuse\.ts\(3,14\): error TS2322: Type 'void' is not assignable to type 'number'/);
  });

  it('vite dev: runs in the page and in a worker; rebuilding wc.wasm reloads the page with the new program', async () => {
    const server = await createServer(config());
    await server.listen();
    try {
      const origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
      await checkApp(origin, 'dev.png');

      const { page, audit } = await open(origin + '/');
      expect((await run(page, '-l -w -c')).stdout).toBe('       2       9      45\n');
      const reloaded = page.waitForEvent('load');
      buildComponent(component, ['COUNT_FORMAT="[%ld]"']);
      await reloaded;
      await page.waitForSelector('body[data-ready="true"]');
      expect((await run(page, '-l -w -c')).stdout).toBe('[2][9][45]\n');
      expect(audit.problems()).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
