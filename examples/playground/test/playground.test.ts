/**
 * The playground in Chromium, from its production build (vite build + vite preview) and
 * from the dev server: C commands built here with clang run with arguments typed into the
 * page, WAT components assembled with jco show their WIT and answer export calls.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parse } from '@bytecodealliance/jco';
import { launchChromium } from '@weft/e2e/browser';
import { buildCFixture } from '@weft/e2e/fixtures';
import type { Browser, Page } from 'playwright-core';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..', '..');
const artefacts = join(root, 'test-results');

let browser: Browser;
const components: Record<string, Uint8Array> = {};

beforeAll(async () => {
  mkdirSync(artefacts, { recursive: true });
  for (const name of ['args_env', 'exit_code', 'stderr_out']) components[name] = await buildCFixture(name);
  components.hello = await parse(readFileSync(join(repo, 'examples', 'hello', 'hello.wat'), 'utf8'));
  components.types = await parse(readFileSync(join(root, 'test', 'fixtures', 'types.wat'), 'utf8'));
  components['js-values'] = await parse(readFileSync(join(repo, 'packages', 'transpiler', 'test', 'fixtures', 'js-values.wat'), 'utf8'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface Session {
  page: Page;
  /** Page errors, console errors, failed requests and HTTP errors, as they happened. */
  problems: string[];
}

async function openPage(origin: string): Promise<Session> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(`${origin}/`);
  expect(response?.ok()).toBe(true);
  return { page, problems };
}

async function pick(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.setInputFiles('#file', { name, mimeType: 'application/wasm', buffer: Buffer.from(bytes) });
}

/** Drops a file on the drop zone as a user's drag from the desktop does. */
async function drop(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const transfer = await page.evaluateHandle(
    ([n, b]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], n, { type: 'application/wasm' }));
      return dt;
    },
    [name, [...bytes]] as const,
  );
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
}

async function loaded(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => document.getElementById('status')!.textContent!.startsWith(`${n}: `) && !document.getElementById('panels')!.hidden, name);
}

async function runCommand(page: Page, args: string, env = ''): Promise<{ exit: string; stdout: string; stderr: string }> {
  await page.fill('#run-args', args);
  await page.fill('#run-env', env);
  await page.evaluate(() => {
    document.getElementById('run-output')!.hidden = true;
  });
  await page.click('#run-form button[type=submit]');
  await page.waitForSelector('#run-output', { state: 'visible' });
  return {
    exit: (await page.textContent('#run-exit')) ?? '',
    stdout: (await page.textContent('#run-stdout')) ?? '',
    stderr: (await page.textContent('#run-stderr')) ?? '',
  };
}

/** Fills an export's form, calls it and returns the result line. */
async function callExport(page: Page, exportPath: string, args: string[]): Promise<string> {
  const form = page.locator(`form[data-export="${exportPath}"]`);
  const inputs = form.locator('input');
  expect(await inputs.count()).toBe(args.length);
  for (let i = 0; i < args.length; i++) await inputs.nth(i).fill(args[i]!);
  const result = form.locator('.result');
  await result.evaluate((el) => {
    el.textContent = '';
  });
  await form.locator('button').click();
  await page.waitForFunction((el) => !!el && el.textContent !== '' && el.textContent !== 'calling…', await result.elementHandle());
  return (await result.textContent()) ?? '';
}

const HELLO_WIT = `world hello {
  export example:hello/greeter: interface {
    greet: func(name: string) -> string;
    summarize: func(values: list<f64>) -> summary;
  }
  export add: func(a: u32, b: u32) -> u32;
}`;

