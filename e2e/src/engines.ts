/**
 * The browser engines weft's browser tests run in, behind one small interface (launch,
 * open a page, evaluate in it, close) so a suite is written once and parametrised by engine:
 * Chromium through playwright-core, Firefox ESR through puppeteer-core over WebDriver BiDi,
 * WebKitGTK through selenium-webdriver and WebKitWebDriver, whose MiniBrowser needs an X
 * server (the test starts its own Xvfb). Every process a launch starts is ended by `close`,
 * and by the test process's exit if a test never got there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';
import { unusedPort } from './http-server.js';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export const ALL_ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];

/** The engines browser suites run in: all, or those listed in `WEFT_BROWSERS` (`chromium,firefox`). */
export const ENGINES: readonly EngineName[] = (() => {
  const listed = process.env.WEFT_BROWSERS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!listed) return ALL_ENGINES;
  const unknown = listed.filter((e) => !ALL_ENGINES.includes(e as EngineName));
  if (unknown.length) throw new Error(`WEFT_BROWSERS: unknown engine ${unknown.join(', ')} (known: ${ALL_ENGINES.join(', ')})`);
  return listed as EngineName[];
})();

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const XVFB_PATH = process.env.XVFB_PATH ?? 'Xvfb';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * WebKitGTK's OPFS, off by default: `+AccessHandle` is what exposes `createWritable` (and a
 * `createSyncAccessHandle` that refuses every handle).
 */
export const WEBKIT_OPFS_FEATURES = '+StorageAPI,+StorageAPIEstimate,+FileSystem,+FileSystemWritableStream,+AccessHandle';

/** Longest a page script may run: a whole C program with a 1 MiB file runs in one call. */
const SCRIPT_TIMEOUT_MS = 120_000;

export interface EnginePage {
  /** Load `url`; rejects unless it answers 2xx (where the driver reports the status). */
  goto(url: string): Promise<void>;
  /**
   * Call `fn` in the page with `arg` (JSON) and answer its result (JSON), awaiting a promise.
   * Only `fn`'s source travels, so it may use nothing from the test's scope. A throw in the
   * page rejects here with its message.
   */
  evaluate<R, A = undefined>(fn: ((arg: A) => R | Promise<R>) | string, arg?: A): Promise<R>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  readonly engine: EngineName;
  /** The browser's own version string. */
  readonly version: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Profile directory, so storage such as OPFS outlives the browser (Chromium and Firefox). */
  userDataDir?: string;
}

/** A result crosses as JSON text, so every driver answers `undefined` fields and values alike. */
type Outcome = { ok: true; json?: string | null } | { ok: false; error: string };

/** The page-side expression: runs `fn(arg)` and reports its value or error as data. */
function outcomeExpression(fn: ((arg: never) => unknown) | string, arg: unknown): string {
  const call = `(${typeof fn === 'string' ? fn : fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`;
  return `Promise.resolve().then(() => ${call}).then((value) => ({ ok: true, json: value === undefined ? undefined : JSON.stringify(value) }), (e) => ({ ok: false, error: (e && e.name ? e.name + ': ' : '') + String((e && e.message) || e) }))`;
}

function unwrap<R>(engine: EngineName, o: Outcome): R {
  if (!o.ok) throw new Error(`in ${engine}: ${o.error}`);
  return (o.json == null ? undefined : JSON.parse(o.json)) as R;
}

/** Processes a launch started, ended on the test process's exit if `close` never ran. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) killGroup(p, 'SIGKILL');
});

/** End `p`'s process group (it was started `detached`), or `p` alone when it leads none. */
function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // Not a group leader (a driver started it): end the process itself.
    p.kill(signal);
  }
}

