/**
 * WASI 0.3 guests (component text, callback-lifted as wit-bindgen's async exports are) on
 * weft's 0.3 shims in Node, with no JSPI or asyncify: a command copying stdin to stdout, run
 * by a host module; an HTTP handler answering web Requests through toFetchHandler and a real
 * node:http server on loopback; a middleware whose imported handler the shims forward to fetch.
 */
import { spawnSync } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildP3Fixture } from '../src/fixtures.js';
import { cacheDir } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';

let cat: string;
let handler: string;
let middleware: string;

beforeAll(async () => {
  cat = (await transpileForTest(await buildP3Fixture('cat'), { name: 'cat', shims: 'weft' })).entry;
  handler = (await transpileForTest(await buildP3Fixture('hello-handler'), { name: 'hello-handler', shims: 'weft' })).entry;
  middleware = (await transpileForTest(await buildP3Fixture('middleware'), { name: 'middleware', shims: 'weft' })).entry;
}, 120_000);

function runHost(code: string, input: string): { stdout: string; stderr: string; status: number | null } {
  mkdirSync(cacheDir, { recursive: true });
  const dir = realpathSync(mkdtempSync(join(cacheDir, 'host-')));
  writeFileSync(join(dir, 'host.js'), code);
  const r = spawnSync(process.execPath, ['host.js'], { cwd: dir, encoding: 'utf8', input });
  rmSync(dir, { recursive: true, force: true });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('a WASI 0.3 command', () => {
  // A callback-lifted guest needs no stack switching: transpiled for any async mode, it runs
  // in Node 20, which has no JSPI.
  it.each(['jspi', 'asyncify'] as const)('runs the same when transpiled with asyncMode %s', async (asyncMode) => {
    const entry = (await transpileForTest(await buildP3Fixture('cat'), { name: `cat-${asyncMode}`, shims: 'weft', asyncMode })).entry;
    const r = runHost(`import { run } from ${JSON.stringify(pathToFileURL(entry).href)};\nawait run.run();\n`, 'in\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('in\ndone\n');
  });

  it('a 0.3 file guest transpiles for jspi and asyncify too: the 0.2 names of calls that wait are not read for 0.3 imports', async () => {
    for (const asyncMode of ['jspi', 'asyncify'] as const) {
      await expect(transpileForTest(await buildP3Fixture('files'), { name: `files-${asyncMode}`, shims: 'weft', asyncMode })).resolves.toBeDefined();
    }
  });

  // A sync-style guest (no callback, every stream operation synchronous) waits on its own
  // stack: under asyncify its stack unwinds at each wait, with no JSPI in Node 20.
  it('a sync-style command waits on its own stack when transpiled with asyncMode asyncify', async () => {
    const component = await buildP3Fixture('cat-sync');
    const entry = (await transpileForTest(component, { name: 'cat-sync', shims: 'weft', asyncMode: 'asyncify' })).entry;
    const input = 'line of stdin\n'.repeat(3000);
    const r = runHost(`import { run } from ${JSON.stringify(pathToFileURL(entry).href)};\nawait run.run();\n`, input);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${input}sync done\n`);
    const sync = (await transpileForTest(component, { name: 'cat-sync-plain', shims: 'weft' })).entry;
    const refused = runHost(`import { run } from ${JSON.stringify(pathToFileURL(sync).href)};\nawait run.run();\n`, input);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("needs asyncMode 'asyncify'");
  });

  it('copies stdin to stdout through the 0.3 stream interfaces, then exits', () => {
    const input = 'hello\n'.repeat(5000);
    const r = runHost(`import { run } from ${JSON.stringify(pathToFileURL(cat).href)};\nawait run.run();\n`, input);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${input}done\n`);
  });
});

describe('a WASI 0.3 HTTP handler', () => {
  let server: Server;
  let base: string;
  let fetchHandler: (r: Request) => Promise<Response>;

  beforeAll(async () => {
    const { toFetchHandler } = await import('@weft/wasi-http/p3');
    const { handler: exported } = await import(pathToFileURL(handler).href);
    fetchHandler = toFetchHandler(exported.handle);
    // node:http in front of the fetch handler: the request body streams in, the response body out.
    server = createServer(async (req, res) => {
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method!,
        headers: req.headers as Record<string, string>,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' }),
      } as RequestInit);
      const response = await fetchHandler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a web Request with a streamed body', async () => {
    const res = await fetchHandler(new Request('http://localhost/hi'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello from a WASI 0.3 handler\n');
  });

  it('serves 100 requests, 10 at a time, from one instance over loopback', async () => {
    const get = () =>
      new Promise<string>((resolve, reject) => {
        httpRequest(`${base}/n`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        })
          .on('error', reject)
          .end();
      });
    for (let round = 0; round < 10; round++) {
      const bodies = await Promise.all(Array.from({ length: 10 }, get));
      expect(bodies).toEqual(Array(10).fill('200 hello from a WASI 0.3 handler\n'));
    }
  });
});

describe('a WASI 0.3 middleware', () => {
  it("forwards to another component: its imported handler is a second component's handler export", async () => {
    const { toFetchHandler } = await import('@weft/wasi-http/p3');
    const { handler: hello } = await import(pathToFileURL(handler).href);
    const out = await transpileForTest(await buildP3Fixture('middleware'), { name: 'middleware-chained', shims: 'weft', instantiation: 'async' });
    const glue = await import(pathToFileURL(out.entry).href);
    const host = await import(pathToFileURL(out.entry.replace(/\.js$/, '.host.js')).href);
    const chained = await glue.instantiate(host.loadCoreModule, host.imports({ 'wasi:http/handler': hello }));
    const serve = toFetchHandler(chained.handler.handle);
    const answers = await Promise.all(
      [1, 2].map(async (i) => {
        const r = await serve(new Request(`http://example.test/p${i}`));
        return `${r.status} ${await r.text()}`;
      }),
    );
    expect(answers).toEqual(Array(2).fill('200 hello from a WASI 0.3 handler\n'));
  });

  it('passes requests to its imported handler, which the shims forward to fetch', async () => {
    const upstream = createServer((req, res) => res.end(`upstream: ${req.method} ${req.url}\n`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const { toFetchHandler } = await import('@weft/wasi-http/p3');
      const { handler: exported } = await import(pathToFileURL(middleware).href);
      const serve = toFetchHandler(exported.handle);
      const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const answers = await Promise.all(
        [1, 2, 3].map(async (i) => {
          const r = await serve(new Request(`${origin}/p${i}`));
          return `${r.status} ${await r.text()}`;
        }),
      );
      expect(answers).toEqual(['200 upstream: GET /p1\n', '200 upstream: GET /p2\n', '200 upstream: GET /p3\n']);
      // Nothing listens on port 1: the forwarded request fails, and the middleware answers internal-error.
      const failed = await serve(new Request('http://127.0.0.1:1/x'));
      expect(failed.status).toBe(500);
      expect(await failed.text()).toMatch(/internal-error/);
    } finally {
      upstream.close();
    }
  });
});
