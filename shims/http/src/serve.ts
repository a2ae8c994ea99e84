import { type BodyPipe, IncomingBodySource } from './body.js';
import { RequestFailure, type ErrorCode } from './errors.js';
import { Fields, toHeaderInit } from './fields.js';
import { IncomingRequest, ResponseOutparam, takeResponse, type Method, type OutparamResult, type Scheme } from './types.js';

/** The `wasi:http/incoming-handler` export of transpiled glue (a promise in the async modes). */
export interface IncomingHandler {
  handle(request: IncomingRequest, responseOut: ResponseOutparam): unknown;
}

export interface ServeOptions {
  /**
   * Told of every guest failure: a trap, a handler that returned without answering, an
   * `err` answer, or a body the guest left unfinished. A server that reuses one instance
   * replaces it here, since a trapped instance refuses further calls.
   */
  onGuestError?: (error: unknown) => void;
}

/** A fetch-style handler: what a Service Worker's `respondWith`, Deno and Bun servers take. */
export type FetchHandler = (request: Request) => Promise<Response>;

const METHOD_TAGS: Record<string, Exclude<Method['tag'], 'other'>> = {
  GET: 'get',
  HEAD: 'head',
  POST: 'post',
  PUT: 'put',
  DELETE: 'delete',
  CONNECT: 'connect',
  OPTIONS: 'options',
  TRACE: 'trace',
  PATCH: 'patch',
};

function methodOf(name: string): Method {
  const tag = METHOD_TAGS[name];
  return tag === undefined ? { tag: 'other', val: name } : ({ tag } as Method);
}

function schemeOf(protocol: string): Scheme {
  if (protocol === 'http:') return { tag: 'HTTP' };
  if (protocol === 'https:') return { tag: 'HTTPS' };
  return { tag: 'other', val: protocol.slice(0, -1) };
}

function incomingRequest(request: Request): IncomingRequest {
  const url = new URL(request.url);
  return new IncomingRequest({
    method: methodOf(request.method),
    scheme: schemeOf(url.protocol),
    authority: url.host,
    pathWithQuery: url.pathname + url.search,
    headers: Fields.fromHeaders(request.headers),
    // A served request's body has no between-bytes limit, so nothing to abort on one.
    body: new IncomingBodySource(request.body, undefined, undefined),
  });
}

/** Statuses whose responses have no body, which the `Response` constructor enforces. */
const NULL_BODY_STATUS = new Set([204, 205, 304]);

function failure(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function errorText(code: ErrorCode): string {
  const val = (code as { val?: unknown }).val;
  return val === undefined
    ? code.tag
    : `${code.tag}: ${typeof val === 'string' ? val : JSON.stringify(val, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The web `Response` for what the guest set; `pipe` is its body, still being written. */
function webResponse(result: OutparamResult, onGuestError: (error: unknown) => void): { response: Response; pipe: BodyPipe | undefined } {
  if (result.tag === 'err') {
    const text = `the component answered with an error: ${errorText(result.val)}`;
    onGuestError(new Error(text));
    return { response: failure(500, text), pipe: undefined };
  }
  const { status, headers, body } = takeResponse(result.val);
  if (status < 200 || status > 599) {
    const text = `the component answered with status ${status}, which a web Response cannot carry`;
    onGuestError(new Error(text));
    body?.fail(new RequestFailure({ tag: 'internal-error', val: text }, text));
    return { response: failure(500, text), pipe: undefined };
  }
  const stream = body && !NULL_BODY_STATUS.has(status) ? body.stream() : null;
  // A body on a null-body status has nowhere to go: it is discarded as it is written.
  if (body && !stream)
    void body
      .stream()
      .pipeTo(new WritableStream())
      .catch(() => {});
  return { response: new Response(stream, { status, headers: toHeaderInit(headers) }), pipe: body };
}

/**
 * Serve a `wasi:http/incoming-handler` export as a fetch-style handler: each web `Request`
 * becomes an `incoming-request` (body streamed in as the guest reads it), and the
 * `outgoing-response` the guest sets becomes a `Response` whose body streams out as the
 * guest writes it. A guest that traps or returns without answering gives a 500.
 *
 * `handler` is the export, or a function that supplies one per request (a fresh
 * instance each time, or a reused one).
 */
export function serveIncomingHandler(handler: IncomingHandler | (() => IncomingHandler | Promise<IncomingHandler>), options: ServeOptions = {}): FetchHandler {
  const onGuestError = options.onGuestError ?? (() => {});
  return async (request) => {
    let answer!: (r: Response) => void;
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    let pipe: BodyPipe | undefined;
    const outparam = new ResponseOutparam((result) => {
      const web = webResponse(result, onGuestError);
      pipe = web.pipe;
      answer(web.response);
    });
    const incoming = incomingRequest(request);
    const call = (async () => {
      const target = typeof handler === 'function' ? await handler() : handler;
      await target.handle(incoming, outparam);
    })();
    call.then(
      () => {
        if (!outparam.answered) {
          const text = 'the component returned without setting a response';
          onGuestError(new Error(text));
          answer(failure(500, text));
        } else if (pipe && !pipe.finished) {
          // In wasi:http 0.2 the handler's return ends its part: a body it neither finished
          // nor dropped can never end, so the client sees it cut off instead of waiting.
          const text = 'the component returned without finishing the response body';
          onGuestError(new Error(text));
          pipe.fail(new RequestFailure({ tag: 'HTTP-response-incomplete' }, text));
        }
      },
      (err: unknown) => {
        onGuestError(err);
        if (!outparam.answered) answer(failure(500, `the component failed: ${errorMessage(err)}`));
        else if (pipe && !pipe.finished) pipe.fail(new RequestFailure({ tag: 'internal-error', val: errorMessage(err) }, errorMessage(err)));
      },
    );
    return answered;
  };
}
