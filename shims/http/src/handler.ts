import { fetchFailure, isConnectionReset, RequestFailure, type ErrorCode } from './errors.js';
import { toHeaderInit } from './fields.js';
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions, takeRequest, type Method, type Scheme } from './types.js';

/** What `configure` accepts; every field is optional and replaces only itself. */
export interface HttpConfig {
  /**
   * Origins (`https://api.example.com`, `http://127.0.0.1:8080`) the guest may reach;
   * `null` (the default) allows any origin the platform's fetch allows.
   */
  allowedOrigins?: readonly string[] | null;
  /**
   * Stream request bodies to `fetch` as the guest writes them. Default: on in Node; off
   * in browsers, whose fetch streams uploads only over HTTP/2, so there bodies are sent
   * when the guest finishes them.
   */
  streamRequestBodies?: boolean;
}

interface State {
  allowedOrigins: Set<string> | null;
  streamRequestBodies: boolean;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function defaults(): State {
  return { allowedOrigins: null, streamRequestBodies: isNode };
}

let state: State = defaults();

export function configure(config: HttpConfig): void {
  if (!config || typeof config !== 'object') throw new TypeError('configure: expected an options object');
  const next = { ...state };
  if (config.allowedOrigins !== undefined) {
    if (config.allowedOrigins === null) next.allowedOrigins = null;
    else {
      if (!Array.isArray(config.allowedOrigins)) throw new TypeError('configure: allowedOrigins must be an array of origins or null');
      next.allowedOrigins = new Set(
        config.allowedOrigins.map((o, i) => {
          let url: URL;
          try {
            url = new URL(String(o));
          } catch {
            throw new TypeError(`configure: allowedOrigins[${i}] ${JSON.stringify(o)} is not a URL`);
          }
          if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw new TypeError(`configure: allowedOrigins[${i}] ${JSON.stringify(o)} is not an http(s) origin`);
          }
          return url.origin;
        }),
      );
    }
  }
  if (config.streamRequestBodies !== undefined) {
    if (typeof config.streamRequestBodies !== 'boolean') throw new TypeError('configure: streamRequestBodies must be a boolean');
    next.streamRequestBodies = config.streamRequestBodies;
  }
  state = next;
}

/** Back to the defaults: every origin allowed, streamed uploads only in Node. */
export function resetConfig(): void {
  state = defaults();
}

function fail(code: ErrorCode): never {
  throw code;
}

function methodName(m: Method): string {
  return m.tag === 'other' ? m.val : m.tag.toUpperCase();
}

/** fetch refuses these methods outright. */
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function schemeName(s: Scheme | undefined): string {
  if (s === undefined || s.tag === 'HTTPS') return 'https';
  if (s.tag === 'other') return s.val.toLowerCase();
  return 'http';
}

function timeouts(options: RequestOptions | undefined) {
  if (options === undefined) return { headersMs: undefined, headersCode: undefined, betweenBytesMs: undefined };
  if (!(options instanceof RequestOptions)) throw new TypeError('wasi:http/outgoing-handler#handle: options must be a request-options resource');
  const connect = RequestOptions.millis(options.connectTimeout());
  const firstByte = RequestOptions.millis(options.firstByteTimeout());
  // fetch does not say when the connection is up, so both limits bound the wait for the
  // response headers: their sum when both are set, and the code names the later stage.
  const headersMs = connect === undefined && firstByte === undefined ? undefined : Math.min((connect ?? 0) + (firstByte ?? 0), 0x7fffffff);
  const headersCode: ErrorCode | undefined =
    headersMs === undefined ? undefined : firstByte !== undefined ? { tag: 'connection-read-timeout' } : { tag: 'connection-timeout' };
  return { headersMs, headersCode, betweenBytesMs: RequestOptions.millis(options.betweenBytesTimeout()) };
}

/** RFC 9110 §9.2.2: requests a client may send again without changing their effect. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * A server may close an idle keep-alive connection just as the next request goes out on
 * it: that request fails with a reset before any response. Browsers send it again on a
 * new connection; Node's fetch does not, and a guest that pauses between requests longer
 * than the server's idle limit (Node's is 5 s) would see every such request fail. So an
 * idempotent request whose body can be replayed is sent once more.
 */
async function fetchResendingOnStaleConnection(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const replayable = init.body === undefined || init.body instanceof Uint8Array;
    if (!replayable || init.signal?.aborted || !IDEMPOTENT.has(String(init.method).toUpperCase()) || !isConnectionReset(err)) throw err;
    return fetch(url, init);
  }
}

/** `wasi:http/outgoing-handler#handle`: starts `fetch` and returns at once. */
function handle(request: OutgoingRequest, options?: RequestOptions): FutureIncomingResponse {
  if (!(request instanceof OutgoingRequest)) throw new TypeError('wasi:http/outgoing-handler#handle: request must be an outgoing-request');
  const limits = timeouts(options);
  const parts = takeRequest(request);
  const scheme = schemeName(parts.scheme);
  if (scheme !== 'http' && scheme !== 'https') fail({ tag: 'HTTP-request-URI-invalid' });
  if (parts.authority === undefined || parts.authority === '') fail({ tag: 'HTTP-request-URI-invalid' });
  let url: URL;
  try {
    url = new URL(`${scheme}://${parts.authority}${parts.pathWithQuery ?? '/'}`);
  } catch {
    fail({ tag: 'HTTP-request-URI-invalid' });
  }
  if (state.allowedOrigins && !state.allowedOrigins.has(url.origin)) fail({ tag: 'HTTP-request-denied' });
  const method = methodName(parts.method);
  if (FETCH_FORBIDDEN_METHODS.has(method.toUpperCase())) fail({ tag: 'HTTP-request-method-invalid' });
  let headers: Headers;
  try {
    headers = new Headers(toHeaderInit(parts.headers));
  } catch {
    fail({ tag: 'HTTP-request-header-section-size', val: undefined });
  }

  const abort = new AbortController();
  // wasi:http hands the guest every response as it came, redirects included; a browser's
  // fetch only lets a page follow them, since a manual redirect there is an opaque status 0.
  const stream = state.streamRequestBodies && method !== 'GET' && method !== 'HEAD';
  const pipe = parts.body;
  const body = pipe && stream ? pipe.stream() : undefined;

  const run = async (): Promise<IncomingResponse | RequestFailure> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      let init: RequestInit & { duplex?: 'half' } = { method, headers, signal: abort.signal, redirect: isNode ? 'manual' : 'follow' };
      if (body) init = { ...init, body, duplex: 'half' };
      else if (pipe) {
        const bytes = await pipe.collect();
        if (bytes.length > 0 || (method !== 'GET' && method !== 'HEAD')) init.body = bytes as Uint8Array<ArrayBuffer>;
      }
      if (limits.headersMs !== undefined) {
        const code = limits.headersCode!;
        const ms = limits.headersMs;
        timer = setTimeout(() => abort.abort(new RequestFailure(code, `no response headers within ${ms} ms`)), ms);
      }
      const response = await fetchResendingOnStaleConnection(url, init);
      return new IncomingResponse(response, abort, limits.betweenBytesMs);
    } catch (err) {
      const failure = abort.signal.reason instanceof RequestFailure ? abort.signal.reason : fetchFailure(err);
      pipe?.fail(failure, true);
      return failure;
    } finally {
      clearTimeout(timer);
    }
  };
  return new FutureIncomingResponse(run(), abort);
}

export const outgoingHandler = { handle };
