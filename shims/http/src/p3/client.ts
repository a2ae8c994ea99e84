/**
 * `wasi:http/client@0.3.0#send` over `fetch`: the guest's body stream becomes the upload
 * (streamed where `configure` allows, collected otherwise), the response body a stream
 * the guest pulls, and every failure the same error code the 0.2 client reports.
 */
import { IoError } from '@weft/wasi-io';
import { sourceStream } from '@weft/wasi-io/web-streams';
import { IncomingBodySource } from '../body.js';
import { httpConfig, isNode } from '../config.js';
import { fetchFailure, httpErrorCode, RequestFailure, type ErrorCode } from '../errors.js';
import { fetchResendingOnStaleConnection, fetchTarget, timeouts } from '../fetch-target.js';
import { Fields } from '../fields.js';
import { Request, Response, takeForSend, type Body, type TrailersResult } from './types.js';

const TRAILERS_UNSENDABLE = 'fetch cannot send request trailers';

/** The trailers a guest gives its body: none is all fetch can send. */
async function checkTrailers(body: Body): Promise<void> {
  const r = await body.trailers;
  if (r.tag === 'err') throw new RequestFailure(r.val, 'the request trailers failed');
  if (r.val !== undefined && r.val.entries().length > 0) {
    throw new RequestFailure({ tag: 'internal-error', val: TRAILERS_UNSENDABLE }, TRAILERS_UNSENDABLE);
  }
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    size += r.value.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The guest's contents as fetch's upload stream: when fetch has read it all, the trailers
 * are checked before the stream ends, and a failure there aborts the request with its
 * code (fetch would report an upload error only as its own generic one). The end of this
 * stream is the end of transmission, which a server may answer before or after.
 */
function uploadStream(reader: ReadableStreamDefaultReader<Uint8Array>, body: Body, abort: AbortController): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        try {
          await checkTrailers(body);
        } catch (failure) {
          abort.abort(failure);
          throw failure;
        }
        controller.close();
        body.report({ tag: 'ok', val: undefined });
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

async function send(request: Request): Promise<Response> {
  if (!(request instanceof Request)) throw new TypeError('wasi:http/client#send: request: expected a Request (WIT request)');
  const parts = takeForSend(request);
  const { body } = parts;
  // Whoever holds the guest's stream drops it on failure, so the guest's writes end.
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const fail = (failure: RequestFailure): never => {
    body.report({ tag: 'err', val: failure.code });
    (reader ?? body.contents)?.cancel(failure).catch(() => {});
    throw failure.code;
  };
  let target: ReturnType<typeof fetchTarget>;
  try {
    target = fetchTarget(parts);
  } catch (code) {
    return fail(new RequestFailure(code as ErrorCode, 'the request cannot be sent'));
  }
  const { url, method, headers } = target;
  const limits = timeouts(parts.options?.settings());
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // wasi:http hands the guest every response as it came, redirects included; a browser's
    // fetch only lets a page follow them, since a manual redirect there is an opaque status 0.
    let init: RequestInit & { duplex?: 'half' } = { method, headers, signal: abort.signal, redirect: isNode ? 'manual' : 'follow' };
    const hasBody = method !== 'GET' && method !== 'HEAD';
    if (body.contents && hasBody && httpConfig().streamRequestBodies) {
      reader = body.contents.getReader();
      init = { ...init, body: uploadStream(reader, body, abort), duplex: 'half' };
    } else {
      const bytes = body.contents ? await collect(body.contents) : new Uint8Array(0);
      await checkTrailers(body);
      if (bytes.length > 0 || hasBody) init.body = bytes as Uint8Array<ArrayBuffer>;
    }
    if (limits.headersMs !== undefined) {
      const code = limits.headersCode!;
      const ms = limits.headersMs;
      timer = setTimeout(() => abort.abort(new RequestFailure(code, `no response headers within ${ms} ms`)), ms);
    }
    const response = await fetchResendingOnStaleConnection(url, init);
    // A collected body went out with the request, which the response now answers.
    if (!reader) body.report({ tag: 'ok', val: undefined });
    const { stream, done } = sourceStream(new IncomingBodySource(response.body, abort, limits.betweenBytesMs), { closeOnCancel: true });
    // fetch exposes no response trailers: the future says none once the body has ended.
    const trailers = done.then((r): TrailersResult => {
      if (r.tag === 'ok') return { tag: 'ok', val: undefined };
      const code = r.val instanceof IoError ? httpErrorCode(r.val) : undefined;
      return { tag: 'err', val: code ?? { tag: 'internal-error', val: String(r.val) } };
    });
    return Response.received(response.status, Fields.fromHeaders(response.headers), stream, trailers);
  } catch (err) {
    return fail(abort.signal.reason instanceof RequestFailure ? abort.signal.reason : fetchFailure(err));
  } finally {
    clearTimeout(timer);
  }
}

export const client = { send };
