/**
 * The HTTP server guests fetch from in e2e tests: node:http on 127.0.0.1, a free port,
 * started and stopped by the test. Every response allows any origin, so a page served
 * from another port may call it (its custom request header included).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request header the echo route reports back. */
export const ECHO_HEADER = 'x-weft-test';
export const HELLO_TEXT = 'hello from the weft test server\n';
export const BIG_SIZE = 1024 * 1024;
/** Chunk size /big writes: many chunks, so the guest's reader sees a stream, not one block. */
export const BIG_CHUNK = 16 * 1024;

/** Byte `i` of the /big body: not periodic at any power of two, so a misplaced chunk shows. */
export function bigByte(i: number): number {
  return (i * 131 + (i >>> 9) * 7 + (i >>> 17)) & 0xff;
}

export function bigChunk(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = bigByte(offset + k);
  return out;
}

/** FNV-1a, 32 bit: the checksum the guest computes over the bytes it reads. */
export function fnv1a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

/** What /echo answers, as JSON. */
export interface EchoReply {
  method: string;
  /** The value of the `x-weft-test` request header, or null without one. */
  tag: string | null;
  contentType: string | null;
  body: string;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests served, in order, as `METHOD /path`. */
  log: string[];
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE',
  'access-control-allow-headers': `content-type, ${ECHO_HEADER}`,
  'access-control-max-age': '600',
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function sendBig(res: ServerResponse): Promise<void> {
  // No content-length: the body goes out chunked, one write at a time, as it is produced.
  res.writeHead(200, { ...CORS, 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
  for (let at = 0; at < BIG_SIZE; at += BIG_CHUNK) {
    if (!res.write(bigChunk(at, Math.min(BIG_CHUNK, BIG_SIZE - at)))) await once(res, 'drain');
  }
  res.end();
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  if (path === '/hello' && req.method === 'GET') {
    res.writeHead(200, { ...CORS, 'content-type': 'text/plain; charset=utf-8' });
    res.end(HELLO_TEXT);
  } else if (path === '/echo') {
    const body = await readBody(req);
    const reply: EchoReply = {
      method: req.method ?? '',
      tag: (req.headers[ECHO_HEADER] as string | undefined) ?? null,
      contentType: req.headers['content-type'] ?? null,
      body: body.toString('utf8'),
    };
    res.writeHead(200, { ...CORS, 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  } else if (path === '/big' && req.method === 'GET') {
    await sendBig(res);
  } else {
    res.writeHead(404, { ...CORS, 'content-type': 'text/plain' });
    res.end(`no route for ${req.method} ${path}\n`);
  }
}

export async function startTestHttpServer(): Promise<TestHttpServer> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, CORS);
      res.end(String(err));
    });
  });
  // A guest rewritten by asyncify on a busy machine can pause longer than Node's 5 s
  // default between two requests; a POST on a connection the server has just closed
  // would fail, and must not be sent twice.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A 127.0.0.1 port nothing listens on: bound by the OS, then released. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}
