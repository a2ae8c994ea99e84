/**
 * The WASI 0.3 entry points in Chromium, loaded through the page's import map from the
 * built shims: stdio as streams into a DOM element, the fetch client against a server on
 * another origin (CORS), the fetch-handler adapter, timers. A 0.3 guest drives the same
 * calls once the transpiler's Preview 3 runtime lands.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startStaticServer, weftPageHtml, type StaticServer } from '../src/browser.js';
import { ECHO_HEADER, HELLO_TEXT, startTestHttpServer, unusedPort, type TestHttpServer } from '../src/http-server.js';

const PAGE = '/p3-shims.html';
// The page's module script loads the entry points (a scenario's own import() would be rewritten by vitest).
const BODY = `<pre id="out"></pre>
<script type="module">
import * as cli from '@weft/wasi-cli/p3';
import * as clocks from '@weft/wasi-clocks/p3';
import * as http from '@weft/wasi-http/p3';
import * as random from '@weft/wasi-random/p3';
window.p3 = { cli, clocks, http, random };
</script>
`;

interface P3 {
  cli: typeof import('@weft/wasi-cli/p3');
  clocks: typeof import('@weft/wasi-clocks/p3');
  http: typeof import('@weft/wasi-http/p3');
  random: typeof import('@weft/wasi-random/p3');
}
declare const p3: P3;

let pages: StaticServer;
let server: TestHttpServer;
let deadOrigin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [pages, server, deadOrigin, browser] = await Promise.all([
    startStaticServer({ files: { [PAGE]: weftPageHtml('weft p3 shims', BODY) } }),
    startTestHttpServer(),
    unusedPort().then((p) => `http://127.0.0.1:${p}`),
    launchChromium(),
  ]);
  page = await browser.newPage();
  await page.goto(`${pages.origin}${PAGE}`);
  await page.waitForFunction(() => 'p3' in window);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pages?.close();
});

describe('WASI 0.3 shims in Chromium', () => {
  it('cli: an injected stdin stream, stdout into a DOM element, stderr to the console', async () => {
    const r = await page.evaluate(async () => {
      const { cli } = p3;
      const enc = new TextEncoder();
      const out = document.getElementById('out')!;
      const [empty, emptyDone] = cli.stdin.readViaStream();
      const emptyEnded = (await empty.getReader().read()).done;
      const input = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(enc.encode('from '));
          c.enqueue(enc.encode('the page\n'));
          c.close();
        },
      });
      cli.configure({ stdin: input, stdout: out, stderr: 'console' });
      const [stream, done] = cli.stdin.readViaStream();
      const upper = stream.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, c) => c.enqueue(enc.encode(new TextDecoder().decode(chunk).toUpperCase())),
        }),
      );
      const wrote = await cli.stdout.writeViaStream(upper);
      const errWrote = await cli.stderr.writeViaStream(new Blob(['to the console\n']).stream());
      return { emptyEnded, emptyDone: await emptyDone, done: await done, wrote, errWrote, text: out.textContent };
    });
    const ok = { tag: 'ok' };
    expect(r).toEqual({ emptyEnded: true, emptyDone: ok, done: ok, wrote: ok, errWrote: ok, text: 'FROM THE PAGE\n' });
    const logged = await page.evaluate(() => (window as unknown as { weftConsole: { type: string; text: string }[] }).weftConsole);
    expect(logged).toContainEqual({ type: 'error', text: 'to the console' });
  });

  it('http: client.send over fetch across origins, a collected upload, the allow-list, a dead origin', async () => {
    const r = await page.evaluate(
      async ({ origin, dead, header }) => {
        const { http } = p3;
        const enc = new TextEncoder();
        const none = () => Promise.resolve({ tag: 'ok' as const, val: undefined });
        const request = (base: string, path: string, method: string, body?: string) => {
          const url = new URL(base);
          const headers = http.Fields.fromList([[header, enc.encode('p3')]]);
          const contents = body === undefined ? undefined : new Blob([body]).stream();
          const [req, transmitted] = http.Request.new(headers, contents, none(), undefined);
          req.setMethod({ tag: method } as Parameters<typeof req.setMethod>[0]);
          req.setScheme({ tag: 'HTTP' });
          req.setAuthority(url.host);
          req.setPathWithQuery(path);
          return { req, transmitted };
        };
        const text = async (res: InstanceType<typeof http.Response>) => {
          const [stream, trailers] = http.Response.consumeBody(res, none());
          return { body: await new Response(stream).text(), trailers: await trailers };
        };
        const caught = async (p: Promise<unknown>) => {
          try {
            await p;
            return 'no error';
          } catch (e) {
            return e;
          }
        };
        const hello = await http.client.send(request(origin, '/hello', 'get').req);
        const posted = request(origin, '/echo', 'post', 'uploaded from the page');
        const echo = await http.client.send(posted.req);
        http.configure({ allowedOrigins: [dead] });
        const denied = await caught(http.client.send(request(origin, '/hello', 'get').req));
        http.configure({ allowedOrigins: null });
        const unreachable = await caught(http.client.send(request(dead, '/hello', 'get').req));
        return {
          status: hello.getStatusCode(),
          hello: await text(hello),
          echo: JSON.parse((await text(echo)).body),
          transmitted: await posted.transmitted,
          denied,
          unreachable: (unreachable as { tag: string }).tag,
        };
      },
      { origin: server.origin, dead: deadOrigin, header: ECHO_HEADER },
    );
    expect(r).toEqual({
      status: 200,
      hello: { body: HELLO_TEXT, trailers: { tag: 'ok' } },
      echo: { method: 'POST', tag: 'p3', contentType: null, body: 'uploaded from the page' },
      transmitted: { tag: 'ok' },
      denied: { tag: 'HTTP-request-denied' },
      // A browser reports every network failure alike.
      unreachable: 'internal-error',
    });
  });

  it('http: toFetchHandler answers a web Request with a streamed web Response', async () => {
    const r = await page.evaluate(async () => {
      const { http } = p3;
      const serve = http.toFetchHandler(async (req) => {
        const [body, trailers] = http.Request.consumeBody(req, Promise.resolve({ tag: 'ok', val: undefined }));
        const reversed = (await new Response(body).text()).split('').reverse().join('');
        const headers = http.Fields.fromList([['x-path', new TextEncoder().encode(req.getPathWithQuery() ?? '')]]);
        const [res] = http.Response.new(
          headers,
          new Blob([reversed]).stream(),
          trailers.then(() => ({ tag: 'ok', val: undefined })),
        );
        res.setStatusCode(202);
        return res;
      });
      const res = await serve(new Request(`${location.origin}/api/reverse?x=1`, { method: 'POST', body: 'stressed' }));
      return { status: res.status, path: res.headers.get('x-path'), body: await res.text() };
    });
    expect(r).toEqual({ status: 202, path: '/api/reverse?x=1', body: 'desserts' });
  });

  it('clocks and random: timers and the platform CSPRNG', async () => {
    const r = await page.evaluate(async () => {
      const { clocks, random } = p3;
      const start = clocks.monotonicClock.now();
      await clocks.monotonicClock.waitFor(20_000_000n);
      return {
        waited: clocks.monotonicClock.now() - start >= 20_000_000n,
        bytes: random.random.getRandomBytes(32n).length,
        zone: clocks.timezone.ianaId() === Intl.DateTimeFormat().resolvedOptions().timeZone,
      };
    });
    expect(r).toEqual({ waited: true, bytes: 32, zone: true });
  });

  it('left no uncaught errors in the page', async () => {
    expect(await page.evaluate(() => (window as unknown as { weftErrors: string[] }).weftErrors)).toEqual([]);
  });
});
