import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relative } from 'node:path';
import { startStaticServer, type StaticServer } from '../src/browser.js';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from '../src/engines.js';
import { buildAllImportsComponent, buildCFixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { pageConsole, pageErrors, runInPage, wasiPageFiles, WASI_PAGE_PATH } from '../src/wasi-page.js';
import { cases, sameText } from './cases.js';

/** URL path (from the repo root the server serves) of each program's transpiled module. */
const entries = new Map<string, string>();
let allImports: string;
let server: StaticServer;

beforeAll(async () => {
  for (const program of new Set(cases.map((c) => c.program))) {
    const out = await transpileForTest(await buildCFixture(program), { name: program });
    entries.set(program, '/' + relative(repoRoot, out.entry).split('\\').join('/'));
  }
  const out = await transpileForTest(await buildAllImportsComponent(), { name: 'all_imports' });
  allImports = '/' + relative(repoRoot, out.entry).split('\\').join('/');
  server = await startStaticServer({ files: wasiPageFiles() });
});

afterAll(async () => {
  await server?.close();
});

describe.each(ENGINES)('WASI command components in %s through weft shims', (engine) => {
  let browser: EngineBrowser;
  let page: EnginePage;

  beforeAll(async () => {
    browser = await launchEngine(engine);
    page = await browser.newPage();
    await page.goto(server.origin + WASI_PAGE_PATH);
  });

  afterAll(async () => {
    try {
      await page?.close();
    } finally {
      await browser?.close();
    }
  });

  for (const c of cases) {
    it(c.title, async () => {
      const r = await runInPage(page, entries.get(c.program)!, { args: c.args, env: c.env, stdin: c.stdin });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe(c.expected.stderr);
      expect(sameText(r.stdout, c.expected.stdout).where).toBe('');
      expect(r.exitCode).toBe(c.expected.exitCode);
    });
  }

  it('gives a command no arguments by default: only in Node does the process supply them', async () => {
    const args = await page.evaluate(() => {
      const cli = (window as unknown as { weftCli: typeof import('@weft/wasi-cli') }).weftCli;
      cli.resetConfig();
      return cli.environment.getArguments();
    });
    expect(args).toEqual([]);
  });

  it('sends stdout to console.log and stderr to console.error, one call per line', async () => {
    const before = (await pageConsole(page)).length;
    const r = await runInPage(page, entries.get('stderr_out')!, { stdout: 'console', stderr: 'console' });
    expect(r.exitCode).toBe(0);
    expect((await pageConsole(page)).slice(before)).toEqual([
      { type: 'error', text: 'to stderr, line 1' },
      { type: 'log', text: 'to stdout' },
      { type: 'error', text: 'to stderr, line 2' },
    ]);
  });

  it('appends stdout and stderr to DOM elements', async () => {
    const r = await runInPage(page, entries.get('args_env')!, {
      args: ['args_env', 'ü'],
      env: [['GREETING', 'dom']],
      stdout: 'element',
      stderr: 'element',
    });
    expect(r.exitCode).toBe(0);
    const text = await page.evaluate(() => ['stdout', 'stderr'].map((id) => document.getElementById(id)!.textContent));
    expect(text).toEqual(['argc=2\nargv[0]=args_env\nargv[1]=ü\nenv GREETING=dom\nGREETING=dom\n', '']);
  });

  it('a blocking read that cannot complete synchronously says an async mode is needed', async () => {
    const r = await runInPage(page, entries.get('stdin_echo')!, { stdin: 'never-ready' });
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/blocking read of stdin must wait.*async mode/);
  });

  it('a component importing all of wasi:cli/imports links in the page', async () => {
    // A string, so vitest does not rewrite the page's import() into its own loader.
    const kind = await page.evaluate('(path) => import(path).then((m) => typeof m)', allImports);
    expect(kind).toBe('object');
  });

  it('the page main thread cannot Atomics.wait: short timer waits spin, long ones ask for an async mode', async () => {
    const r = await page.evaluate(() => {
      const io = (window as unknown as { weftIo: typeof import('@weft/wasi-io') }).weftIo;
      const until = performance.now() + 20;
      io.sleepUntil(until);
      const reached = performance.now() >= until;
      let message = '';
      try {
        io.timerPollable(performance.now() + 5 * io.MAX_SPIN_MS).block();
      } catch (e) {
        message = `${(e as Error).name}: ${(e as Error).message}`;
      }
      return { canBlock: io.canBlock(), reached, message };
    });
    expect(r.canBlock).toBe(false);
    expect(r.reached).toBe(true);
    expect(r.message).toMatch(/^WouldBlockError: .*poll on a timer.*async mode/);
  });

  it('left no uncaught errors in the page', async () => {
    expect(await pageErrors(page)).toEqual([]);
  });
});
