/**
 * A page that runs transpiled WASI commands with weft's shims: `@weft/wasi-*` come from
 * the built dist/ files through an import map, and stdout/stderr are captured in the page.
 */
import { REPORT_PATH, weftPageHtml } from './browser.js';
import { waitInPage, type EnginePage } from './engines.js';

export const WASI_PAGE_PATH = '/__weft_e2e__/wasi.html';
/** The module that runs one command; the page and its workers both import it. */
export const WASI_RUNNER_PATH = '/__weft_e2e__/wasi-run.js';
/** A dedicated module worker that runs one command per message with the same runner. */
export const WASI_WORKER_PATH = '/__weft_e2e__/wasi-worker.js';

/**
 * The in-memory files a server needs to serve the WASI page; its workers need the server's
 * `resolveBareImports` too, since a page's import map does not reach into a worker.
 */
export function wasiPageFiles(): Record<string, string> {
  return { [WASI_PAGE_PATH]: wasiPageHtml(), [WASI_RUNNER_PATH]: WASI_RUNNER_JS, [WASI_WORKER_PATH]: WASI_WORKER_JS };
}

const WASI_RUNNER_JS = `import * as cli from '@weft/wasi-cli';
import * as fs from '@weft/wasi-filesystem';

let runs = 0;

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return new TextDecoder().decode(out);
}

export async function runCommand(entry, opts) {
  const chunks = { stdout: [], stderr: [] };
  const target = (which) => {
    if (opts[which] === 'console') return 'console';
    if (opts[which] === 'element') {
      const el = document.getElementById(which);
      el.textContent = '';
      return el;
    }
    return (chunk) => chunks[which].push(chunk);
  };
  const stdin = opts.stdin === undefined ? 'none'
    : opts.stdin === 'never-ready' ? { read: () => new Uint8Array(0), ready: () => false }
    : opts.stdin;
  let exitCode = 0;
  let error;
  try {
    const preopens = [];
    for (const p of opts.preopens ?? []) {
      if (p.opfs !== undefined) {
        // Loaded on first use, so pages that never touch OPFS do not need its module.
        const { opfsDirectory } = await import('@weft/wasi-filesystem/opfs');
        preopens.push([await opfsDirectory(p.opfs), p.path]);
      } else {
        preopens.push([fs.createMemoryDirectory(), p.path]);
      }
    }
    fs.setPreopens(preopens);
    cli.configure({ args: opts.args ?? [], env: opts.env ?? [], stdin, stdout: target('stdout'), stderr: target('stderr') });
    const mod = await import(entry + '?run=' + (++runs));
    // Under asyncMode 'jspi' run() returns a promise.
    await mod.run.run();
  } catch (e) {
    if (e instanceof cli.ComponentExit) exitCode = e.exitCode;
    else { exitCode = null; error = ((e && e.name) ? e.name + ': ' : '') + String((e && e.message) || e); }
  }
  cli.flushStdio();
  if ((opts.preopens ?? []).some((p) => p.opfs !== undefined) && error === undefined) {
    // Drops commit in the background: wait, so whoever looks next (or a browser about to be closed) sees the files.
    await (await import('@weft/wasi-filesystem/opfs')).flushOpfs();
  }
  return { stdout: concat(chunks.stdout), stderr: concat(chunks.stderr), exitCode, error };
}
`;

const WASI_WORKER_JS = `import { runCommand } from './wasi-run.js';

onmessage = async (e) => postMessage(await runCommand(e.data.entry, e.data.opts));
`;

export function wasiPageHtml(): string {
  return weftPageHtml(
    'weft WASI commands',
    `<pre id="stdout"></pre>
<pre id="stderr"></pre>
<script type="module">
import * as cli from '@weft/wasi-cli';
import * as io from '@weft/wasi-io';
import { runCommand } from '${WASI_RUNNER_PATH}';

window.weftCli = cli;
window.weftIo = io;
window.weftRunCommand = runCommand;
/** One command in a fresh dedicated worker, ended when it answers. */
window.weftRunInWorker = (entry, opts) => new Promise((ok, fail) => {
  const worker = new Worker('${WASI_WORKER_PATH}', { type: 'module' });
  worker.onmessage = (e) => { worker.terminate(); ok(e.data); };
  worker.onerror = (e) => { worker.terminate(); fail(new Error('worker failed: ' + (e.message || 'an error event without a message'))); };
  worker.postMessage({ entry, opts });
});
window.weftReady = true;

// ?auto={"entry", "opts", "worker"}: run once by itself and POST the result, for a browser nothing drives.
const auto = new URLSearchParams(location.search).get('auto');
if (auto !== null) {
  const { entry, opts, worker } = JSON.parse(auto);
  const result = await (worker ? window.weftRunInWorker : runCommand)(entry, opts)
    .catch((e) => ({ stdout: '', stderr: '', exitCode: null, error: 'the run failed: ' + String((e && e.message) || e) }));
  await fetch('${REPORT_PATH}', { method: 'POST', body: JSON.stringify(result) });
}
</script>
`,
  );
}

/**
 * A directory the guest sees at `path`: the OPFS directory `opfs` ('a/b' under the origin's
 * OPFS root, created when missing; '' is the root itself), or a fresh in-memory directory.
 */
export type PagePreopen = { path: string; opfs: string } | { path: string; memory: true };

export interface PageRunOptions {
  /** Preopened directories for this run; none by default. */
  preopens?: PagePreopen[];
  args?: string[];
  env?: [string, string][];
  /** Whole stdin, or `never-ready`: a source that never has data and cannot wait. */
  stdin?: string | 'never-ready';
  /** Where output goes: captured chunks (default), the console, or the page's <pre> elements. */
  stdout?: 'capture' | 'console' | 'element';
  stderr?: 'capture' | 'console' | 'element';
}

export interface PageRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** `Name: message` of an error other than an exit that ended the run. */
  error?: string;
}

/** Run the command whose ES module is at `entryPath` (a URL path) in the page. */
export async function runInPage(page: EnginePage, entryPath: string, opts: PageRunOptions = {}): Promise<PageRun> {
  await waitInPage(page, '() => window.weftReady === true', 'the WASI page loading');
  // The page's own function, named in a string: the test's module loader must not rewrite its import().
  return page.evaluate('({ entry, opts }) => window.weftRunCommand(entry, opts)', { entry: entryPath, opts });
}

/** The same in a dedicated worker the page starts for this run (captured stdio only). */
export async function runInWorker(page: EnginePage, entryPath: string, opts: PageRunOptions = {}): Promise<PageRun> {
  await waitInPage(page, '() => window.weftReady === true', 'the WASI page loading');
  return page.evaluate('({ entry, opts }) => window.weftRunInWorker(entry, opts)', { entry: entryPath, opts });
}

/**
 * The URL of the WASI page that runs `entryPath` by itself (on its main thread, or in a worker)
 * and POSTs the {@link PageRun} to the server's `onReport`.
 */
export function autoRunUrl(origin: string, entryPath: string, opts: PageRunOptions, worker = false): string {
  return `${origin}${WASI_PAGE_PATH}?auto=${encodeURIComponent(JSON.stringify({ entry: entryPath, opts, worker }))}`;
}

/** What the page's console and error recorders (see PAGE_PRELUDE) hold. */
export function pageConsole(page: EnginePage): Promise<{ type: string; text: string }[]> {
  return page.evaluate('() => window.weftConsole');
}

export function pageErrors(page: EnginePage): Promise<string[]> {
  return page.evaluate('() => window.weftErrors');
}
