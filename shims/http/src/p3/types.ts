/**
 * `wasi:http/types@0.3.0` resources: a request or response is its head plus a body in
 * flight, the contents stream and the trailers future, handed on once to whoever
 * consumes it (the guest, `fetch`, or the web handler adapter).
 */
import { checkByteStream, type Result } from '@weft/wasi-io/web-streams';
import { AUTHORITY, errUnit, PATH, validMethod, validScheme, type Method, type Scheme } from '../checks.js';
import type { ErrorCode } from '../errors.js';
import { Fields } from '../fields.js';
import type { TimeoutSettings } from '../fetch-target.js';

export type TrailersResult = Result<Fields | undefined, ErrorCode>;
export type TransmitResult = Result<undefined, ErrorCode>;

/** `future<T>` as the glue hands the host one: a thenable whose `then` starts the read. */
export type FutureReader<T> = PromiseLike<T>;

/** A body on its way from its writer to its reader. */
export interface Body {
  contents: ReadableStream<Uint8Array> | undefined;
  trailers: PromiseLike<TrailersResult>;
  /** Tell the writer how transmission ended (its `future<result<_, error-code>>`). */
  report(result: TransmitResult): void;
}

function newBody(contents: unknown, trailers: unknown, where: string): [Body, Promise<TransmitResult>] {
  if (contents !== undefined) checkByteStream(contents, `${where}: contents`);
  if (!trailers || typeof (trailers as PromiseLike<unknown>).then !== 'function') {
    throw new TypeError(`${where}: trailers: expected a thenable (WIT future<result<option<trailers>, error-code>>)`);
  }
  let report!: (r: TransmitResult) => void;
  const transmitted = new Promise<TransmitResult>((resolve) => (report = resolve));
  return [{ contents: contents as ReadableStream<Uint8Array> | undefined, trailers: trailers as PromiseLike<TrailersResult>, report }, transmitted];
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** `consume-body`: hands the contents and trailers on, and passes the reader's outcome back to the writer. */
function consume(body: Body | undefined, res: unknown, where: string): [ReadableStream<Uint8Array>, Promise<TrailersResult>] {
  if (!body) throw new Error(`${where}: the body was already consumed`);
  if (!res || typeof (res as PromiseLike<unknown>).then !== 'function') {
    throw new TypeError(`${where}: res: expected a thenable (WIT future<result<_, error-code>>)`);
  }
  Promise.resolve(res as PromiseLike<TransmitResult>).then(body.report, () =>
    body.report({ tag: 'err', val: { tag: 'internal-error', val: 'the reader failed' } }),
  );
  return [body.contents ?? emptyStream(), Promise.resolve(body.trailers)];
}

function checkFields(headers: unknown, where: string): Fields {
  if (!(headers instanceof Fields)) throw new TypeError(`${where}: headers: expected a Fields (WIT fields)`);
  return headers;
}

const DURATION_MAX = 0xffffffffffffffffn;

/** `wasi:http/types#request-options-error`. */
export type RequestOptionsError = { tag: 'not-supported' } | { tag: 'immutable' } | { tag: 'other'; val: string | undefined };

/** `wasi:http/types#request-options` (0.3): timeouts in nanoseconds; read-only once a request holds them. */
export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;
  #immutable = false;

  getConnectTimeout(): bigint | undefined {
    return this.#connect;
  }
  setConnectTimeout(duration: bigint | undefined): void {
    this.#connect = this.#checked(duration, 'set-connect-timeout');
  }
  getFirstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }
  setFirstByteTimeout(duration: bigint | undefined): void {
    this.#firstByte = this.#checked(duration, 'set-first-byte-timeout');
  }
  getBetweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(duration: bigint | undefined): void {
    this.#betweenBytes = this.#checked(duration, 'set-between-bytes-timeout');
  }

  /** A mutable copy, whatever this one is. */
  clone(): RequestOptions {
    const o = new RequestOptions();
    o.#connect = this.#connect;
    o.#firstByte = this.#firstByte;
    o.#betweenBytes = this.#betweenBytes;
    return o;
  }

  /** What the client's timers read. */
  settings(): TimeoutSettings {
    return { connect: this.#connect, firstByte: this.#firstByte, betweenBytes: this.#betweenBytes };
  }

  /** A read-only copy: what a request holds and hands out. */
  static frozenCopy(source: RequestOptions): RequestOptions {
    const o = source.clone();
    o.#immutable = true;
    return o;
  }

  #checked(duration: bigint | undefined, method: string): bigint | undefined {
    if (this.#immutable) throw { tag: 'immutable' } satisfies RequestOptionsError;
    if (duration !== undefined && (typeof duration !== 'bigint' || duration < 0n || duration > DURATION_MAX)) {
      throw new TypeError(`wasi:http/types#[method]request-options.${method}: duration: expected a bigint (WIT option<duration>, a u64)`);
    }
    return duration;
  }
}

/** The parts of a request `client.send` reads; taking them consumes the request's body. */
export interface SendParts {
  method: Method;
  scheme: Scheme | undefined;
  authority: string | undefined;
  pathWithQuery: string | undefined;
  headers: Fields;
  options: RequestOptions | undefined;
  body: Body;
}

