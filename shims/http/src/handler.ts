import { fetchFailure, RequestFailure } from './errors.js';
import { httpConfig, isNode } from './config.js';
import { fetchResendingOnStaleConnection, fetchTarget, timeouts } from './fetch-target.js';
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions, takeRequest } from './types.js';

/** `wasi:http/outgoing-handler#handle`: starts `fetch` and returns at once. */
function handle(request: OutgoingRequest, options?: RequestOptions): FutureIncomingResponse {
  if (!(request instanceof OutgoingRequest)) throw new TypeError('wasi:http/outgoing-handler#handle: request must be an outgoing-request');
  if (options !== undefined && !(options instanceof RequestOptions)) {
    throw new TypeError('wasi:http/outgoing-handler#handle: options must be a request-options resource');
  }
  const limits = timeouts(options && { connect: options.connectTimeout(), firstByte: options.firstByteTimeout(), betweenBytes: options.betweenBytesTimeout() });
  const parts = takeRequest(request);
  const { url, method, headers } = fetchTarget(parts);

  const abort = new AbortController();
  // wasi:http hands the guest every response as it came, redirects included; a browser's
  // fetch only lets a page follow them, since a manual redirect there is an opaque status 0.
  const stream = httpConfig().streamRequestBodies && method !== 'GET' && method !== 'HEAD';
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
