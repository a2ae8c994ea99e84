import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relative } from 'node:path';
import { openBrowserSession, type BrowserSession } from '../src/browser.js';
import { buildAllImportsComponent, buildCFixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { runInPage, wasiPageHtml, WASI_PAGE_PATH } from '../src/wasi-page.js';
import { cases, sameText } from './cases.js';

/** URL path (from the repo root the server serves) of each program's transpiled module. */
const entries = new Map<string, string>();
let session: BrowserSession;

beforeAll(async () => {
  for (const program of new Set(cases.map((c) => c.program))) {
    const out = await transpileForTest(await buildCFixture(program), { name: program });
    entries.set(program, '/' + relative(repoRoot, out.entry).split('\\').join('/'));
  }
  session = await openBrowserSession({ files: { [WASI_PAGE_PATH]: wasiPageHtml() }, path: WASI_PAGE_PATH });
});

afterAll(async () => {
  await session?.close();
});

describe('WASI command components in Chromium through weft shims', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const r = await runInPage(session.page, entries.get(c.program)!, { args: c.args, env: c.env, stdin: c.stdin });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe(c.expected.stderr);
      expect(sameText(r.stdout, c.expected.stdout).where).toBe('');
      expect(r.exitCode).toBe(c.expected.exitCode);
    });
  }

  it('gives a command no arguments by default: only in Node does the process supply them', async () => {
    const args = await session.page.evaluate(() => {
      const cli = (window as unknown as { weftCli: typeof import('@weft/wasi-cli') }).weftCli;
      cli.resetConfig();
      return cli.environment.getArguments();
    });
    expect(args).toEqual([]);
  });

  it('sends stdout to console.log and stderr to console.error, one call per line', async () => {
    const before = session.console.length;
    const r = await runInPage(session.page, entries.get('stderr_out')!, { stdout: 'console', stderr: 'console' });
    expect(r.exitCode).toBe(0);
    await expect.poll(() => session.console.length - before).toBe(3);
    expect(session.console.slice(before)).toEqual([
      { type: 'error', text: 'to stderr, line 1' },
      { type: 'log', text: 'to stdout' },
      { type: 'error', text: 'to stderr, line 2' },
    ]);
  });

  it('appends stdout and stderr to DOM elements', async () => {
    const r = await runInPage(session.page, entries.get('args_env')!, {
      args: ['args_env', 'ü'],
      env: [['GREETING', 'dom']],
      stdout: 'element',
      stderr: 'element',
    });
    expect(r.exitCode).toBe(0);
    expect(await session.page.textContent('#stdout')).toBe('argc=2\nargv[0]=args_env\nargv[1]=ü\nenv GREETING=dom\nGREETING=dom\n');
    expect(await session.page.textContent('#stderr')).toBe('');
  });

  it('a blocking read that cannot complete synchronously says an async mode is needed', async () => {
    const r = await runInPage(session.page, entries.get('stdin_echo')!, { stdin: 'never-ready' });
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/blocking read of stdin must wait.*async mode/);
  });

  it('a component importing all of wasi:cli/imports links in the page', async () => {
    const out = await transpileForTest(await buildAllImportsComponent(), { name: 'all_imports' });
    const path = '/' + relative(repoRoot, out.entry).split('\\').join('/');
    // A string, so vitest does not rewrite the page's import() into its own loader.
    const kind = await session.page.evaluate(`import(${JSON.stringify(path)}).then((m) => typeof m)`);
    expect(kind).toBe('object');
  });

  it('the page main thread cannot Atomics.wait: short timer waits spin, long ones ask for an async mode', async () => {
    const r = await session.page.evaluate(() => {
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

  it('left no uncaught errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
