/**
 * What weft runs in which browser engine: the browser suites take their per-engine runs and
 * expected failures from here, and the root README's engine matrix is rendered from it (a
 * test holds the README to it), so the matrix says what the tests check.
 */
import { BROWSER_ASYNC_VARIANTS, type BrowserAsyncVariant } from './async-modes.js';
import { ALL_ENGINES, type EngineName } from './engines.js';

/** `WebAssembly.Suspending`/`promising`: asyncMode 'jspi' runs. */
export const HAS_JSPI: Record<EngineName, boolean> = { chromium: true, firefox: true, webkit: false };

/** SharedArrayBuffer in a cross-origin isolated worker: sync mode can wait there with Atomics.wait. */
export const SAB_IN_ISOLATED_WORKER: Record<EngineName, boolean> = { chromium: true, firefox: true, webkit: false };

/** `navigator.storage.getDirectory` in a page the driver opens (WebKitGTK: off, and ephemeral under WebDriver). */
export const OPFS_UNDER_DRIVER: Record<EngineName, boolean> = { chromium: true, firefox: true, webkit: false };

/**
 * OPFS sync access handles granted in a dedicated worker (WebKitGTK, with OPFS turned on, has
 * the method but refuses every handle with NotSupportedError).
 */
export const SYNC_ACCESS_IN_WORKER: Record<EngineName, boolean> = { chromium: true, firefox: true, webkit: false };

/** What the sync access probe (opfs-inspect.ts) answers in a worker of `engine`. */
export function expectedSyncAccess(engine: EngineName): string {
  return SYNC_ACCESS_IN_WORKER[engine] ? 'granted' : 'refused: NotSupportedError';
}

/** The async variants an engine runs in: without JSPI, asyncify-no-jspi is the same run as asyncify. */
export function asyncVariants(engine: EngineName): readonly BrowserAsyncVariant[] {
  return HAS_JSPI[engine] ? BROWSER_ASYNC_VARIANTS : ['jspi', 'asyncify'];
}

/**
 * The variants the OPFS and HTTP suites run per engine: every one in Chromium, asyncify (the
 * mode every engine runs) elsewhere, to keep the three-engine run short.
 */
export function suiteVariants(suite: 'opfs' | 'http', engine: EngineName): readonly BrowserAsyncVariant[] {
  if (suite === 'opfs' && !OPFS_UNDER_DRIVER[engine]) return [];
  return engine === 'chromium' ? BROWSER_ASYNC_VARIANTS : ['asyncify'];
}

const ENGINE_TITLES: Record<EngineName, string> = {
  chromium: 'Chromium 156',
  firefox: 'Firefox ESR 153',
  webkit: 'WebKitGTK 2.50',
};

const list = (vs: readonly string[]) => vs.map((v) => `\`${v}\``).join(', ');

/** The README's engine matrix, one row per behaviour the browser suites check. */
export function engineMatrixMarkdown(): string {
  const rows: [string, (e: EngineName) => string][] = [
    ['C commands (sync mode, page)', () => 'pass'],
    ['1.5 s sleep, sync mode, page', () => 'WouldBlockError (by design)'],
    ['1.5 s sleep, `jspi`', (e) => (HAS_JSPI[e] ? 'pass' : 'error: needs `WebAssembly.Suspending`')],
    ['1.5 s sleep, `asyncify` (page, worker)', () => 'pass'],
    ['1.5 s sleep, `asyncify` with JSPI removed', (e) => (HAS_JSPI[e] ? 'pass' : 'n/a (no JSPI anyway)')],
    [
      '1.5 s sleep, sync mode, cross-origin isolated worker',
      (e) => (SAB_IN_ISOLATED_WORKER[e] ? 'pass (Atomics.wait)' : 'WouldBlockError: no SharedArrayBuffer'),
    ],
    ['1.5 s sleep, sync mode, worker without COOP/COEP', () => 'WouldBlockError: no SharedArrayBuffer'],
    ['OPFS `/data` (page and worker), tested in', (e) => (OPFS_UNDER_DRIVER[e] ? `pass: ${list(suiteVariants('opfs', e))}` : 'error: no OPFS under WebDriver')],
    ['OPFS in a worker through', (e) => (SYNC_ACCESS_IN_WORKER[e] ? 'sync access handles' : 'writable streams (sync access refused)')],
    [
      'OPFS outlives a browser restart',
      (e) => (OPFS_UNDER_DRIVER[e] ? `pass: ${list(suiteVariants('opfs', e).filter((v) => e === 'chromium' || v === 'asyncify'))}` : ''),
    ],
    ['OPFS in MiniBrowser with OPFS turned on (page, worker, restart)', (e) => (e === 'webkit' ? 'pass: `asyncify`' : 'n/a')],
    ['OPFS with a sync-mode component (worker too)', (e) => (OPFS_UNDER_DRIVER[e] ? 'error: names the async modes' : 'n/a')],
    ['`wasi:http` guest via `fetch`, tested in', (e) => `pass: ${list(suiteVariants('http', e))}`],
    [
      'WASI 0.3 guests (Preview 3 runtime, no JSPI): command, HTTP client and handler, files on OPFS',
      (e) => (OPFS_UNDER_DRIVER[e] ? 'pass' : 'pass; files: no OPFS under WebDriver'),
    ],
    ['WASI 0.3 sync-style command (each wait on its own stack), `asyncify`', () => 'pass'],
    ['WASI 0.3 sync-style command, `jspi`', (e) => (HAS_JSPI[e] ? 'pass' : 'n/a (no JSPI)')],
  ];
  const header = `| | ${ALL_ENGINES.map((e) => ENGINE_TITLES[e]).join(' | ')} |`;
  const rule = `| --- | ${ALL_ENGINES.map(() => '---').join(' | ')} |`;
  return [header, rule, ...rows.map(([what, cell]) => `| ${what} | ${ALL_ENGINES.map((e) => cell(e) || '—').join(' | ')} |`)].join('\n');
}