let takeForSend: (r: Request) => SendParts;

/** `wasi:http/types#request` (0.3). */
export class Request {
  #method: Method = { tag: 'get' };
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #pathWithQuery: string | undefined;
  readonly #headers: Fields;
  readonly #options: RequestOptions | undefined;
  #body: Body | undefined;

  static {
    takeForSend = (r) => {
      const body = r.#body;
      if (!body) throw new Error('wasi:http/client#send: the request body was already consumed');
      r.#body = undefined;
      return {
        method: r.#method,
        scheme: r.#scheme,
        authority: r.#authority,
        pathWithQuery: r.#pathWithQuery,
        headers: r.#headers,
        options: r.#options,
        body,
      };
    };
  }

  private constructor(headers: Fields, body: Body, options: RequestOptions | undefined) {
    this.#headers = Fields.frozenCopy(headers);
    this.#body = body;
    this.#options = options && RequestOptions.frozenCopy(options);
  }

  /**
   * A GET request with no scheme, authority or path yet. The future settles with how
   * transmission went: ok once the body was sent in full, err with why not.
   */
  static new(
    headers: Fields,
    contents: ReadableStream<Uint8Array> | undefined,
    trailers: FutureReader<TrailersResult>,
    options: RequestOptions | undefined,
  ): [Request, Promise<TransmitResult>] {
    const where = 'wasi:http/types#[static]request.new';
    checkFields(headers, where);
    if (options !== undefined && !(options instanceof RequestOptions))
      throw new TypeError(`${where}: options: expected a RequestOptions (WIT option<request-options>)`);
    const [body, transmitted] = newBody(contents, trailers, where);
    return [new Request(headers, body, options), transmitted];
  }

  getMethod(): Method {
    return this.#method;
  }
  setMethod(method: Method): void {
    if (!validMethod(method)) errUnit();
    this.#method = method.tag === 'other' ? { tag: 'other', val: method.val } : { tag: method.tag };
  }
  getPathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }
  setPathWithQuery(pathWithQuery: string | undefined): void {
    if (pathWithQuery !== undefined && (typeof pathWithQuery !== 'string' || !PATH.test(pathWithQuery))) errUnit();
    this.#pathWithQuery = pathWithQuery;
  }
  getScheme(): Scheme | undefined {
    return this.#scheme;
  }
  setScheme(scheme: Scheme | undefined): void {
    if (scheme !== undefined && !validScheme(scheme)) errUnit();
    this.#scheme = scheme;
  }
  getAuthority(): string | undefined {
    return this.#authority;
  }
  setAuthority(authority: string | undefined): void {
    if (authority !== undefined && (typeof authority !== 'string' || !AUTHORITY.test(authority))) errUnit();
    this.#authority = authority;
  }
  /** Read-only: the request owns its options. */
  getOptions(): RequestOptions | undefined {
    return this.#options && RequestOptions.frozenCopy(this.#options);
  }
  /** Immutable: the request owns its headers. */
  getHeaders(): Fields {
    return Fields.frozenCopy(this.#headers);
  }

  static consumeBody(self: Request, res: FutureReader<TransmitResult>): [ReadableStream<Uint8Array>, Promise<TrailersResult>] {
    const where = 'wasi:http/types#[static]request.consume-body';
    if (!(self instanceof Request)) throw new TypeError(`${where}: this: expected a Request (WIT request)`);
    const body = self.#body;
    self.#body = undefined;
    return consume(body, res, where);
  }
}

export { takeForSend };

/** `wasi:http/types#response` (0.3). */
export class Response {
  #status = 200;
  readonly #headers: Fields;
  #body: Body | undefined;

  private constructor(headers: Fields, body: Body) {
    this.#headers = Fields.frozenCopy(headers);
    this.#body = body;
  }

  /** A 200 response; the future settles with how transmission of the body went. */
  static new(headers: Fields, contents: ReadableStream<Uint8Array> | undefined, trailers: FutureReader<TrailersResult>): [Response, Promise<TransmitResult>] {
    const where = 'wasi:http/types#[static]response.new';
    checkFields(headers, where);
    const [body, transmitted] = newBody(contents, trailers, where);
    return [new Response(headers, body), transmitted];
  }

  /** A response `fetch` received, whose body and trailers the host produces. */
  static received(status: number, headers: Fields, contents: ReadableStream<Uint8Array>, trailers: Promise<TrailersResult>): Response {
    const r = new Response(headers, { contents, trailers, report: () => {} });
    r.#status = status;
    return r;
  }

  getStatusCode(): number {
    return this.#status;
  }
  setStatusCode(statusCode: number): void {
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) errUnit();
    this.#status = statusCode;
  }
  /** Immutable: the response owns its headers. */
  getHeaders(): Fields {
    return Fields.frozenCopy(this.#headers);
  }

  static consumeBody(self: Response, res: FutureReader<TransmitResult>): [ReadableStream<Uint8Array>, Promise<TrailersResult>] {
    const where = 'wasi:http/types#[static]response.consume-body';
    if (!(self instanceof Response)) throw new TypeError(`${where}: this: expected a Response (WIT response)`);
    const body = self.#body;
    self.#body = undefined;
    return consume(body, res, where);
  }
}
