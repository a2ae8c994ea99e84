/**
 * What every bundled-app test checks: the page threw nothing, no request failed, every core
 * wasm came back 200 as `application/wasm`; and the built output holds hashed `.wasm` files
 * and no `node:` import or absolute build path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';

export interface PageAudit {
  pageErrors: string[];
  failedRequests: string[];
  /** URLs of the wasm binaries the page fetched. */
  wasm: string[];
  /** Everything above that went wrong, one line each. */
  problems(): string[];
}

/**
 * Watch `page` from now on. Module requests for `.wasm` ids (a dev server's JS) are scripts,
 * not wasm. `expectedErrors` are URLs a test requests to get an error status on purpose.
 */
export function auditPage(page: Page, expectedErrors: readonly string[] = []): PageAudit {
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const wasm: string[] = [];
  const badWasm: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && url.pathname !== '/favicon.ico' && !expectedErrors.includes(r.url())) failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
    if (url.pathname.endsWith('.wasm') && r.request().resourceType() !== 'script') {
      wasm.push(r.url());
      const type = r.headers()['content-type'];
      if (r.status() !== 200 || type !== 'application/wasm') badWasm.push(`${r.url()}: HTTP ${r.status()} ${type}`);
    }
  });
  return {
    pageErrors,
    failedRequests,
    wasm,
    problems: () => [
      ...pageErrors.map((e) => `page error: ${e}`),
      ...failedRequests.map((r) => `failed request: ${r}`),
      ...badWasm.map((w) => `bad wasm response: ${w}`),
    ],
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

export interface BuildAudit {
  /** Output paths (relative to the output directory) of the wasm files. */
  wasm: string[];
  problems: string[];
}

/**
 * Checks a production build in `outDir`: its wasm files carry a content hash in their
 * name, and no JS file imports `node:*` or names `buildRoot` (or any `file://` URL).
 */
export function auditBuild(outDir: string, buildRoot: string): BuildAudit {
  const files = walk(outDir).map((f) => relative(outDir, f).split('\\').join('/'));
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  const problems: string[] = [];
  if (!wasm.length) problems.push('no .wasm files in the build');
  for (const f of wasm) if (!/[-.][A-Za-z0-9_-]{8,}\.wasm$|(^|\/)[0-9a-f]{16,}(\.module)?\.wasm$/.test(f)) problems.push(`${f}: no content hash in the name`);
  for (const f of files.filter((x) => /\.(m?js|html)$/.test(x))) {
    const text = readFileSync(join(outDir, f), 'utf8');
    if (/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'`]node:/.test(text)) problems.push(`${f}: imports node:*`);
    if (text.includes(buildRoot)) problems.push(`${f}: contains the build path ${buildRoot}`);
    if (text.includes('file://')) problems.push(`${f}: contains a file:// URL`);
  }
  return { wasm, problems };
}
