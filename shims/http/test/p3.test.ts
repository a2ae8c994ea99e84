import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as p3 from '../src/p3/index.js';

const { client, configure, Fields, handler, Request, RequestOptions, resetConfig, Response, toFetchHandler, types } = p3;
type Request = InstanceType<typeof Request>;
type Response = InstanceType<typeof Response>;
type TrailersResult = p3.TrailersResult;

const enc = new TextEncoder();
const dec = new TextDecoder();

let server: Server;
let origin: string;
let authority: string;
/** Resolvers the test routes call when the server reaches a point the test waits for. */
const signals = new Map<string, () => void>();
const waitFor = (name: string) => new Promise<void>((resolve) => signals.set(name, resolve));
const signal = (name: string) => {
  signals.get(name)?.();
  signals.delete(name);
};
/** Promises the server waits on before going on; the test resolves them. */
const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
function gate(name: string): () => void {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  gates.set(name, { promise, open });
  return open;
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === '/echo') {
    res.setHeader('x-reply', 'yes');
    res.end(JSON.stringify({ method: req.method, path: req.url, headers: req.headers }));
  } else if (url.pathname === '/upload') {
    const parts: string[] = [];
    req.on('data', (chunk: Buffer) => {
      parts.push(chunk.toString());
      signal('upload-bytes');
    });
    req.on('end', () => res.end(JSON.stringify({ body: parts.join('') })));
  } else if (url.pathname === '/drip') {
    res.write('first;');
    void gates.get('drip')!.promise.then(() => res.end('second;'));
  } else if (url.pathname === '/early') {
    // Answers before the request body ends, and reads it on.
    res.writeHead(200);
    res.flushHeaders();
    req.on('data', () => {});
    req.on('end', () => res.end('done'));
  } else if (url.pathname === '/stall') {
    res.write('only;');
  } else if (url.pathname === '/slow') {
    // never answers
  } else {
    res.statusCode = 404;
    res.end();
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  authority = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${authority}`;
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((ok) => server.close(() => ok()));
});

afterEach(() => resetConfig());

const none = (): Promise<TrailersResult> => Promise.resolve({ tag: 'ok', val: undefined });

/** A guest's `stream<u8>` that produces its chunks only as they are pulled; records a cancel. */
function guestStream(chunks: (string | (() => Promise<string>))[]): ReadableStream<Uint8Array> & { cancelled?: unknown } {
  let i = 0;
  const s: ReadableStream<Uint8Array> & { cancelled?: unknown } = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        if (i >= chunks.length) return c.close();
        const next = chunks[i++]!;
        c.enqueue(enc.encode(typeof next === 'string' ? next : await next()));
      },
      cancel(reason) {
        s.cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return s;
}

function request(
  path: string,
  opts: {
    method?: p3.Method;
    contents?: ReadableStream<Uint8Array>;
    trailers?: Promise<TrailersResult>;
    options?: InstanceType<typeof RequestOptions>;
    headers?: [string, string][];
  } = {},
) {
  const headers = Fields.fromList((opts.headers ?? []).map(([n, v]) => [n, enc.encode(v)]));
  const [req, transmitted] = Request.new(headers, opts.contents, opts.trailers ?? none(), opts.options);
  if (opts.method) req.setMethod(opts.method);
  req.setScheme({ tag: 'HTTP' });
  req.setAuthority(authority);
  req.setPathWithQuery(path);
  return { req, transmitted };
}

/** What the guest reads of a response: its body, and then its trailers. */
async function readBody(res: Response): Promise<{ text: string; trailers: TrailersResult }> {
  const [stream, trailers] = Response.consumeBody(res, Promise.resolve({ tag: 'ok', val: undefined }));
  let text = '';
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += dec.decode(r.value, { stream: true });
  return { text, trailers: await trailers };
}

async function rejected(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('wasi:http@0.3.0 types', () => {
  it('exports the 0.3 interfaces', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k) && typeof (p3 as Record<string, unknown>)[k] === 'object')
        .sort(),
    ).toEqual(['client', 'handler', 'types']);
    expect(types).toEqual({ Fields, Request, Response, RequestOptions });
  });

  it('fields: copy-all, get-and-delete, and the header errors', () => {
    const f = Fields.fromList([
      ['A', enc.encode('1')],
      ['b', enc.encode('2')],
      ['a', enc.encode('3')],
    ]);
    expect(f.copyAll().map(([n, v]) => `${n}=${dec.decode(v)}`)).toEqual(['A=1', 'b=2', 'a=3']);
    expect(f.getAndDelete('a').map((v) => dec.decode(v))).toEqual(['1', '3']);
    expect(f.copyAll().map(([n]) => n)).toEqual(['b']);
    expect(() => f.getAndDelete('bad name')).toThrow();
    const [req] = Request.new(f, undefined, none(), undefined);
    const frozen = req.getHeaders();
    let e: unknown;
    try {
      frozen.getAndDelete('b');
    } catch (x) {
      e = x;
    }
    expect(e).toEqual({ tag: 'immutable' });
  });

  it('request: defaults, validated setters, read-only options', () => {
    const opts = new RequestOptions();
    opts.setConnectTimeout(5_000_000n);
    const [req] = Request.new(new Fields(), undefined, none(), opts);
    expect(req.getMethod()).toEqual({ tag: 'get' });
    expect(req.getScheme()).toBeUndefined();
    expect(req.getAuthority()).toBeUndefined();
    expect(req.getPathWithQuery()).toBeUndefined();
    req.setMethod({ tag: 'other', val: 'PURGE' });
    expect(req.getMethod()).toEqual({ tag: 'other', val: 'PURGE' });
    expect(() => req.setMethod({ tag: 'other', val: 'bad method' })).toThrow();
    expect(() => req.setPathWithQuery('no-slash')).toThrow();
    expect(() => req.setAuthority('user@host')).toThrow();
    const held = req.getOptions()!;
    expect(held.getConnectTimeout()).toBe(5_000_000n);
    let e: unknown;
    try {
      held.setFirstByteTimeout(1n);
    } catch (x) {
      e = x;
    }
    expect(e).toEqual({ tag: 'immutable' });
    const copy = held.clone();
    copy.setFirstByteTimeout(1n);
    expect(copy.getFirstByteTimeout()).toBe(1n);
    expect(() => copy.setBetweenBytesTimeout(-1n)).toThrow(TypeError);
  });

  it('response: status rules, and consume-body passes the reader’s outcome to the writer', async () => {
    const [res, transmitted] = Response.new(new Fields(), guestStream(['a', 'b']), none());
    expect(res.getStatusCode()).toBe(200);
    res.setStatusCode(404);
    expect(() => res.setStatusCode(99)).toThrow();
    const [stream, trailers] = Response.consumeBody(res, Promise.resolve({ tag: 'err', val: { tag: 'HTTP-response-incomplete' } }));
    expect(() => Response.consumeBody(res, none())).toThrow(/already consumed/);
    const reader = stream.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('a');
    expect(await trailers).toEqual({ tag: 'ok', val: undefined });
    expect(await transmitted).toEqual({ tag: 'err', val: { tag: 'HTTP-response-incomplete' } });
  });

  it('wrong JS values are TypeErrors naming function, parameter and WIT type', async () => {
    expect(() => Request.new({} as InstanceType<typeof Fields>, undefined, none(), undefined)).toThrow(/request\.new: headers: expected a Fields/);
    expect(() => Request.new(new Fields(), 'body' as unknown as ReadableStream<Uint8Array>, none(), undefined)).toThrow(
      /request\.new: contents: expected a ReadableStream<Uint8Array> \(WIT stream<u8>\)/,
    );
    expect(() => Response.new(new Fields(), undefined, 5 as unknown as Promise<TrailersResult>)).toThrow(/response\.new: trailers: expected a thenable/);
    await expect(client.send({} as Request)).rejects.toThrow(/wasi:http\/client#send: request: expected a Request/);
  });
});

describe('wasi:http@0.3.0 client.send over fetch', () => {
  it('sends method, path and headers; the response has status, headers, body and no trailers', async () => {
    const { req, transmitted } = request('/echo?q=1', { headers: [['x-mine', 'v']] });
    const res = await client.send(req);
    expect(res.getStatusCode()).toBe(200);
    expect(dec.decode(res.getHeaders().get('x-reply')[0])).toBe('yes');
    const { text, trailers } = await readBody(res);
    const seen = JSON.parse(text);
    expect(seen).toMatchObject({ method: 'GET', path: '/echo?q=1', headers: { 'x-mine': 'v' } });
    expect(trailers).toEqual({ tag: 'ok', val: undefined });
    expect(await transmitted).toEqual({ tag: 'ok', val: undefined });
  });

  it('streams the request body: the server has the first bytes before the guest writes the last', async () => {
    const arrived = waitFor('upload-bytes');
    const contents = guestStream(['first;', async () => (await arrived, 'last;')]);
    const { req, transmitted } = request('/upload', { method: { tag: 'post' }, contents });
    const res = await client.send(req);
    expect(JSON.parse((await readBody(res)).text)).toEqual({ body: 'first;last;' });
    expect(await transmitted).toEqual({ tag: 'ok', val: undefined });
  });

  it('transmission settles when the upload ends, not when the server answers', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const contents = guestStream(['start;', async () => (await released, 'end;')]);
    const { req, transmitted } = request('/early', { method: { tag: 'post' }, contents });
    let settled = false;
    void transmitted.then(() => (settled = true));
    const res = await client.send(req);
    expect(res.getStatusCode()).toBe(200);
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    release();
    expect(await transmitted).toEqual({ tag: 'ok', val: undefined });
    expect((await readBody(res)).text).toBe('done');
  });

  it('collects the body where streaming uploads are off (a browser over HTTP/1.1)', async () => {
    configure({ streamRequestBodies: false });
    const { req } = request('/upload', { method: { tag: 'put' }, contents: guestStream(['a', 'b', 'c']) });
    expect(JSON.parse((await readBody(await client.send(req))).text)).toEqual({ body: 'abc' });
  });

  it('streams the response body: the guest reads the first chunk before the server sends the second', async () => {
    const open = gate('drip');
    const res = await client.send(request('/drip').req);
    const [stream, trailers] = Response.consumeBody(res, none());
    const reader = stream.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('first;');
    open();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += dec.decode(r.value);
    expect(rest).toBe('second;');
    expect(await trailers).toEqual({ tag: 'ok', val: undefined });
  });

  it('a refused connection rejects with connection-refused, fails transmission and drops the body', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const contents = guestStream(['x']);
    const [req, transmitted] = Request.new(new Fields(), contents, none(), undefined);
    req.setMethod({ tag: 'post' });
    req.setScheme({ tag: 'HTTP' });
    req.setAuthority(`127.0.0.1:${port}`);
    expect(await rejected(client.send(req))).toEqual({ tag: 'connection-refused' });
    expect(await transmitted).toEqual({ tag: 'err', val: { tag: 'connection-refused' } });
    expect(contents.cancelled).toBeDefined();
  });

  it('a request without an authority is HTTP-request-URI-invalid', async () => {
    const [req, transmitted] = Request.new(new Fields(), undefined, none(), undefined);
    expect(await rejected(client.send(req))).toEqual({ tag: 'HTTP-request-URI-invalid' });
    expect(await transmitted).toEqual({ tag: 'err', val: { tag: 'HTTP-request-URI-invalid' } });
  });

  it('the origin allow-list denies other origins before anything is sent, and drops the body', async () => {
    configure({ allowedOrigins: ['http://127.0.0.1:1'] });
    const contents = guestStream(['never sent']);
    const { req } = request('/echo', { method: { tag: 'post' }, contents });
    expect(await rejected(client.send(req))).toEqual({ tag: 'HTTP-request-denied' });
    expect(contents.cancelled).toBeDefined();
    configure({ allowedOrigins: [origin] });
    expect((await client.send(request('/echo').req)).getStatusCode()).toBe(200);
  });

  it('request trailers fetch cannot send fail the request', async () => {
    const trailers = Promise.resolve<TrailersResult>({ tag: 'ok', val: Fields.fromList([['x-sum', enc.encode('1')]]) });
    const { req, transmitted } = request('/upload', { method: { tag: 'post' }, contents: guestStream(['a']), trailers });
    expect(await rejected(client.send(req))).toEqual({ tag: 'internal-error', val: 'fetch cannot send request trailers' });
    expect(await transmitted).toMatchObject({ tag: 'err' });
  });

  it('first-byte timeout: no response headers in time is connection-read-timeout', async () => {
    const options = new RequestOptions();
    options.setFirstByteTimeout(50_000_000n);
    expect(await rejected(client.send(request('/slow', { options }).req))).toEqual({ tag: 'connection-read-timeout' });
  });

  it('between-bytes timeout: a stalled body ends where it stalled and the trailers say why', async () => {
    const options = new RequestOptions();
    options.setBetweenBytesTimeout(50_000_000n);
    const res = await client.send(request('/stall', { options }).req);
    const { text, trailers } = await readBody(res);
    expect(text).toBe('only;');
    expect(trailers).toEqual({ tag: 'err', val: { tag: 'connection-read-timeout' } });
  });

  it('an imported handler forwards to fetch', async () => {
    const res = await handler.handle(request('/echo').req);
    expect(JSON.parse((await readBody(res)).text).method).toBe('GET');
  });
});

/** A guest handler written against the shim's API: echoes the body upper-cased, chunk by chunk. */
async function upperHandler(req: Request): Promise<Response> {
  const [body, trailers] = Request.consumeBody(req, none());
  const reader = body.getReader();
  const out = new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const r = await reader.read();
        if (r.done) return c.close();
        c.enqueue(enc.encode(dec.decode(r.value).toUpperCase()));
      },
    },
    { highWaterMark: 0 },
  );
  const headers = Fields.fromList([
    ['content-type', enc.encode('text/plain')],
    ['x-path', enc.encode(req.getPathWithQuery() ?? '')],
    ['x-method', enc.encode(JSON.stringify(req.getMethod()))],
    ['x-authority', enc.encode(req.getAuthority() ?? '')],
  ]);
  const [res, transmitted] = Response.new(
    headers,
    out,
    trailers.then(() => ({ tag: 'ok', val: undefined }) as TrailersResult),
  );
  lastTransmission = transmitted;
  return res;
}
let lastTransmission: Promise<p3.TransmitResult> | undefined;

describe('wasi:http@0.3.0 toFetchHandler', () => {
  it('turns a web Request into the guest request and its response into a web Response, streaming both ways', async () => {
    const serve = toFetchHandler(upperHandler);
    let sendSecond!: () => void;
    const second = new Promise<void>((r) => (sendSecond = r));
    const body = guestStream(['hello ', async () => (await second, 'world')]);
    const res = await serve(new globalThis.Request('https://example.test:8443/api/x?y=1', { method: 'POST', body, duplex: 'half' } as RequestInit));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-path')).toBe('/api/x?y=1');
    expect(JSON.parse(res.headers.get('x-method')!)).toEqual({ tag: 'post' });
    expect(res.headers.get('x-authority')).toBe('example.test:8443');
    const reader = res.body!.getReader();
    // The first chunk is out before the client has sent the rest.
    expect(dec.decode((await reader.read()).value)).toBe('HELLO ');
    sendSecond();
    expect(dec.decode((await reader.read()).value)).toBe('WORLD');
    expect((await reader.read()).done).toBe(true);
    expect(await lastTransmission).toEqual({ tag: 'ok', val: undefined });
  });

  it('a client that stops reading tells the guest its body was not sent whole', async () => {
    const serve = toFetchHandler(upperHandler);
    const res = await serve(new globalThis.Request('http://x.test/', { method: 'POST', body: 'abc' }));
    await res.body!.cancel();
    expect(await lastTransmission).toEqual({ tag: 'err', val: { tag: 'connection-terminated' } });
  });

  it('the guest’s status, and no body where HTTP allows none', async () => {
    const serve = toFetchHandler(async (req) => {
      const [res] = Response.new(new Fields(), guestStream(['ignored']), none());
      res.setStatusCode(req.getPathWithQuery() === '/gone' ? 204 : 201);
      return res;
    });
    const created = await serve(new globalThis.Request('http://x.test/new'));
    expect(created.status).toBe(201);
    expect(await created.text()).toBe('ignored');
    const gone = await serve(new globalThis.Request('http://x.test/gone'));
    expect(gone.status).toBe(204);
    expect(gone.body).toBeNull();
    const head = await serve(new globalThis.Request('http://x.test/new', { method: 'HEAD' }));
    expect(head.body).toBeNull();
  });

  it('an error code from the guest is a 500 naming it; a trap rejects', async () => {
    const failing = toFetchHandler(() => Promise.reject({ tag: 'HTTP-request-denied' }));
    const res = await failing(new globalThis.Request('http://x.test/'));
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('wasi:http/handler#handle failed: HTTP-request-denied\n');
    // How weft's glue rejects an export's err today: a ComponentError whose payload is the value.
    const wrapped = toFetchHandler(() => Promise.reject(Object.assign(new Error('err'), { payload: { tag: 'HTTP-response-timeout' } })));
    expect(await (await wrapped(new globalThis.Request('http://x.test/'))).text()).toBe('wasi:http/handler#handle failed: HTTP-response-timeout\n');
    const trap = new WebAssembly.RuntimeError('unreachable');
    const trapping = toFetchHandler(() => Promise.reject(trap));
    await expect(trapping(new globalThis.Request('http://x.test/'))).rejects.toBe(trap);
    expect(() => toFetchHandler(5 as unknown as p3.GuestHandler)).toThrow(TypeError);
  });

  it('the guest can forward the request it was given to fetch (the middleware shape)', async () => {
    const serve = toFetchHandler(async (req) => {
      req.setScheme({ tag: 'HTTP' });
      req.setAuthority(authority);
      req.setPathWithQuery('/upload');
      return client.send(req);
    });
    const res = await serve(new globalThis.Request('http://front.test/', { method: 'POST', body: 'forwarded body' }));
    expect(await res.json()).toEqual({ body: 'forwarded body' });
  });
});
