import { InputStream, OutputStream, Pollable, readyPollable } from '@weft/wasi-io';
import { BodyPipe, IncomingBodySource } from './body.js';
import { httpErrorCode, RequestFailure, type ErrorCode } from './errors.js';
import { Fields } from './fields.js';
import { AUTHORITY, checkDuration, errUnit, PATH, validMethod, validScheme, type Method, type Scheme } from './checks.js';

export type { Method, Scheme } from './checks.js';

export interface RequestParts {
  method: Method;
  scheme: Scheme | undefined;
  authority: string | undefined;
  pathWithQuery: string | undefined;
  headers: Fields;
  body: BodyPipe | undefined;
}

let takeRequest: (r: OutgoingRequest) => RequestParts;

/** `wasi:http/types#outgoing-request`. */
export class OutgoingRequest {
  #method: Method = { tag: 'get' };
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #pathWithQuery: string | undefined;
  readonly #headers: Fields;
  #body: BodyPipe | undefined;
  #bodyTaken = false;
  #sent = false;

  static {
    takeRequest = (r) => {
      if (r.#sent) throw new Error('wasi:http/outgoing-handler#handle: this outgoing-request was already sent');
      r.#sent = true;
      return {
        method: r.#method,
        scheme: r.#scheme,
        authority: r.#authority,
        pathWithQuery: r.#pathWithQuery,
        headers: r.#headers,
        body: r.#body,
      };
    };
  }

  constructor(headers: Fields) {
    if (!(headers instanceof Fields)) throw new TypeError('outgoing-request: headers must be a fields resource');
    this.#headers = Fields.frozenCopy(headers);
  }

  body(): OutgoingBody {
    if (this.#bodyTaken) errUnit();
    this.#bodyTaken = true;
    this.#body = new BodyPipe();
    return new OutgoingBody(this.#body, 'request');
  }

  method(): Method {
    return this.#method;
  }

  setMethod(method: Method): void {
    if (!validMethod(method)) errUnit();
    this.#method = method.tag === 'other' ? { tag: 'other', val: method.val } : { tag: method.tag };
  }

  pathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }

  setPathWithQuery(pathWithQuery: string | undefined): void {
    if (pathWithQuery !== undefined && (typeof pathWithQuery !== 'string' || !PATH.test(pathWithQuery))) errUnit();
    this.#pathWithQuery = pathWithQuery;
  }

  scheme(): Scheme | undefined {
    return this.#scheme;
  }

  setScheme(scheme: Scheme | undefined): void {
    if (scheme !== undefined && !validScheme(scheme)) errUnit();
    this.#scheme = scheme;
  }

  authority(): string | undefined {
    return this.#authority;
  }

  setAuthority(authority: string | undefined): void {
    if (authority !== undefined && (typeof authority !== 'string' || !AUTHORITY.test(authority))) errUnit();
    this.#authority = authority;
  }

  /** Immutable: the request owns its headers once built. */
  headers(): Fields {
    return Fields.frozenCopy(this.#headers);
  }
}

export { takeRequest };

/** `wasi:http/types#outgoing-body`. */
export class OutgoingBody {
  readonly #pipe: BodyPipe;
  readonly #of: 'request' | 'response';
  #streamTaken = false;
  #finished = false;

  constructor(pipe: BodyPipe, of: 'request' | 'response') {
    this.#pipe = pipe;
    this.#of = of;
  }

  write(): OutputStream {
    if (this.#streamTaken) errUnit();
    this.#streamTaken = true;
    return new OutputStream(this.#pipe.sink(), 'outgoing-body');
  }

  static finish(body: OutgoingBody, trailers: Fields | undefined): void {
    if (!(body instanceof OutgoingBody)) throw new TypeError('outgoing-body.finish: this must be an outgoing-body');
    if (body.#finished) throw new Error('outgoing-body.finish: the body was already finished');
    body.#finished = true;
    // A web Response carries no trailers (fetch exposes none, and a Service Worker cannot
    // send them), so a served response's trailers are dropped rather than failing a body
    // whose bytes have all been delivered.
    if (trailers !== undefined && trailers.entries().length > 0 && body.#of === 'request') {
      const failure = new RequestFailure({ tag: 'internal-error', val: 'fetch cannot send request trailers' }, 'fetch cannot send request trailers');
      body.#pipe.fail(failure);
      throw failure.code;
    }
    body.#pipe.finish();
  }

  /** Dropping a body without `finish` abandons the request, as the spec says. */
  [Symbol.dispose](): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#pipe.fail(new RequestFailure({ tag: 'internal-error', val: 'outgoing-body dropped before finish' }, 'outgoing-body dropped before finish'));
  }
}

/** `wasi:http/types#request-options`: durations in nanoseconds, as `wasi:clocks` counts them. */
export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;

  connectTimeout(): bigint | undefined {
    return this.#connect;
  }
  setConnectTimeout(duration: bigint | undefined): void {
    checkDuration(duration);
    this.#connect = duration;
  }
  firstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }
  setFirstByteTimeout(duration: bigint | undefined): void {
    checkDuration(duration);
    this.#firstByte = duration;
  }
  betweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(duration: bigint | undefined): void {
    checkDuration(duration);
    this.#betweenBytes = duration;
  }
}

/** `wasi:http/types#incoming-response`. */
export class IncomingResponse {
  readonly #status: number;
  readonly #headers: Fields;
  readonly #body: IncomingBodySource;
  #consumed = false;

  constructor(response: Response, abort: AbortController, betweenBytesMs: number | undefined) {
    this.#status = response.status;
    this.#headers = Fields.fromHeaders(response.headers);
    this.#body = new IncomingBodySource(response.body, abort, betweenBytesMs);
  }

  status(): number {
    return this.#status;
  }

  headers(): Fields {
    return Fields.frozenCopy(this.#headers);
  }

  consume(): IncomingBody {
    if (this.#consumed) errUnit();
    this.#consumed = true;
    return new IncomingBody(this.#body);
  }

  /** Dropped unread: stop the download. */
  [Symbol.dispose](): void {
    if (!this.#consumed) this.#body.close();
  }
}

/** `wasi:http/types#incoming-body`. */
export class IncomingBody {
  readonly #source: IncomingBodySource;
  #streamTaken = false;
  #finished = false;

  constructor(source: IncomingBodySource) {
    this.#source = source;
  }

  stream(): InputStream {
    if (this.#streamTaken) errUnit();
    this.#streamTaken = true;
    const source = this.#source;
    return new InputStream(
      {
        read: (n) => source.read(n),
        ready: () => source.ready(),
        block: () => source.block(),
        // Dropping the stream is how a guest hands the body back for `finish`; the download continues.
        close: () => {},
      },
      'incoming-body',
    );
  }

  /** `fetch` exposes no response trailers, so the future reports none once the body has ended. */
  static finish(body: IncomingBody): FutureTrailers {
    if (!(body instanceof IncomingBody)) throw new TypeError('incoming-body.finish: this must be an incoming-body');
    body.#finished = true;
    const state = body.#source.state;
    if (state === 'reading') body.#source.close();
    return new FutureTrailers(state instanceof RequestFailure ? { tag: 'err', val: state.code } : { tag: 'ok', val: undefined });
  }

  [Symbol.dispose](): void {
    if (!this.#finished) this.#source.close();
  }
}

type TrailersResult = { tag: 'ok'; val: Fields | undefined } | { tag: 'err'; val: ErrorCode };

/** `wasi:http/types#future-trailers`. */
export class FutureTrailers {
  #result: TrailersResult | undefined;

  constructor(result: TrailersResult) {
    this.#result = result;
  }

  subscribe(): Pollable {
    return readyPollable();
  }

  get(): { tag: 'ok'; val: TrailersResult } | { tag: 'err'; val: undefined } {
    const r = this.#result;
    if (!r) return { tag: 'err', val: undefined };
    this.#result = undefined;
    return { tag: 'ok', val: r };
  }
}

type ResponseResult = { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode };

/** `wasi:http/types#future-incoming-response`: settles when `fetch` has the response headers. */
export class FutureIncomingResponse {
  #state: { kind: 'pending' } | { kind: 'done'; result: ResponseResult } | { kind: 'taken' } = { kind: 'pending' };
  readonly #settled: Promise<void>;
  readonly #abort: AbortController;

  constructor(response: Promise<IncomingResponse | RequestFailure>, abort: AbortController) {
    this.#abort = abort;
    this.#settled = response.then((r) => {
      if (this.#state.kind !== 'pending') return;
      this.#state = {
        kind: 'done',
        result: r instanceof RequestFailure ? { tag: 'err', val: r.code } : { tag: 'ok', val: r },
      };
    });
  }

  subscribe(): Pollable {
    return new Pollable({
      ready: () => this.#state.kind !== 'pending',
      block: () => (this.#state.kind === 'pending' ? this.#settled : undefined),
      label: 'future-incoming-response',
    });
  }

  get(): { tag: 'ok'; val: ResponseResult } | { tag: 'err'; val: undefined } | undefined {
    const s = this.#state;
    if (s.kind === 'pending') return undefined;
    if (s.kind === 'taken') return { tag: 'err', val: undefined };
    this.#state = { kind: 'taken' };
    return { tag: 'ok', val: s.result };
  }

  /** A guest that drops the future no longer wants the response: stop the request. */
  [Symbol.dispose](): void {
    const s = this.#state;
    if (s.kind === 'pending') this.#abort.abort(new RequestFailure({ tag: 'internal-error', val: 'request abandoned' }, 'request abandoned'));
    else if (s.kind === 'done' && s.result.tag === 'ok') s.result.val[Symbol.dispose]();
    this.#state = { kind: 'taken' };
  }
}

/** A served request's parts, as the handler adapter builds them from a web `Request`. */
export interface IncomingRequestParts {
  method: Method;
  scheme: Scheme | undefined;
  authority: string | undefined;
  pathWithQuery: string | undefined;
  headers: Fields;
  body: IncomingBodySource;
}

/** `wasi:http/types#incoming-request`: the request an incoming handler is called with. */
export class IncomingRequest {
  readonly #parts: IncomingRequestParts;
  #consumed = false;

  constructor(parts: IncomingRequestParts) {
    this.#parts = { ...parts, headers: Fields.frozenCopy(parts.headers) };
  }

  method(): Method {
    return this.#parts.method;
  }
  pathWithQuery(): string | undefined {
    return this.#parts.pathWithQuery;
  }
  scheme(): Scheme | undefined {
    return this.#parts.scheme;
  }
  authority(): string | undefined {
    return this.#parts.authority;
  }
  headers(): Fields {
    return Fields.frozenCopy(this.#parts.headers);
  }
  consume(): IncomingBody {
    if (this.#consumed) errUnit();
    this.#consumed = true;
    return new IncomingBody(this.#parts.body);
  }

  /** Dropped unread: the client's upload is not wanted. */
  [Symbol.dispose](): void {
    if (!this.#consumed) this.#parts.body.close();
  }
}

/** What a guest answered through `response-outparam.set`. */
export type OutparamResult = { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: ErrorCode };

/** `wasi:http/types#response-outparam`: hands the guest's answer to whoever serves the request. */
export class ResponseOutparam {
  readonly #deliver: (result: OutparamResult) => void;
  #set = false;

  constructor(deliver: (result: OutparamResult) => void) {
    this.#deliver = deliver;
  }

  /** A web `Response` has no informational (1xx) responses to carry, so the hint is refused. */
  sendInformational(_status: number, _headers: Fields): void {
    throw { tag: 'internal-error', val: 'informational responses cannot be sent through a web Response' } satisfies ErrorCode;
  }

  static set(param: ResponseOutparam, response: OutparamResult): void {
    if (!(param instanceof ResponseOutparam)) throw new TypeError('response-outparam.set: param must be a response-outparam');
    if (param.#set) throw new Error('response-outparam.set: the response was already set');
    if (response?.tag === 'ok' && !(response.val instanceof OutgoingResponse)) {
      throw new TypeError('response-outparam.set: response must be ok(outgoing-response) or err(error-code)');
    }
    param.#set = true;
    param.#deliver(response);
  }

  /** True once `set` was called: a handler that returns before it has answered nothing. */
  get answered(): boolean {
    return this.#set;
  }
}

/** A sent response's parts, for the handler adapter. */
export interface ResponseParts {
  status: number;
  headers: Fields;
  /** The guest's body, or undefined when it never took one (an empty body). */
  body: BodyPipe | undefined;
}

let takeResponse: (r: OutgoingResponse) => ResponseParts;

/** `wasi:http/types#outgoing-response`: what an incoming handler answers with. */
export class OutgoingResponse {
  #status = 200;
  readonly #headers: Fields;
  #body: BodyPipe | undefined;

  static {
    takeResponse = (r) => ({ status: r.#status, headers: r.#headers, body: r.#body });
  }

  constructor(headers: Fields) {
    if (!(headers instanceof Fields)) throw new TypeError('outgoing-response: headers must be a fields resource');
    this.#headers = Fields.frozenCopy(headers);
  }

  statusCode(): number {
    return this.#status;
  }

  setStatusCode(statusCode: number): void {
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) errUnit();
    this.#status = statusCode;
  }

  headers(): Fields {
    return Fields.frozenCopy(this.#headers);
  }

  body(): OutgoingBody {
    if (this.#body) errUnit();
    this.#body = new BodyPipe();
    return new OutgoingBody(this.#body, 'response');
  }
}

export { takeResponse };

export const types = {
  Fields,
  IncomingRequest,
  OutgoingRequest,
  RequestOptions,
  ResponseOutparam,
  IncomingResponse,
  IncomingBody,
  FutureTrailers,
  OutgoingResponse,
  OutgoingBody,
  FutureIncomingResponse,
  httpErrorCode,
};
