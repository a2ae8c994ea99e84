import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IoError, WouldBlockError, type InputStream, type Pollable } from '@weft/wasi-io';
import { asGuestWaits, thrown } from '../../test-support.js';
import {
  configure,
  Fields,
  type FutureIncomingResponse,
  httpErrorCode,
  IncomingBody,
  type IncomingResponse,
  OutgoingBody,
  OutgoingRequest,
  outgoingHandler,
  RequestOptions,
  resetConfig,
  types,
  type ErrorCode,
} from '../src/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const MIB = 1 << 20;

const pattern = (i: number) => (i * 31 + 7) & 0xff;

let server: Server;
let port: number;
const held: ServerResponse[] = [];
let slowArrived: ((res: ServerResponse) => void)[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === '/echo') {
    res.setHeader('x-reply', 'yes');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path: req.url, headers: req.headers }));
  } else if (url.pathname === '/upload') {
    let n = 0;
    let sum = 0;
    req.on('data', (chunk: Buffer) => {
      for (const b of chunk) sum = (sum * 33 + b) >>> 0;
      n += chunk.length;
    });
    req.on('end', () => res.end(JSON.stringify({ method: req.method, length: n, sum })));
  } else if (url.pathname === '/big') {
    res.setHeader('content-type', 'application/octet-stream');
    const block = new Uint8Array(16384);
    let sent = 0;
    const more = () => {
      while (sent < MIB) {
        for (let i = 0; i < block.length; i++) block[i] = pattern(sent + i);
        sent += block.length;
        if (!res.write(Buffer.from(block))) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  } else if (url.pathname === '/redirect') {
    res.writeHead(302, { location: '/echo' });
    res.end();
  } else if (url.pathname === '/slow') {
    held.push(res);
    slowArrived.forEach((w) => w(res));
    slowArrived = [];
  } else if (url.pathname === '/stall-body') {
    res.writeHead(200);
    res.write('first part');
    held.push(res);
  } else {
    res.statusCode = 404;
    res.end('no such page');
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => resetConfig());

function request(path: string, opts: { method?: string; headers?: [string, string][]; authority?: string } = {}): OutgoingRequest {
  const req = new OutgoingRequest(Fields.fromList((opts.headers ?? []).map(([n, v]) => [n, enc.encode(v)])));
  req.setMethod({ tag: (opts.method ?? 'get') as 'get' });
  req.setScheme({ tag: 'HTTP' });
  req.setAuthority(opts.authority ?? `127.0.0.1:${port}`);
  req.setPathWithQuery(path);
  return req;
}

async function settle(future: FutureIncomingResponse): Promise<{ tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode }> {
  const pollable: Pollable = future.subscribe();
  await asGuestWaits(() => pollable.block());
  expect(pollable.ready()).toBe(true);
  const got = future.get();
  if (!got || got.tag !== 'ok') throw new Error(`future-incoming-response.get gave ${JSON.stringify(got)}`);
  expect(future.get()).toEqual({ tag: 'err', val: undefined });
  return got.val;
}

async function fetchOk(req: OutgoingRequest, options?: RequestOptions): Promise<IncomingResponse> {
  const result = await settle(outgoingHandler.handle(req, options));
  if (result.tag !== 'ok') throw new Error(`request failed: ${JSON.stringify(result.val)}`);
  return result.val;
}

async function readBody(response: IncomingResponse, max = 65536n): Promise<{ bytes: Uint8Array; reads: number[] }> {
  const body = response.consume();
  const stream: InputStream = body.stream();
  const parts: Uint8Array[] = [];
  for (;;) {
    const e = await asGuestWaits(() => stream.blockingRead(max)).then(
      (chunk) => {
        parts.push(chunk);
        return undefined;
      },
      (err: unknown) => err,
    );
    if (e === undefined) continue;
    expect(e).toEqual({ tag: 'closed' });
    break;
  }
  stream[Symbol.dispose]();
  const trailers = IncomingBody.finish(body);
  expect(trailers.subscribe().ready()).toBe(true);
  expect(trailers.get()).toEqual({ tag: 'ok', val: { tag: 'ok', val: undefined } });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, reads: parts.map((p) => p.length) };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  return deadPort;
}

const header = (fields: Fields, name: string) => fields.get(name).map((v) => dec.decode(v));

describe('fields', () => {
  it('keeps order and case-insensitive lookups, and copies on clone', () => {
    const f = Fields.fromList([
      ['Accept', enc.encode('text/plain')],
      ['x-multi', enc.encode('a')],
      ['X-Multi', enc.encode('b')],
    ]);
    expect(header(f, 'accept')).toEqual(['text/plain']);
    expect(header(f, 'x-multi')).toEqual(['a', 'b']);
    expect(f.has('ACCEPT')).toBe(true);
    f.append('x-multi', enc.encode('c'));
    f.set('accept', [enc.encode('*/*'), enc.encode('text/html')]);
    f.delete('nothing-here');
    const copy = f.clone();
    f.delete('X-MULTI');
    expect(f.has('x-multi')).toBe(false);
    expect(header(copy, 'x-multi')).toEqual(['a', 'b', 'c']);
    expect(copy.entries().map(([n, v]) => [n, dec.decode(v)])).toEqual([
      ['x-multi', 'a'],
      ['X-Multi', 'b'],
      ['x-multi', 'c'],
      ['accept', '*/*'],
      ['accept', 'text/html'],
    ]);
  });

  it('rejects forbidden names, bad syntax and changes to a request’s headers', () => {
    expect(thrown(() => Fields.fromList([['Connection', enc.encode('close')]]))).toEqual({ tag: 'forbidden' });
    expect(thrown(() => new Fields().append('host', enc.encode('example.com')))).toEqual({ tag: 'forbidden' });
    expect(thrown(() => new Fields().set('transfer-encoding', []))).toEqual({ tag: 'forbidden' });
    expect(thrown(() => new Fields().append('bad name', enc.encode('x')))).toEqual({ tag: 'invalid-syntax' });
    expect(thrown(() => new Fields().append('', enc.encode('x')))).toEqual({ tag: 'invalid-syntax' });
    expect(thrown(() => new Fields().append('x-a', enc.encode('one\r\ntwo')))).toEqual({ tag: 'invalid-syntax' });
    expect(thrown(() => Fields.fromList([['x-a', enc.encode(' padded')]]))).toEqual({ tag: 'invalid-syntax' });
    const req = request('/echo', { headers: [['x-a', '1']] });
    const headers = req.headers();
    expect(header(headers, 'x-a')).toEqual(['1']);
    expect(thrown(() => headers.set('x-a', [enc.encode('2')]))).toEqual({ tag: 'immutable' });
    expect(thrown(() => headers.append('x-b', enc.encode('2')))).toEqual({ tag: 'immutable' });
    expect(thrown(() => headers.delete('x-a'))).toEqual({ tag: 'immutable' });
    headers.clone().append('x-b', enc.encode('2'));
  });
});

describe('outgoing-request', () => {
  it('validates method, scheme, authority and path', () => {
    const req = new OutgoingRequest(new Fields());
    expect(req.method()).toEqual({ tag: 'get' });
    req.setMethod({ tag: 'other', val: 'PURGE' });
    expect(req.method()).toEqual({ tag: 'other', val: 'PURGE' });
    expect(thrown(() => req.setMethod({ tag: 'other', val: 'NOT A TOKEN' }))).toBeUndefined();
    expect(thrown(() => req.setScheme({ tag: 'other', val: '1http' }))).toBeUndefined();
    expect(thrown(() => req.setAuthority('bad host'))).toBeUndefined();
    expect(thrown(() => req.setAuthority('user@host'))).toBeUndefined();
    expect(thrown(() => req.setPathWithQuery('no-slash'))).toBeUndefined();
    req.setAuthority('example.com:8080');
    req.setPathWithQuery('/a?b=c');
    expect([req.authority(), req.pathWithQuery(), req.scheme()]).toEqual(['example.com:8080', '/a?b=c', undefined]);
    req.body();
    expect(thrown(() => req.body())).toBeUndefined();
  });

  it('keeps request-options durations', () => {
    const o = new RequestOptions();
    expect(o.connectTimeout()).toBeUndefined();
    o.setConnectTimeout(5_000_000n);
    o.setFirstByteTimeout(6n);
    o.setBetweenBytesTimeout(undefined);
    expect([o.connectTimeout(), o.firstByteTimeout(), o.betweenBytesTimeout()]).toEqual([5_000_000n, 6n, undefined]);
    expect(thrown(() => o.setConnectTimeout(-1n))).toBeUndefined();
  });
});

describe('outgoing-handler over fetch', () => {
  it('GET sends the headers and returns status, headers and body', async () => {
    const res = await fetchOk(
      request('/echo?q=1', {
        headers: [
          ['x-test', 'hello'],
          ['accept', 'application/json'],
        ],
      }),
    );
    expect(res.status()).toBe(200);
    expect(header(res.headers(), 'x-reply')).toEqual(['yes']);
    expect(thrown(() => res.headers().append('x-more', enc.encode('1')))).toEqual({ tag: 'immutable' });
    const echoed = JSON.parse(dec.decode((await readBody(res)).bytes));
    expect(echoed.method).toBe('GET');
    expect(echoed.path).toBe('/echo?q=1');
    expect(echoed.headers['x-test']).toBe('hello');
    expect(echoed.headers.host).toBe(`127.0.0.1:${port}`);
    expect(thrown(() => res.consume())).toBeUndefined();
  });

  it('POST streams a body the guest writes after handing the request to the handler', async () => {
    const total = 300_000;
    const req = request('/upload', {
      method: 'post',
      headers: [
        ['content-type', 'application/octet-stream'],
        ['content-length', String(total)],
      ],
    });
    const body = req.body();
    const future = outgoingHandler.handle(req);
    const out = body.write();
    let sum = 0;
    for (let at = 0; at < total; at += 4096) {
      const chunk = new Uint8Array(Math.min(4096, total - at));
      for (let i = 0; i < chunk.length; i++) {
        chunk[i] = pattern(at + i);
        sum = (sum * 33 + chunk[i]!) >>> 0;
      }
      await asGuestWaits(() => out.blockingWriteAndFlush(chunk));
    }
    out[Symbol.dispose]();
    OutgoingBody.finish(body, undefined);
    const res = await settle(future);
    if (res.tag !== 'ok') throw new Error(JSON.stringify(res.val));
    expect(JSON.parse(dec.decode((await readBody(res.val)).bytes))).toEqual({ method: 'POST', length: total, sum });
  });

  it('POST with a buffered body, as in browsers', async () => {
    configure({ streamRequestBodies: false });
    const req = request('/upload', { method: 'put' });
    const body = req.body();
    const out = body.write();
    out.write(enc.encode('abc'.slice(0, Number(out.checkWrite()))));
    out[Symbol.dispose]();
    const future = outgoingHandler.handle(req);
    expect(future.get()).toBeUndefined();
    OutgoingBody.finish(body, undefined);
    const res = await settle(future);
    if (res.tag !== 'ok') throw new Error(JSON.stringify(res.val));
    const sum = [...enc.encode('abc')].reduce((s, b) => (s * 33 + b) >>> 0, 0);
    expect(JSON.parse(dec.decode((await readBody(res.val)).bytes))).toEqual({ method: 'PUT', length: 3, sum });
  });

  it('reads a 1 MiB response in chunks no larger than asked for', async () => {
    const res = await fetchOk(request('/big'));
    expect(header(res.headers(), 'content-type')).toEqual(['application/octet-stream']);
    const { bytes, reads } = await readBody(res, 10000n);
    expect(bytes.length).toBe(MIB);
    expect(reads.length).toBeGreaterThan(MIB / 10000);
    expect(Math.max(...reads)).toBeLessThanOrEqual(10000);
    let bad = -1;
    for (let i = 0; i < bytes.length && bad < 0; i++) if (bytes[i] !== pattern(i)) bad = i;
    expect(bad).toBe(-1);
  });

  it('a guest in the synchronous mode cannot wait for the network, and says which modes can', async () => {
    const future = outgoingHandler.handle(request('/echo'));
    expect(() => future.subscribe().block()).toThrow(WouldBlockError);
    expect(() => future.subscribe().block()).toThrow(/jspi|asyncify/);
    expect((await settle(future)).tag).toBe('ok');
  });

  it('dropping a pending future aborts the request', async () => {
    const arrived = new Promise<ServerResponse>((resolve) => slowArrived.push(resolve));
    const future = outgoingHandler.handle(request('/slow'));
    const res = await arrived;
    const hungUp = new Promise((resolve) => res.once('close', resolve));
    future[Symbol.dispose]();
    await hungUp;
    expect(future.subscribe().ready()).toBe(true);
    expect(future.get()).toEqual({ tag: 'err', val: undefined });
  });

  it('a redirect reaches the guest as it came', async () => {
    const res = await fetchOk(request('/redirect'));
    expect(res.status()).toBe(302);
    expect(header(res.headers(), 'location')).toEqual(['/echo']);
    expect((await readBody(res)).bytes.length).toBe(0);
  });

  it('a 404 is a response, not an error', async () => {
    const res = await fetchOk(request('/nope'));
    expect(res.status()).toBe(404);
    expect(dec.decode((await readBody(res)).bytes)).toBe('no such page');
  });

  it('a closed port is connection-refused', async () => {
    const deadPort = await closedPort();
    expect(await settle(outgoingHandler.handle(request('/', { authority: `127.0.0.1:${deadPort}` })))).toEqual({
      tag: 'err',
      val: { tag: 'connection-refused' },
    });
  });

  it('a streamed upload to a closed port fails the writer with the request’s error', async () => {
    const req = request('/upload', { method: 'post', authority: `127.0.0.1:${await closedPort()}` });
    const body = req.body();
    const future = outgoingHandler.handle(req);
    const out = body.write();
    let failure: unknown;
    for (let i = 0; i < 100 && failure === undefined; i++) {
      failure = await asGuestWaits(() => out.blockingWriteAndFlush(new Uint8Array(4096))).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(failure).toMatchObject({ tag: 'last-operation-failed' });
    expect(httpErrorCode((failure as { val: IoError }).val)).toEqual({ tag: 'connection-refused' });
    expect(await settle(future)).toEqual({ tag: 'err', val: { tag: 'connection-refused' } });
  });

  it('an unknown host is a DNS error', async () => {
    const result = await settle(outgoingHandler.handle(request('/', { authority: 'no-such-host.invalid' })));
    // A host without a reachable resolver answers "try again" rather than "no such name".
    expect([
      { tag: 'err', val: { tag: 'DNS-error', val: {} } },
      { tag: 'err', val: { tag: 'DNS-timeout' } },
    ]).toContainEqual(result);
  });

  it('no response headers within the timeouts is a timeout', async () => {
    const firstByte = new RequestOptions();
    firstByte.setFirstByteTimeout(150_000_000n);
    expect(await settle(outgoingHandler.handle(request('/slow'), firstByte))).toEqual({
      tag: 'err',
      val: { tag: 'connection-read-timeout' },
    });
    const connect = new RequestOptions();
    connect.setConnectTimeout(150_000_000n);
    expect(await settle(outgoingHandler.handle(request('/slow'), connect))).toEqual({
      tag: 'err',
      val: { tag: 'connection-timeout' },
    });
  });

  it('a body that stalls fails its stream with a read timeout the guest can decode', async () => {
    const options = new RequestOptions();
    options.setBetweenBytesTimeout(150_000_000n);
    const res = await fetchOk(request('/stall-body'), options);
    const body = res.consume();
    const stream = body.stream();
    const first = await asGuestWaits(() => stream.blockingRead(100n));
    expect(dec.decode(first)).toBe('first part');
    const err = await asGuestWaits(() => stream.blockingRead(100n)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ tag: 'last-operation-failed' });
    const ioError = (err as { val: IoError }).val;
    expect(ioError).toBeInstanceOf(IoError);
    expect(httpErrorCode(ioError)).toEqual({ tag: 'connection-read-timeout' });
    expect(types.httpErrorCode(new IoError('unrelated'))).toBeUndefined();
  });

  it('an invalid URL is HTTP-request-URI-invalid', () => {
    expect(thrown(() => outgoingHandler.handle(new OutgoingRequest(new Fields())))).toEqual({ tag: 'HTTP-request-URI-invalid' });
    expect(thrown(() => outgoingHandler.handle(request('/', { authority: '127.0.0.1:99999' })))).toEqual({
      tag: 'HTTP-request-URI-invalid',
    });
    const ftp = request('/');
    ftp.setScheme({ tag: 'other', val: 'ftp' });
    expect(thrown(() => outgoingHandler.handle(ftp))).toEqual({ tag: 'HTTP-request-URI-invalid' });
  });

  it('only allowed origins are reachable once an allow-list is set', async () => {
    configure({ allowedOrigins: [`http://127.0.0.1:${port}/ignored-path`] });
    expect((await fetchOk(request('/nope'))).status()).toBe(404);
    expect(thrown(() => outgoingHandler.handle(request('/', { authority: `localhost:${port}` })))).toEqual({
      tag: 'HTTP-request-denied',
    });
    const https = request('/');
    https.setScheme({ tag: 'HTTPS' });
    expect(thrown(() => outgoingHandler.handle(https))).toEqual({ tag: 'HTTP-request-denied' });
    expect(() => configure({ allowedOrigins: ['not a url'] })).toThrow(/not a URL/);
  });

  it('refuses what fetch cannot send: request trailers and CONNECT', async () => {
    const req = request('/upload', { method: 'post' });
    const body = req.body();
    const future = outgoingHandler.handle(req);
    const trailers = Fields.fromList([['x-checksum', enc.encode('1')]]);
    expect(thrown(() => OutgoingBody.finish(body, trailers))).toEqual({ tag: 'internal-error', val: 'fetch cannot send request trailers' });
    expect((await settle(future)).tag).toBe('err');
    expect(thrown(() => outgoingHandler.handle(request('/', { method: 'connect' })))).toEqual({ tag: 'HTTP-request-method-invalid' });
  });

  it('a request is sent once', () => {
    configure({ allowedOrigins: [] });
    const req = request('/');
    expect(thrown(() => outgoingHandler.handle(req))).toEqual({ tag: 'HTTP-request-denied' });
    expect(() => outgoingHandler.handle(req)).toThrow(/already sent/);
  });
});

describe('a keep-alive connection the server reset', () => {
  /**
   * Answers the first request on the first connection and keeps it open, then resets that
   * connection when a second request arrives on it: a server closing an idle connection
   * just as the client reuses it. Requests on later connections are answered.
   */
  async function resettingServer(): Promise<{ authority: string; connections: () => number; resets: () => number; close: () => Promise<void> }> {
    let connections = 0;
    let resets = 0;
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      const nth = ++connections;
      let requests = 0;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.includes('\r\n\r\n')) return;
        requests++;
        if (nth === 1 && requests === 2) {
          resets++;
          socket.resetAndDestroy();
        } else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      authority: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => connections,
      resets: () => resets,
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  // fetch puts a connection back in its pool a moment after the response ends; the next
  // request must find it there to be sent on it.
  const pooled = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('an idempotent request is sent again on a new connection', async () => {
    const server = await resettingServer();
    try {
      const first = await fetchOk(request('/', { authority: server.authority }));
      expect(dec.decode((await readBody(first)).bytes)).toBe('ok');
      await pooled();
      const second = await fetchOk(request('/', { authority: server.authority }));
      expect(dec.decode((await readBody(second)).bytes)).toBe('ok');
      expect([server.resets(), server.connections()]).toEqual([1, 2]);
    } finally {
      await server.close();
    }
  });

  it('a POST is not sent twice: it fails as connection-terminated', async () => {
    const server = await resettingServer();
    try {
      await readBody(await fetchOk(request('/', { authority: server.authority })));
      await pooled();
      const post = request('/', { method: 'post', authority: server.authority });
      const body = post.body();
      const out = body.write();
      out.blockingWriteAndFlush(enc.encode('once'));
      out[Symbol.dispose]();
      OutgoingBody.finish(body);
      expect(await settle(outgoingHandler.handle(post))).toEqual({ tag: 'err', val: { tag: 'connection-terminated' } });
      expect([server.resets(), server.connections()]).toEqual([1, 1]);
    } finally {
      await server.close();
    }
  });
});