/** Everything the page offers, on one server; returns the page for a screenshot. */
async function exercise(origin: string, screenshot: string): Promise<void> {
  const { page, problems } = await openPage(origin);
  try {
    await page.click('#example');
    await loaded(page, 'hello.wasm');
    expect(await page.textContent('#wit')).toBe(HELLO_WIT);

    await pick(page, 'args_env.wasm', components.args_env!);
    await loaded(page, 'args_env.wasm');
    expect(await page.isVisible('#run-card')).toBe(true);
    expect(await page.isVisible('#exports-card')).toBe(false);
    const wit = (await page.textContent('#wit'))!;
    expect(wit).toMatch(/^world args-env \{\n/);
    expect(wit).toMatch(/\n  import wasi:cli\/environment@0\.2\.\d+: interface \{\n    get-environment: func\(\) -> list<tuple<string, string>>;\n/);
    expect(wit).toMatch(/\n  export wasi:cli\/run@0\.2\.\d+: interface \{\n    run: func\(\) -> result;\n  \}\n\}$/);
    expect(await page.textContent('#imports-note')).toMatch(/^Every import is answered by weft's WASI shims/);

    const run = await runCommand(page, 'one "two words"', 'GREETING=hello from the page\nLANG=C');
    expect(run).toEqual({
      exit: '0',
      stdout: 'argc=3\nargv[0]=args_env.wasm\nargv[1]=one\nargv[2]=two words\nenv GREETING=hello from the page\nenv LANG=C\nGREETING=hello from the page\n',
      stderr: '',
    });
    // A second run is a fresh instance with its own command line.
    expect((await runCommand(page, '')).stdout).toBe('argc=1\nargv[0]=args_env.wasm\nGREETING=(unset)\n');
    await page.screenshot({ path: join(artefacts, `${screenshot}-command.png`), fullPage: true });

    await drop(page, 'exit_code.wasm', components.exit_code!);
    await loaded(page, 'exit_code.wasm');
    // The preview1 adapter reports any non-zero proc_exit status as exit(err), i.e. 1.
    expect(await runCommand(page, '3')).toEqual({ exit: '1', stdout: 'exiting with 3\n', stderr: '' });
    expect(await runCommand(page, '0')).toEqual({ exit: '0', stdout: 'exiting with 0\n', stderr: '' });

    await pick(page, 'stderr_out.wasm', components.stderr_out!);
    await loaded(page, 'stderr_out.wasm');
    expect(await runCommand(page, '')).toEqual({ exit: '0', stdout: 'to stdout\n', stderr: 'to stderr, line 1\nto stderr, line 2\n' });

    await drop(page, 'hello.wasm', components.hello!);
    await loaded(page, 'hello.wasm');
    expect(await page.textContent('#wit')).toBe(HELLO_WIT);
    expect(await page.isVisible('#run-card')).toBe(false);
    expect(await page.isVisible('#exports-card')).toBe(true);
    expect(await page.isVisible('#imports-note')).toBe(false);
    expect(await callExport(page, 'add', ['40', '2'])).toBe('→ 42');
    expect(await callExport(page, 'example:hello/greeter#greet', ['weft'])).toBe('→ "Hello, weft!"');
    expect(await callExport(page, 'example:hello/greeter#summarize', ['[1.5, 2.5, 3.5]'])).toBe('→ { count: 3, mean: 2.5 }');
    // The page's own parsing, then the glue's check of the WIT type.
    expect(await callExport(page, 'add', ['forty', '2'])).toBe('TypeError: a: expected a number, got "forty"');
    expect(await callExport(page, 'add', ['-1', '2'])).toMatch(/^(TypeError|RangeError): .*add.*\ba\b.*u32/);
    expect(await callExport(page, 'add', ['1', '2'])).toBe('→ 3');
    expect(await page.textContent('#glue-size')).toMatch(/^\d+(\.\d)? KB$/);
    await page.screenshot({ path: join(artefacts, `${screenshot}-exports.png`), fullPage: true });

    // Text to the JS value of each WIT type, through the glue's checks.
    await pick(page, 'types.wasm', components.types!);
    await loaded(page, 'types.wasm');
    expect(await page.textContent('#wit')).toContain('\n  export sum: func(xs: list<u64>) -> u64;\n  export x-of: func(p: point) -> s32;\n');
    expect(await callExport(page, 'sum', ['[1, 2, "18446744073709551610"]'])).toBe('→ 18446744073709551613n');
    expect(await callExport(page, 'sum', ['[]'])).toBe('→ 0n');
    expect(await callExport(page, 'x-of', ['{ "x": -5, "y": 1.5 }'])).toBe('→ -5');
    expect(await callExport(page, 'payload', ['{ "tag": "dot", "val": 7 }'])).toBe('→ 7');
    expect(await callExport(page, 'payload', ['{ "tag": "none" }'])).toBe('→ 0');
    expect(await callExport(page, 'bits', ['{ "read": true, "writeAll": true }'])).toBe('→ 3');
    expect(await callExport(page, 'bits', ['{ "writeAll": true }'])).toBe('→ 2');
    expect(await callExport(page, 'or-zero', ['null'])).toBe('→ 0n');
    expect(await callExport(page, 'or-zero', ['9007199254740993'])).toBe('→ 9007199254740992n');
    expect(await callExport(page, 'or-zero', ['"9007199254740993"'])).toBe('→ 9007199254740993n');
    expect(await callExport(page, 'index', ['blue'])).toBe('→ 2');
    expect(await callExport(page, 'index', ['purple'])).toMatch(/^TypeError: .*index.*\bc\b.*purple/);
    expect(await callExport(page, 'not', ['true'])).toBe('→ false');
    expect(await callExport(page, 'not', ['yes'])).toBe('TypeError: b: expected true or false, got "yes"');

    // An import nothing in the page can answer: the WIT still shows, a call says what is missing.
    await pick(page, 'js-values.wasm', components['js-values']!);
    await loaded(page, 'js-values.wasm');
    expect(await page.textContent('#wit')).toContain('  import local:test/host: interface {\n    host-u32: func() -> u32;\n  }\n');
    expect(await page.textContent('#imports-note')).toBe('The page has no host for local:test/host: calls that instantiate the component will fail.');
    expect(await callExport(page, 'local:test/checks#add', ['1', '2'])).toMatch(/^TypeError: missing import: local:test\/host/);

    const junk = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x05]);
    await drop(page, 'junk.wasm', junk);
    await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
    expect(await page.textContent('#status')).toMatch(/^junk\.wasm: WeftError: .*byte offset \d+/);
    expect(await page.isHidden('#panels')).toBe(true);

    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}

function chunks(dir: string): { name: string; raw: number; gzip: number }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const body = readFileSync(join(dir, f));
      return { name: f, raw: statSync(join(dir, f)).size, gzip: gzipSync(body, { level: 9 }).length };
    });
}

