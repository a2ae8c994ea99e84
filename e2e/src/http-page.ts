/**
 * A page that loads a transpiled HTTP guest with weft's shims (through the import map)
 * and calls its exports, reporting a returned value or a thrown error as data.
 */
import { weftPageHtml } from './browser.js';
import { waitInPage, type EnginePage } from './engines.js';

export const HTTP_PAGE_PATH = '/__weft_e2e__/http.html';

export function httpPageHtml(): string {
  return weftPageHtml(
    'weft HTTP guests',
    `<script type="module">
import * as cli from '@weft/wasi-cli';

const stderr = [];
cli.configure({ stderr: (chunk) => stderr.push(new TextDecoder().decode(chunk)) });
const modules = new Map();

window.weftCallGuest = async (entry, fn, args) => {
  stderr.length = 0;
  try {
    if (!modules.has(entry)) modules.set(entry, import(entry));
    const mod = await modules.get(entry);
    if (typeof mod[fn] !== 'function') throw new Error(entry + ' exports no function ' + fn);
    return { ok: true, value: await mod[fn](...args) };
  } catch (e) {
    cli.flushStdio();
    return { ok: false, error: String((e && e.message) || e), name: (e && e.name) || typeof e, stderr: stderr.join('') };
  }
};
window.weftReady = true;
</script>
`,
  );
}

export type GuestCallResult = { ok: true; value: unknown } | { ok: false; error: string; name: string; stderr: string };

/** Call export `fn` of the module at `entry` (a URL path on the page's server) in the page. */
export async function callGuestInPage(page: EnginePage, entry: string, fn: string, args: unknown[]): Promise<GuestCallResult> {
  await waitInPage(page, '() => window.weftReady === true', 'the HTTP page loading');
  return page.evaluate('({ entry, fn, args }) => window.weftCallGuest(entry, fn, args)', { entry, fn, args });
}
