/**
 * WASI 0.3 guests of our own (component text, callback-lifted) in every engine on the 0.3
 * shims, loaded as the self-instantiating ES modules a web app imports: a command copying an
 * injected stdin stream to a DOM element, and an HTTP handler answering web Requests
 * through toFetchHandler. No JSPI or asyncify, so WebKit runs them too; a sync-style command,
 * whose every wait suspends its own stack, runs under asyncify in every engine and under JSPI
 * where the engine has it. In Chromium the same
 * guests also run transpiled for each async mode, in a page whose JSPI is removed: a
 * callback-lifted guest never needs stack switching, whatever mode it was built for.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOVE_JSPI_SCRIPT, startStaticServer, weftPageHtml, type StaticServer } from '../src/browser.js';
import { HAS_JSPI, OPFS_UNDER_DRIVER } from '../src/engine-matrix.js';
import { ENGINES, launchEngine, type EngineBrowser, type EngineName, type EnginePage } from '../src/engines.js';
import { buildP3Fixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';

const PAGE = '/p3-guests.html';
/** The page's module script loads the shims and the two guests (a test's own import() would be rewritten by vitest). */
const body = (urls: Record<string, string>) => `<pre id="out"></pre>
<script type="module">
import * as cli from '@weft/wasi-cli/p3';
import * as http from '@weft/wasi-http/p3';
import { setPreopens } from '@weft/wasi-filesystem';
import { opfsDirectory } from '@weft/wasi-filesystem/opfs';
import * as cat from '${urls.cat}';
import * as handler from '${urls['hello-handler']}';
import * as files from '${urls.files}';
import * as fetcher from '${urls.fetch}';
import * as catSync from '${urls['stackful-cat-asyncify']}';
const catSyncJspi = typeof WebAssembly.Suspending === 'function' ? await import('${urls['stackful-cat-jspi']}') : undefined;
window.p3 = { cli, http, setPreopens, opfsDirectory, cat, handler, files, fetcher, catSync: { asyncify: catSync, jspi: catSyncJspi } };
</script>
`;

interface P3 {
  cli: typeof import('@weft/wasi-cli/p3');
  http: typeof import('@weft/wasi-http/p3');
  setPreopens: typeof import('@weft/wasi-filesystem').setPreopens;
  opfsDirectory: typeof import('@weft/wasi-filesystem/opfs').opfsDirectory;
  cat: { run: { run(): Promise<void> } };
  files: { run: { run(): Promise<void> } };
  fetcher: { run: { run(): Promise<void> } };
  catSync: Record<(typeof STACKFUL_MODES)[number], { run: { run(): Promise<void> } }>;
  handler: { handler: { handle: Parameters<typeof import('@weft/wasi-http/p3').toFetchHandler>[0] } };
}
declare const p3: P3;

/** The modes in which a thread waits on its own stack. */
const STACKFUL_MODES = ['asyncify', 'jspi'] as const;

const MODES_PAGE = '/p3-modes.html';
const MODES = ['sync', 'jspi', 'asyncify'] as const;
/** The command and the handler once per async mode, under a page script that removes JSPI first. */
const modesBody = (urls: Record<string, string>) => `<pre id="out"></pre>
<script>${REMOVE_JSPI_SCRIPT}</script>
<script type="module">
import * as cli from '@weft/wasi-cli/p3';
import * as http from '@weft/wasi-http/p3';
${MODES.map((m) => `import * as cat_${m} from '${urls[`cat-${m}`]}';\nimport * as handler_${m} from '${urls[`hello-handler-${m}`]}';`).join('\n')}
window.p3modes = { cli, http, ${MODES.map((m) => `${m}: { cat: cat_${m}, handler: handler_${m} }`).join(', ')} };
</script>
`;

interface P3Modes extends Record<(typeof MODES)[number], { cat: P3['cat']; handler: P3['handler'] }> {
  cli: P3['cli'];
  http: P3['http'];
}
declare const p3modes: P3Modes;

let pages: StaticServer;
const urls: Record<string, string> = {};
const entryUrl = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');

beforeAll(async () => {
  for (const name of ['cat', 'hello-handler', 'files', 'fetch']) {
    const component = await buildP3Fixture(name);
    urls[name] = entryUrl((await transpileForTest(component, { name, shims: 'weft' })).entry);
    if (name !== 'cat' && name !== 'hello-handler') continue;
    for (const asyncMode of MODES) {
      urls[`${name}-${asyncMode}`] = entryUrl((await transpileForTest(component, { name, shims: 'weft', asyncMode })).entry);
    }
  }
  // The sync-style command waits on its own stack: asyncify in every engine, JSPI where there is one.
  const catSync = await buildP3Fixture('cat-sync');
  for (const asyncMode of STACKFUL_MODES) {
    urls[`stackful-cat-${asyncMode}`] = entryUrl((await transpileForTest(catSync, { name: `cat-sync-${asyncMode}`, shims: 'weft', asyncMode })).entry);
  }
  pages = await startStaticServer({
    files: {
      [PAGE]: weftPageHtml('weft p3 guests', body(urls)),
      [MODES_PAGE]: weftPageHtml('weft p3 guests in every async mode, without JSPI', modesBody(urls)),
      '/hello.txt': 'hello over fetch\n',
    },
  });
}, 120_000);

afterAll(async () => {
  await pages?.close();
});

/**
 * Opens `path` in a new browser of `engine` for the describe block it is called in, once the
 * page's module script has set `window[ready]`, and closes both after it.
 */