/** Stop a process started in its own group, with SIGKILL if SIGTERM was not enough. */
async function stop(p: ChildProcess): Promise<void> {
  live.delete(p);
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((ok) => p.once('exit', () => ok()));
  killGroup(p, 'SIGTERM');
  const timer = setTimeout(() => killGroup(p, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function started(p: ChildProcess): ChildProcess {
  live.add(p);
  return p;
}

async function launchChromiumEngine(opts: LaunchOptions): Promise<EngineBrowser> {
  const { chromium } = await import('playwright-core');
  const launch = { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS };
  const context = opts.userDataDir !== undefined ? await chromium.launchPersistentContext(opts.userDataDir, launch) : undefined;
  const browser = context ? context.browser() : await chromium.launch(launch);
  if (!browser) throw new Error('launchEngine(chromium): the persistent context has no browser');
  return {
    engine: 'chromium',
    version: browser.version(),
    async newPage() {
      const page = context ? await context.newPage() : await browser.newPage();
      return {
        async goto(url) {
          const res = await page.goto(url);
          if (!res?.ok()) throw new Error(`loading ${url} failed: HTTP ${res?.status()}`);
        },
        async evaluate(fn, arg) {
          return unwrap('chromium', await page.evaluate(outcomeExpression(fn, arg)));
        },
        async close() {
          await page.close();
        },
      };
    },
    async close() {
      if (context) await context.close();
      else await browser.close();
    },
  };
}

async function launchFirefoxEngine(opts: LaunchOptions): Promise<EngineBrowser> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    ...(opts.userDataDir !== undefined ? { userDataDir: opts.userDataDir } : {}),
  });
  const child = browser.process();
  if (child) live.add(child);
  try {
    const version = await browser.version();
    // The first tab is reused once: a fresh profile opens with one.
    let spare: PuppeteerPage | undefined = (await browser.pages())[0];
    return {
      engine: 'firefox',
      version,
      async newPage() {
        const page = spare ?? (await browser.newPage());
        spare = undefined;
        page.setDefaultTimeout(SCRIPT_TIMEOUT_MS);
        return {
          async goto(url) {
            const res = await page.goto(url);
            if (res && !res.ok()) throw new Error(`loading ${url} failed: HTTP ${res.status()}`);
          },
          async evaluate(fn, arg) {
            return unwrap('firefox', (await page.evaluate(outcomeExpression(fn, arg))) as Outcome);
          },
          async close() {
            await page.close();
          },
        };
      },
      async close() {
        await browser.close();
        if (child) live.delete(child);
      },
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Resolves once something listens on 127.0.0.1:`port`. */
async function listening(port: number, p: ChildProcess): Promise<void> {
  for (;;) {
    if (p.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${p.exitCode}`);
    const ok = await new Promise<boolean>((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        done(true);
      });
      s.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An Xvfb on a display number it picks itself (`-displayfd`), so parallel runs never clash. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = started(
    spawn(XVFB_PATH, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      detached: true,
    }),
  );
  try {
    const display = await new Promise<string>((ok, fail) => {
      let buf = '';
      xvfb.once('error', fail);
      xvfb.once('exit', (code) => fail(new Error(`Xvfb exited with code ${code}`)));
      xvfb.stdio[3]!.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) ok(`:${buf.trim()}`);
      });
    });
    return { display, process: xvfb };
  } catch (e) {
    await stop(xvfb);
    throw e;
  }
}

/**
 * The environment MiniBrowser runs in: this display, and caches and data in a directory of
 * the launch's own (removed on close) rather than the user's home.
 */
export function webkitEnv(display: string, home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DISPLAY: display,
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
  };
}

async function launchWebKitEngine(): Promise<EngineBrowser> {
  const { Builder } = await import('selenium-webdriver');
  const home = mkdtempSync(join(tmpdir(), 'weft-webkit-'));
  const xvfb = await startXvfb().catch((e) => {
    rmSync(home, { recursive: true, force: true });
    throw e;
  });
  let driverProcess: ChildProcess | undefined;
  const sessions = new Set<{ quit(): Promise<void> }>();
  const closeAll = async () => {
    for (const s of sessions) await s.quit().catch(() => undefined);
    sessions.clear();
    // MiniBrowser is the driver's child: quitting its session first lets it exit cleanly,
    // and stopping the driver's process group catches whatever is left.
    if (driverProcess) await stop(driverProcess);
    await stop(xvfb.process);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const port = await unusedPort();
    const drv = started(spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], { env: webkitEnv(xvfb.display, home), stdio: 'ignore', detached: true }));
    driverProcess = drv;
    await listening(port, drv);
    const server = `http://127.0.0.1:${port}`;
    // One MiniBrowser per page: WebKitWebDriver runs one session at a time, and each
    // session's data store is its own.
    const newSession = async () => {
      const driver = await new Builder().usingServer(server).withCapabilities({ browserName: 'MiniBrowser' }).build();
      sessions.add(driver);
      await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
      return driver;
    };
    const first = await newSession();
    const version = String((await first.getCapabilities()).get('browserVersion'));
    let spare: typeof first | undefined = first;
    return {
      engine: 'webkit',
      version,
      async newPage() {
        const driver = spare ?? (await newSession());
        spare = undefined;
        return {
          async goto(url) {
            await driver.get(url);
          },
          async evaluate(fn, arg) {
            const o = (await driver.executeAsyncScript(`const done = arguments[arguments.length - 1]; ${outcomeExpression(fn, arg)}.then(done);`)) as Outcome;
            return unwrap('webkit', o);
          },
          async close() {
            sessions.delete(driver);
            await driver.quit();
          },
        };
      },
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export interface DirectBrowser {
  close(): Promise<void>;
}

/**
 * MiniBrowser without WebDriver, showing `url` with OPFS turned on and its data in `home`:
 * automation sessions keep no storage, so this is the only way to reach WebKitGTK's OPFS.
 * Nothing drives the page; it reports back to the test server by itself. A second launch on
 * the same `home` (and the same origin) finds what the first stored.
 */
export async function openInMiniBrowser(url: string, home: string): Promise<DirectBrowser> {
  const xvfb = await startXvfb();
  const browser = started(
    spawn(MINIBROWSER_PATH, [`--features=${WEBKIT_OPFS_FEATURES}`, url], {
      env: webkitEnv(xvfb.display, home),
      stdio: 'ignore',
      detached: true,
    }),
  );
  return {
    async close() {
      try {
        await stop(browser);
      } finally {
        await stop(xvfb.process);
      }
    },
  };
}

/** Launch `engine` headless (WebKitGTK on a private Xvfb). */
export async function launchEngine(engine: EngineName, opts: LaunchOptions = {}): Promise<EngineBrowser> {
  switch (engine) {
    case 'chromium':
      return launchChromiumEngine(opts);
    case 'firefox':
      return launchFirefoxEngine(opts);
    case 'webkit':
      if (opts.userDataDir !== undefined) throw new Error('launchEngine(webkit): WebKitWebDriver sessions keep no profile');
      return launchWebKitEngine();
  }
}

/** Poll `fn` in the page until it answers true. */
export async function waitInPage(page: EnginePage, fn: string, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(fn))) {
    if (Date.now() > until) throw new Error(`waitInPage: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
