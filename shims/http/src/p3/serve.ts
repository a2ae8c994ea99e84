/**
 * The server side of `wasi:http@0.3.0`: a guest's exported `handler.handle` as a web
 * fetch handler, `(Request) => Promise<Response>`, which a Service Worker's `fetch`
 * event, a Node server or any fetch-style router can call. Bodies stream both ways.
 */
import type { Method, Scheme } from '../checks.js';
import type { ErrorCode } from '../errors.js';
import { Fields, toHeaderInit } from '../fields.js';
import { Request, Response, type TrailersResult, type TransmitResult } from './types.js';

/** The guest's `wasi:http/handler#handle`, as the glue exports it. */
export type GuestHandler = (request: Request) => Response | PromiseLike<Response>;

const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

function method(name: string): Method {
  const lower = name.toLowerCase();
  return METHODS.has(lower) && name === name.toUpperCase() ? ({ tag: lower } as Method) : { tag: 'other', val: name };
}

function scheme(protocol: string): Scheme {
  if (protocol === 'http:') return { tag: 'HTTP' };
  if (protocol === 'https:') return { tag: 'HTTPS' };
  return { tag: 'other', val: protocol.slice(0, -1) };
}

/** Statuses whose response has no body, which the web Response constructor enforces. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The incoming body for the guest: the web request's bytes, with the trailers future
 * settling when they end (web requests carry no trailers) or failing when the client
 * stops sending.
 */
function incomingBody(body: ReadableStream<Uint8Array> | null): [ReadableStream<Uint8Array> | undefined, Promise<TrailersResult>] {
  if (!body) return [undefined, Promise.resolve({ tag: 'ok', val: undefined })];
  let settle!: (r: TrailersResult) => void;
  const trailers = new Promise<TrailersResult>((resolve) => (settle = resolve));
  const reader = body.getReader();
  const contents = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            settle({ tag: 'ok', val: undefined });
          } else controller.enqueue(value);
        } catch {
          // The client stopped sending: the guest sees the body end, and the trailers say why.
          controller.close();
          settle({ tag: 'err', val: { tag: 'connection-terminated' } });
        }
      },
      cancel(reason) {
        settle({ tag: 'ok', val: undefined });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return [contents, trailers];
}

/**
 * The guest's response body for the web: it ends when the guest's stream ends and the
 * trailers settle ok (fetch sends none); trailers that fail abort it. The guest learns
 * through `report` whether the body went out whole.
 */
function outgoingBody(
  contents: ReadableStream<Uint8Array>,
  trailers: Promise<TrailersResult>,
  report: (r: TransmitResult) => void,
): ReadableStream<Uint8Array> {
  const reader = contents.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        const t = await trailers;
        if (t.tag === 'err') {
          report({ tag: 'err', val: t.val });
          controller.error(new Error(`the response trailers failed: ${t.val.tag}`));
          return;
        }
        controller.close();
        report({ tag: 'ok', val: undefined });
      },
      cancel(reason) {
        report({ tag: 'err', val: { tag: 'connection-terminated' } });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function isErrorCode(e: unknown): e is ErrorCode {
  return typeof e === 'object' && e !== null && typeof (e as { tag?: unknown }).tag === 'string' && !(e instanceof Error);
}

/** The error code a guest's `handle` failed with: thrown as is, or as the payload of the glue's ComponentError. */
function errorCodeOf(e: unknown): ErrorCode | undefined {
  if (isErrorCode(e)) return e;
  const payload = e instanceof Error ? (e as { payload?: unknown }).payload : undefined;
  return isErrorCode(payload) ? payload : undefined;
}

/**
 * Wrap the guest's `handle` as a fetch handler. The guest's error code becomes a 500
 * response naming it; anything else it throws (a trap) rejects, for the server to handle.
 */
export function toFetchHandler(handle: GuestHandler): (request: globalThis.Request) => Promise<globalThis.Response> {
  if (typeof handle !== 'function') throw new TypeError('toFetchHandler: handle: expected the guest export wasi:http/handler#handle (a function)');
  return async (req) => {
    const url = new URL(req.url);
    const [contents, trailers] = incomingBody(req.body);
    const [request] = Request.new(Fields.fromHeaders(req.headers), contents, trailers, undefined);
    request.setMethod(method(req.method));
    request.setScheme(scheme(url.protocol));
    request.setAuthority(url.host);
    request.setPathWithQuery(url.pathname + url.search);
    let response: Response;
    try {
      response = await handle(request);
    } catch (e) {
      const code = errorCodeOf(e);
      if (!code) throw e;
      return new globalThis.Response(`wasi:http/handler#handle failed: ${code.tag}\n`, { status: 500, headers: { 'content-type': 'text/plain' } });
    }
    if (!(response instanceof Response)) throw new TypeError('toFetchHandler: handle returned something that is not a wasi:http response');
    let report!: (r: TransmitResult) => void;
    const [body, responseTrailers] = Response.consumeBody(response, new Promise<TransmitResult>((resolve) => (report = resolve)));
    const status = response.getStatusCode();
    const headers = new Headers(toHeaderInit(response.getHeaders()));
    if (NULL_BODY.has(status) || req.method === 'HEAD') {
      await body.cancel();
      report({ tag: 'ok', val: undefined });
      return new globalThis.Response(null, { status, headers });
    }
    return new globalThis.Response(outgoingBody(body, responseTrailers, report), { status, headers });
  };
}
