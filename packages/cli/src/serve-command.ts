import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readFile } from 'node:fs/promises';
import { inspect, WeftError } from '@weft/transpiler';
import type { FetchHandler, IncomingHandler } from '@weft/wasi-http';
import { parseArgs, UsageError } from './args.js';
import { HOST_HELP, HOST_SPEC, loadComponent } from './component-host.js';

export const SERVE_HELP = `Usage: weft serve <component.wasm> [options]

Serves an HTTP handler component over HTTP in Node with weft's WASI shims: a
wasi:http/proxy component (exporting wasi:http/incoming-handler, WASI 0.2) or a
wasi:http/service one (exporting wasi:http/handler, WASI 0.3). Each request gets a fresh
instance unless --reuse is given. A request the component fails (a trap, no response)
gets a 500; the server keeps serving. Ctrl-C or SIGTERM stops it.

Options:
  --port <n>          port to listen on (default 8080; 0 picks a free one)
  --host <addr>       address to listen on (default 127.0.0.1)
  --reuse             serve every request from one instance (replaced after a trap);
                      requests then take turns in it
${HOST_HELP}`;

const SPEC = { ...HOST_SPEC, port: { type: 'string' }, host: { type: 'string' }, reuse: { type: 'bool' } } as const;

/** Headers about the client's connection to weft, which node:http has already acted on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings']);

function portOf(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`weft serve: --port expects a port number (0-65535), got '${value}'`);
  return port;
}

function webRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) headers.append(raw[i]!, raw[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // Joined as text: a path such as `//x` would otherwise be read as a protocol-relative URL.
  return new Request(`${origin}${req.url ?? '/'}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie);
  res.writeHead(response.status, headers);
  // Headers go out now, so a client sees a streamed response start before its first chunk.
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  // A client that goes away destroys `res`; the pipeline then cancels the body, and the
  // guest's next write fails instead of filling a buffer nobody reads.
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res);
}

function guestError(err: unknown): string {
  return err instanceof Error ? `${err.name === 'RuntimeError' ? 'trap: ' : ''}${err.message}` : String(err);
}

/** Serves until SIGINT or SIGTERM, then exits the process: the promise only ever rejects, on a startup error. */
export async function serveCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv, SPEC, 'weft serve');
  if (positional.length !== 1) throw new UsageError('weft serve: expected one component file');
  const file = positional[0]!;
  const port = portOf(flags.port as string | undefined);
  const host = (flags.host as string | undefined) ?? '127.0.0.1';
  // A WASI 0.3 handler is an async export the Preview 3 runtime drives (loadComponent picks
  // its mode). A 0.2 one blocks on request and response bodies, which arrive as promises: the
  // glue must be able to wait. JSPI where the engine has it; asyncify otherwise (Node before 24).
  const p3 = inspect(new Uint8Array(await readFile(file))).exports.some((e) => /^wasi:http\/handler@0\.3\./.test(e.name));
  const asyncMode = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function' ? 'jspi' : 'asyncify';
  const { instantiate } = await loadComponent(file, flags, 'weft serve', { args: [], stdin: '' }, p3 ? {} : { asyncMode });
  if (p3) return listen(await p3Handler(file, instantiate, !!flags.reuse), host, port, log);
  const { serveIncomingHandler } = await import('@weft/wasi-http');

  const fresh = async (): Promise<IncomingHandler> => {
    const handler = (await instantiate()).incomingHandler as IncomingHandler | undefined;
    if (typeof handler?.handle !== 'function') {
      throw new WeftError(`${file} is not an HTTP handler component: it does not export wasi:http/incoming-handler`);
    }
    return handler;
  };
  // Checked before listening, so a component of the wrong kind fails at once.
  const first = await fresh();

  let shared: Promise<IncomingHandler> | undefined = Promise.resolve(first);
  /** One instance for every request; a trap poisons it, so the next request gets a new one. */
  const reused = async (): Promise<IncomingHandler> => {
    const current = (shared ??= fresh());
    const handler = await current;
    return {
      handle: async (request, responseOut) => {
        try {
          return await handler.handle(request, responseOut);
        } catch (err) {
          if (err instanceof WebAssembly.RuntimeError && shared === current) shared = undefined;
          throw err;
        }
      },
    };
  };
  const handle: FetchHandler = serveIncomingHandler(flags.reuse ? reused : fresh, {
    onGuestError: (err) => console.error(`weft serve: ${guestError(err)}`),
  });
  return listen(handle, host, port, log);
}

type P3Handler = { handle(request: unknown): Promise<unknown> };

/**
 * A WASI 0.3 `handler` export as a fetch handler: a fresh instance per request, or one
 * instance (replaced after a trap) with --reuse, in which requests run as concurrent tasks.
 */
async function p3Handler(file: string, instantiate: () => Promise<Record<string, unknown>>, reuse: boolean): Promise<FetchHandler> {
  const { toFetchHandler } = await import('@weft/wasi-http/p3');
  const fresh = async (): Promise<FetchHandler> => {
    const handler = (await instantiate()).handler as P3Handler | undefined;
    if (typeof handler?.handle !== 'function') throw new WeftError(`${file} is not an HTTP handler component: it does not export wasi:http/handler`);
    return toFetchHandler(handler.handle as Parameters<typeof toFetchHandler>[0]);
  };
  // Checked before listening, so a component of the wrong kind fails at once.
  let shared: Promise<FetchHandler> | undefined = Promise.resolve(await fresh());
  if (!reuse) return async (request) => (await fresh())(request);
  return async (request) => {
    const current = (shared ??= fresh());
    try {
      return await (await current)(request);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError && shared === current) shared = undefined;
      throw err;
    }
  };
}

async function listen(handle: FetchHandler, host: string, port: number, log: (s: string) => void): Promise<number> {
  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const origin = `http://${req.headers.host ?? `${host}:${port}`}`;
    void (async () => {
      try {
        await sendResponse(await handle(webRequest(req, origin, abort.signal)), res);
      } catch (err) {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`weft serve: ${guestError(err)}\n`);
        } else res.destroy();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  log(`weft serve: listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}/`);

  return new Promise<number>(() => {
    let stopping = false;
    const stop = () => {
      // A second Ctrl-C cuts off the responses still streaming.
      if (stopping) return server.closeAllConnections();
      stopping = true;
      // In-flight responses finish; idle keep-alive connections close now. Then the process
      // exits at once: a guest still running after its client left (a stream it keeps
      // writing, timers it set) has nobody to answer, and would otherwise hold the process.
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