function openPage(engine: EngineName, path: string, ready: string): () => EnginePage {
  let browser: EngineBrowser;
  let page: EnginePage;
  beforeAll(async () => {
    browser = await launchEngine(engine);
    page = await browser.newPage();
    await page.goto(`${pages.origin}${path}`);
    await page.evaluate(
      (name) =>
        new Promise<void>((resolve) => {
          const check = () => (name in window ? resolve() : setTimeout(check, 10));
          check();
        }),
      ready,
    );
  }, 120_000);
  afterAll(async () => {
    try {
      await page?.close();
    } finally {
      await browser?.close();
    }
  });
  return () => page;
}

describe.each(ENGINES)('WASI 0.3 guests in %s', (engine) => {
  const opened = openPage(engine, PAGE, 'p3');

  it('a command copies an injected stdin stream into a DOM element', async () => {
    const text = await opened().evaluate(async () => {
      const enc = new TextEncoder();
      const out = document.getElementById('out')!;
      const input = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 1000; i++) c.enqueue(enc.encode(`line ${i}\n`));
          c.close();
        },
      });
      p3.cli.configure({ stdin: input, stdout: out });
      await p3.cat.run.run();
      return out.textContent;
    });
    expect(text).toBe(`${Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('')}done\n`);
  });

  it.each(STACKFUL_MODES.filter((m) => m !== 'jspi' || HAS_JSPI[engine]))(
    'a sync-style command (%s) copies an injected stdin stream, waiting on its own stack',
    async (mode) => {
      const text = await opened().evaluate(async (mode) => {
        const enc = new TextEncoder();
        const out = document.getElementById('out')!;
        out.textContent = '';
        const input = new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < 500; i++) c.enqueue(enc.encode(`sync ${i}\n`));
            c.close();
          },
        });
        p3.cli.configure({ stdin: input, stdout: out });
        await p3.catSync[mode].run.run();
        return out.textContent;
      }, mode);
      expect(text).toBe(`${Array.from({ length: 500 }, (_, i) => `sync ${i}\n`).join('')}sync done\n`);
    },
  );

  it.runIf(OPFS_UNDER_DRIVER[engine])('a command writes a file on an OPFS preopen and streams it back to stdout', async () => {
    const r = await opened().evaluate(async () => {
      const out = document.getElementById('out')!;
      out.textContent = '';
      const name = `p3-files-${Date.now()}`;
      p3.setPreopens([[await p3.opfsDirectory(name), '/data']]);
      p3.cli.configure({ stdout: out });
      await p3.files.run.run();
      // The guest drops its descriptor as it ends; OPFS commits the file when that drop's
      // close settles, which can come after run() does (seen in Firefox): read until then.
      const root = await navigator.storage.getDirectory();
      const handle = await (await root.getDirectoryHandle(name)).getFileHandle('p3.txt');
      let file = '';
      for (let i = 0; i < 100 && file === ''; i++) {
        if (i) await new Promise((r) => setTimeout(r, 50));
        file = await (await handle.getFile()).text();
      }
      return { stdout: out.textContent, file };
    });
    expect(r).toEqual({ stdout: 'hello from a WASI 0.3 guest\n', file: 'hello from a WASI 0.3 guest\n' });
  });

  it('an HTTP client command fetches from its origin and streams the body to stdout', async () => {
    const text = await opened().evaluate(async () => {
      const out = document.getElementById('out')!;
      out.textContent = '';
      p3.cli.configure({ args: ['fetch', location.host, '/hello.txt'], stdout: out });
      await p3.fetcher.run.run();
      return out.textContent;
    });
    expect(text).toBe('hello over fetch\n');
  });

  it('an HTTP handler answers web Requests, several at once, through toFetchHandler', async () => {
    const bodies = await opened().evaluate(async () => {
      const serve = p3.http.toFetchHandler(p3.handler.handler.handle);
      // Each body is read as its response comes: the guest takes the next request once it has
      // streamed the last one (its backpressure).
      const answer = async (i: number) => {
        const r = await serve(new Request(`${location.origin}/api/${i}`));
        return `${r.status} ${await r.text()}`;
      };
      return Promise.all(Array.from({ length: 5 }, (_, i) => answer(i)));
    });
    expect(bodies).toEqual(Array(5).fill('200 hello from a WASI 0.3 handler\n'));
  });
});

describe.runIf(ENGINES.includes('chromium'))('WASI 0.3 guests transpiled for each async mode, in Chromium with JSPI removed', () => {
  const opened = openPage('chromium', MODES_PAGE, 'p3modes');

  it.each(MODES)('asyncMode %s: the command copies stdin and the handler answers, with no WebAssembly.Suspending', async (mode) => {
    const r = await opened().evaluate(async (mode) => {
      const out = document.getElementById('out')!;
      out.textContent = '';
      const input = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(`${mode}\n`));
          c.close();
        },
      });
      p3modes.cli.configure({ stdin: input, stdout: out });
      await p3modes[mode].cat.run.run();
      const serve = p3modes.http.toFetchHandler(p3modes[mode].handler.handler.handle);
      const answers = await Promise.all([1, 2].map(async (i) => (await serve(new Request(`${location.origin}/api/${i}`))).text()));
      return { jspi: typeof (WebAssembly as { Suspending?: unknown }).Suspending, stdout: out.textContent, answers };
    }, mode);
    expect(r).toEqual({ jspi: 'undefined', stdout: `${mode}\ndone\n`, answers: Array(2).fill('hello from a WASI 0.3 handler\n') });
  });
});
