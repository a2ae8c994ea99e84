/**
 * A page that runs transpiled WASI commands with weft's shims: `@weft/wasi-*` come from
 * the built dist/ files through an import map, and stdout/stderr are captured in the page.
 */
import type { Page } from 'playwright-core';
import { weftPageHtml } from './browser.js';

export const WASI_PAGE_PATH = '/__weft_e2e__/wasi.html';

export function wasiPageHtml(): string {
  return weftPageHtml('weft WASI commands', `<pre id="stdout"></pre>
<pre id="stderr"></pre>
<script type="module">
import * as cli from '@weft/wasi-cli';
import * as io from '@weft/wasi-io';
import * as fs from '@weft/wasi-filesystem';

window.weftCli = cli;
window.weftIo = io;
let runs = 0;

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return new TextDecoder().decode(out);
}

window.weftRunCommand = async (entry, opts) => {
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
  let exitCode = 0;
  let error;
  try {
    const mod = await import(entry + '?run=' + (++runs));
    // Under asyncMode 'jspi' run() returns a promise.
    await mod.run.run();
  } catch (e) {
    if (e instanceof cli.ComponentExit) exitCode = e.exitCode;
    else { exitCode = null; error = String((e && e.message) || e); }
  }
  cli.flushStdio();
  return { stdout: concat(chunks.stdout), stderr: concat(chunks.stderr), exitCode, error };
};
window.weftReady = true;
</script>
`);
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
  /** Message of an error other than an exit that ended the run. */
  error?: string;
}

/** Run the command whose ES module is at `entryPath` (a URL path) in the page. */
export async function runInPage(page: Page, entryPath: string, opts: PageRunOptions = {}): Promise<PageRun> {
  await page.waitForFunction(() => (window as unknown as { weftReady?: boolean }).weftReady === true);
  return page.evaluate(
    ([entry, o]) =>
      (window as unknown as { weftRunCommand(e: string, o: unknown): Promise<PageRun> }).weftRunCommand(entry, o),
    [entryPath, opts] as const,
  );
}
