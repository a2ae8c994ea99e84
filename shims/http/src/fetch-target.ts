import { isConnectionReset, type ErrorCode } from './errors.js';
import { httpConfig } from './config.js';
import { toHeaderInit, type Fields } from './fields.js';
import type { Method, Scheme } from './checks.js';

export function fail(code: ErrorCode): never {
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

/** A request's three timeouts, in nanoseconds as `wasi:clocks` counts them; each is optional. */
export interface TimeoutSettings {
  connect: bigint | undefined;
  firstByte: bigint | undefined;
  betweenBytes: bigint | undefined;
}

/** Milliseconds for timers; a timer cannot wait longer than 2^31 - 1 ms. */
export function millis(d: bigint | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = (d + NS_PER_MS - 1n) / NS_PER_MS;
  return ms > 0x7fffffffn ? 0x7fffffff : Number(ms);
}

const NS_PER_MS = 1_000_000n;

export interface Limits {
  headersMs: number | undefined;
  headersCode: ErrorCode | undefined;
  betweenBytesMs: number | undefined;
}

export function timeouts(settings: TimeoutSettings | undefined): Limits {
  if (settings === undefined) return { headersMs: undefined, headersCode: undefined, betweenBytesMs: undefined };
  const connect = millis(settings.connect);
  const firstByte = millis(settings.firstByte);
  // fetch does not say when the connection is up, so both limits bound the wait for the
  // response headers: their sum when both are set, and the code names the later stage.
  const headersMs = connect === undefined && firstByte === undefined ? undefined : Math.min((connect ?? 0) + (firstByte ?? 0), 0x7fffffff);
  const headersCode: ErrorCode | undefined =
    headersMs === undefined ? undefined : firstByte !== undefined ? { tag: 'connection-read-timeout' } : { tag: 'connection-timeout' };
  return { headersMs, headersCode, betweenBytesMs: millis(settings.betweenBytes) };
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
export async function fetchResendingOnStaleConnection(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const replayable = init.body === undefined || init.body instanceof Uint8Array;
    if (!replayable || init.signal?.aborted || !IDEMPOTENT.has(String(init.method).toUpperCase()) || !isConnectionReset(err)) throw err;
    return fetch(url, init);
  }
}

/** What a guest's request names, whichever WASI version built it. */
export interface RequestTarget {
  method: Method;
  scheme: Scheme | undefined;
  authority: string | undefined;
  pathWithQuery: string | undefined;
  headers: Fields;
}

/**
 * The URL, method and headers `fetch` is to send, or a throw of the error code that stops
 * the request first: a URL fetch cannot take, an origin the allow-list leaves out, a method
 * fetch refuses, headers it will not send.
 */
export function fetchTarget(parts: RequestTarget): { url: URL; method: string; headers: Headers } {
  const scheme = schemeName(parts.scheme);
  if (scheme !== 'http' && scheme !== 'https') fail({ tag: 'HTTP-request-URI-invalid' });
  if (parts.authority === undefined || parts.authority === '') fail({ tag: 'HTTP-request-URI-invalid' });
  let url: URL;
  try {
    url = new URL(`${scheme}://${parts.authority}${parts.pathWithQuery ?? '/'}`);
  } catch {
    fail({ tag: 'HTTP-request-URI-invalid' });
  }
  const allowed = httpConfig().allowedOrigins;
  if (allowed && !allowed.has(url.origin)) fail({ tag: 'HTTP-request-denied' });
  const method = methodName(parts.method);
  if (FETCH_FORBIDDEN_METHODS.has(method.toUpperCase())) fail({ tag: 'HTTP-request-method-invalid' });
  let headers: Headers;
  try {
    headers = new Headers(toHeaderInit(parts.headers));
  } catch {
    fail({ tag: 'HTTP-request-header-section-size', val: undefined });
  }
  return { url, method, headers };
}
