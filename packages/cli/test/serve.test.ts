/**
 * `weft serve` with real HTTP clients on loopback: the componentize-js handler guest and
 * the hello-world core-wasm guest that traps on request, each served by a `weft serve` process this file starts.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture, buildP3Fixture } from '@weft/e2e/fixtures';
import { buildServeGuest, buildHelloHandler, streamLines, HELLO_HANDLER_TEXT } from '@weft/e2e/serve-fixtures';
import { startJcoServe, startServerProcess, type ServerProcess } from '@weft/e2e/serve-process';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const LISTENING = /listening on (http:\/\/\S+)/;

/** The first transpile of the guest runs asyncify over SpiderMonkey: minutes, then cached. */
const FIRST_START_MS = 900_000;

function weftServe(args: string[]): Promise<ServerProcess> {
  return startServerProcess(process.execPath, [bin, 'serve', ...args, '--port', '0'], LISTENING);
}

/** `n` bytes that differ from any run of a short pattern, so a shifted or dropped chunk shows. */
function testBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let block = createHash('sha256').update('weft serve').digest();
  for (let at = 0; at < n; at += block.length) {
    out.set(block.subarray(0, Math.min(block.length, n - at)), at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Run `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'weft-serve-'));
});

describe('weft serve: a WASI 0.3 handler', () => {
  let wasm: string;

  beforeAll(async () => {
    wasm = join(work, 'hello-handler-p3.wasm');
    writeFileSync(wasm, await buildP3Fixture('hello-handler'));
  });

  for (const reuse of [false, true]) {
    it(`answers 100 requests, 10 at a time${reuse ? ', from one instance (--reuse)' : ', each from its own instance'}`, async () => {
      const server = await weftServe([wasm, ...(reuse ? ['--reuse'] : [])]);
      try {
        const get = () => fetch(`${server.origin}/n`).then(async (r) => `${r.status} ${await r.text()}`);
        const bodies = await pool(
          Array.from({ length: 100 }, () => get),
          10,
        );
        expect(bodies).toEqual(Array(100).fill('200 hello from a WASI 0.3 handler\n'));
      } finally {
        await server.stop();
      }
    });
  }
});

describe('weft serve: the componentize-js handler', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    const guest = join(work, 'serve-guest.wasm');
    writeFileSync(guest, await buildServeGuest());
    const data = join(work, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'note.txt'), 'a file on the host\n');
    server = await weftServe([guest, '--env', 'GREETING=hello from the host', '--dir', `${data}::/data`]);
  }, FIRST_START_MS);

  // Node 20 takes seconds to exit with this 40 MB asyncified module loaded: V8 finishes
  // its background tier-up compilation first.
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  }, 120_000);

  it('answers 200 requests, 20 at a time, each from its own instance', async () => {
    const results = await pool(
      Array.from({ length: 200 }, (_, i) => async () => {
        const r = await fetch(`${server.origin}/info?i=${i}`, { headers: { 'x-weft-test': `request ${i}` } });
        return { status: r.status, body: (await r.json()) as { method: string; url: string; header: string } };
      }),
      20,
    );
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ method: 'GET', url: `${server.origin}/info?i=${i}`, header: `request ${i}` });
    });
  });

  it('echoes a 1 MiB upload byte for byte', async () => {
    const bytes = testBytes(1 << 20);
    const r = await fetch(`${server.origin}/echo`, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/x-weft' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-weft');
    expect(r.headers.get('x-echo-length')).toBe(String(bytes.length));
    expect(Buffer.compare(Buffer.from(await r.arrayBuffer()), Buffer.from(bytes))).toBe(0);
  });

  it('reads a request body the client sends slowly, in pieces', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.origin}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      void (async () => {
        for (let i = 0; i < 5; i++) {
          req.write(`piece ${i}\n`);
          await sleep(100);
        }
        req.end();
      })();
    });
    expect(status).toBe(200);
    expect(body).toBe(streamLines(5).replaceAll('chunk', 'piece'));
  });

  it('streams a response body as the guest writes it', async () => {
    const r = await fetch(`${server.origin}/stream?n=4&ms=300`);
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value).toString());
    }
    expect(chunks.join('')).toBe(streamLines(4));
    // The guest pauses 300 ms between lines: a body sent whole would arrive as one chunk.
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('keeps serving after a client disconnects mid-response', async () => {
    const abort = new AbortController();
    const r = await fetch(`${server.origin}/stream?n=100&ms=50`, { signal: abort.signal });
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toMatch(/^chunk 0\n/);
    abort.abort();
    await expect(reader.read()).rejects.toThrow();
    const after = await fetch(`${server.origin}/hello`);
    expect(await after.text()).toBe('hello from a component\n');
  });

  it('gives the guest its --env and --dir', async () => {
    const env = await fetch(`${server.origin}/env?name=GREETING`);
    expect([env.status, await env.text()]).toEqual([200, 'hello from the host']);
    const missing = await fetch(`${server.origin}/env?name=HOME`);
    expect(missing.status).toBe(404);
    const file = await fetch(`${server.origin}/file?name=note.txt`);
    expect([file.status, await file.text()]).toEqual([200, 'a file on the host\n']);
    const outside = await fetch(`${server.origin}/file?name=../serve-guest.wasm`);
    expect(outside.status).toBe(404);
  });
});

describe('weft serve and jco serve answer alike', () => {
  let weft: ServerProcess;
  let jco: ServerProcess;

  beforeAll(async () => {
    const guest = join(work, 'serve-guest-diff.wasm');
    writeFileSync(guest, await buildServeGuest());
    // StarlingMonkey answers one fetch event per instance, so jco must not reuse one.
    [weft, jco] = await Promise.all([weftServe([guest]), startJcoServe(guest, ['--isolate-requests', 'instance'])]);
  }, FIRST_START_MS);

  afterAll(async () => {
    await Promise.all([weft?.stop(), jco?.stop()]);
  }, 120_000);

  /** What a client sees of one exchange, with the server's own origin taken out. */
  async function exchange(origin: string, path: string, init?: RequestInit) {
    const r = await fetch(`${origin}${path}`, init);
    return { status: r.status, type: r.headers.get('content-type'), body: (await r.text()).replaceAll(origin, '<origin>') };
  }

  it('for each route of the componentize-js guest', async () => {
    const upload = Buffer.from(testBytes(65536)).toString('base64');
    const cases: [string, RequestInit?][] = [
      ['/hello'],
      ['/info?q=1', { headers: { 'x-weft-test': 'differential' } }],
      ['/echo', { method: 'POST', body: upload, headers: { 'content-type': 'text/plain' } }],
      ['/stream?n=3&ms=20'],
      ['/nowhere'],
    ];
    for (const [path, init] of cases) {
      const [w, j] = [await exchange(weft.origin, path, init), await exchange(jco.origin, path, init)];
      expect(w, path).toEqual(j);
      expect(w.status, path).toBe(path === '/nowhere' ? 404 : 200);
    }
  });
});

describe('weft serve: a guest that traps', () => {
  let trapWasm: string;

  beforeAll(async () => {
    trapWasm = join(work, 'hello-handler.wasm');
    writeFileSync(trapWasm, await buildHelloHandler());
  });

  for (const mode of [[], ['--reuse']]) {
    it(`answers a trap and a missing response with 500, then serves the next request (${mode.join(' ') || 'an instance per request'})`, async () => {
      const server = await weftServe([trapWasm, ...mode]);
      try {
        const ok = await fetch(`${server.origin}/`);
        expect([ok.status, await ok.text()]).toEqual([200, HELLO_HANDLER_TEXT]);
        const trap = await fetch(`${server.origin}/`, { headers: { 'x-trap': '1' } });
        expect([trap.status, await trap.text()]).toEqual([500, 'the component failed: unreachable\n']);
        const again = await fetch(`${server.origin}/`);
        expect([again.status, await again.text()]).toEqual([200, HELLO_HANDLER_TEXT]);
        const silent = await fetch(`${server.origin}/`, { headers: { 'x-no-answer': '1' } });
        expect([silent.status, await silent.text()]).toEqual([500, 'the component returned without setting a response\n']);
        const last = await fetch(`${server.origin}/`);
        expect([last.status, await last.text()]).toEqual([200, HELLO_HANDLER_TEXT]);
        expect(server.stderr()).toMatch(/weft serve: trap: unreachable/);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  }

  it('refuses a component that is not an HTTP handler, and a bad port', async () => {
    const hello = join(work, 'hello.wasm');
    writeFileSync(hello, await buildCFixture('hello'));
    await expect(weftServe([hello])).rejects.toThrow(
      /exited \(1\)[\s\S]*error: .*hello\.wasm is not an HTTP handler component: it does not export wasi:http\/incoming-handler/,
    );
    await expect(startServerProcess(process.execPath, [bin, 'serve', trapWasm, '--port', 'eighty'], LISTENING)).rejects.toThrow(
      /exited \(2\)[\s\S]*--port expects a port number/,
    );
  });
});