describe('production build, served by vite preview', () => {
  let server: PreviewServer;
  const outDir = join(artefacts, 'dist');

  beforeAll(async () => {
    // The vite command, as `pnpm build` runs it: in this process NODE_ENV is vitest's 'test',
    // which would make Vite build for development.
    await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('leaves the Node-only parts of the transpiler out of the bundle', () => {
    const js = chunks(join(outDir, 'assets'));
    const transpiler = js.find((c) => c.name.startsWith('transpiler-'));
    expect(transpiler).toBeDefined();
    console.log(js.map((c) => `${c.name}: ${c.raw} bytes, ${c.gzip} gzipped`).join('\n'));
    // binaryen alone is 12 MB and esbuild's Node API, which starts a native binary, 40 KB:
    // neither may come along. The page itself (the transpiler with its Preview 3 runtime, the
    // 0.2 and 0.3 shims, the editor) is about 300 KB.
    for (const c of js)
      expect(readFileSync(join(outDir, 'assets', c.name), 'utf8').includes('ESBUILD_BINARY_PATH'), `esbuild's Node API in ${c.name}`).toBe(false);
    expect(js.reduce((n, c) => n + c.raw, 0)).toBeLessThan(400_000);
  });

  it('transpiles, calls and runs components in the page', async () => {
    await exercise(server.resolvedUrls!.local[0]!.replace(/\/$/, ''), 'preview');
  });
});

describe('dev server', () => {
  let server: ViteDevServer;

  beforeAll(async () => {
    // A cache of its own, rebuilt: what the dev server pre-bundled for an earlier build of the
    // transpiler must not stand in for what this one resolves to.
    server = await createServer({
      root,
      logLevel: 'warn',
      cacheDir: join(artefacts, 'vite-cache'),
      optimizeDeps: { force: true },
      server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
    });
    await server.listen();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('transpiles, calls and runs components in the page', async () => {
    await exercise(server.resolvedUrls!.local[0]!.replace(/\/$/, ''), 'dev');
  });

  it('refuses minify and asyncify in the browser with a WeftError', async () => {
    const { page, problems } = await openPage(server.resolvedUrls!.local[0]!.replace(/\/$/, ''));
    try {
      const entry = `/@fs${join(repo, 'packages', 'transpiler', 'dist', 'index.js')}`;
      // Written as text: vitest would rewrite an import() in a function it serialises.
      const errors = (await page.evaluate(`(async () => {
        const { transpile } = await import(${JSON.stringify(entry)});
        const component = new Uint8Array(${JSON.stringify([...components.args_env!])});
        const attempt = (opts) => transpile(component, opts).then(() => 'transpiled', (e) => e.name + ': ' + e.message);
        return [await attempt({ minify: true }), await attempt({ asyncMode: 'asyncify' })];
      })()`)) as string[];
      expect(errors[0]).toBe('WeftError: minify needs esbuild, which runs only in Node: transpile without minify in a browser');
      expect(errors[1]).toMatch(/^WeftError: asyncMode 'asyncify' needs .*binaryen/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
