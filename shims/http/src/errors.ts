import { IoError } from '@weft/wasi-io';

/** `wasi:http/types#error-code`, as the glue passes variants: `{ tag, val }`. */
export type ErrorCode =
  | { tag: 'DNS-timeout' }
  | { tag: 'DNS-error'; val: { rcode?: string; infoCode?: number } }
  | { tag: 'destination-not-found' }
  | { tag: 'destination-unavailable' }
  | { tag: 'destination-IP-prohibited' }
  | { tag: 'destination-IP-unroutable' }
  | { tag: 'connection-refused' }
  | { tag: 'connection-terminated' }
  | { tag: 'connection-timeout' }
  | { tag: 'connection-read-timeout' }
  | { tag: 'connection-write-timeout' }
  | { tag: 'connection-limit-reached' }
  | { tag: 'TLS-protocol-error' }
  | { tag: 'TLS-certificate-error' }
  | { tag: 'TLS-alert-received'; val: { alertId?: number; alertMessage?: string } }
  | { tag: 'HTTP-request-denied' }
  | { tag: 'HTTP-request-length-required' }
  | { tag: 'HTTP-request-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-request-method-invalid' }
  | { tag: 'HTTP-request-URI-invalid' }
  | { tag: 'HTTP-request-URI-too-long' }
  | { tag: 'HTTP-request-header-section-size'; val: number | undefined }
  | { tag: 'HTTP-request-header-size'; val: FieldSizePayload | undefined }
  | { tag: 'HTTP-request-trailer-section-size'; val: number | undefined }
  | { tag: 'HTTP-request-trailer-size'; val: FieldSizePayload }
  | { tag: 'HTTP-response-incomplete' }
  | { tag: 'HTTP-response-header-section-size'; val: number | undefined }
  | { tag: 'HTTP-response-header-size'; val: FieldSizePayload }
  | { tag: 'HTTP-response-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-response-trailer-section-size'; val: number | undefined }
  | { tag: 'HTTP-response-trailer-size'; val: FieldSizePayload }
  | { tag: 'HTTP-response-transfer-coding'; val: string | undefined }
  | { tag: 'HTTP-response-content-coding'; val: string | undefined }
  | { tag: 'HTTP-response-timeout' }
  | { tag: 'HTTP-upgrade-failed' }
  | { tag: 'HTTP-protocol-error' }
  | { tag: 'loop-detected' }
  | { tag: 'configuration-error' }
  | { tag: 'internal-error'; val: string | undefined };

export interface FieldSizePayload {
  fieldName?: string;
  fieldSize?: number;
}

/** `wasi:http/types#header-error`. */
export type HeaderError = { tag: 'invalid-syntax' } | { tag: 'forbidden' } | { tag: 'immutable' };

/** Carries an error code across a failed stream operation, for `http-error-code` to recover. */
const codeOfIoError = new WeakMap<IoError, ErrorCode>();

export function httpIoError(code: ErrorCode, message: string): IoError {
  const err = new IoError(message, { domain: 'wasi:http', code: code.tag });
  codeOfIoError.set(err, code);
  return err;
}

/** `wasi:http/types#http-error-code`. */
export function httpErrorCode(err: IoError): ErrorCode | undefined {
  if (!(err instanceof IoError)) throw new TypeError('wasi:http/types#http-error-code: err must be a wasi:io/error#error');
  return codeOfIoError.get(err);
}

/** An error a request failed with: the code the guest sees and a message for people. */
export class RequestFailure {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

const TLS_CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Node's fetch wraps the socket error in `cause`; happy-eyeballs wraps several in an AggregateError. */
function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      const codes = inner.map(causeCode).filter((c): c is string => c !== undefined);
      if (codes.length > 0) return codes.find((c) => c !== 'ECONNREFUSED') ?? codes[0];
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Did the connection drop under a request (Node's fetch; a browser does not say)? */
export function isConnectionReset(err: unknown): boolean {
  const code = causeCode(err);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

/** Map a rejected `fetch` or body read to a wasi:http error code. */
export function fetchFailure(err: unknown): RequestFailure {
  if (err instanceof RequestFailure) return err;
  const message = describe(err);
  const code = causeCode(err);
  const mapped = code === undefined ? undefined : codeFor(code);
  if (mapped) return new RequestFailure(mapped, message);
  // A browser reports every network failure (refused, DNS, CORS) as the same bare TypeError.
  return new RequestFailure({ tag: 'internal-error', val: message }, message);
}

function codeFor(code: string): ErrorCode | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ENOTFOUND':
      // getaddrinfo does not say which DNS response code it got, so the payload stays empty.
      return { tag: 'DNS-error', val: {} };
    case 'EAI_AGAIN':
      return { tag: 'DNS-timeout' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { tag: 'connection-terminated' };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { tag: 'connection-timeout' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { tag: 'connection-read-timeout' };
    case 'EHOSTUNREACH':
      return { tag: 'destination-IP-unroutable' };
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return { tag: 'destination-unavailable' };
    case 'UND_ERR_HEADERS_OVERFLOW':
      return { tag: 'HTTP-response-header-section-size', val: undefined };
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return { tag: 'HTTP-response-incomplete' };
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return { tag: 'HTTP-request-body-size', val: undefined };
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return { tag: 'TLS-protocol-error' };
  }
  if (TLS_CERT_CODES.has(code)) return { tag: 'TLS-certificate-error' };
  if (code.startsWith('HPE_')) return { tag: 'HTTP-protocol-error' };
  return undefined;
}

function describe(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur; depth++) {
    parts.push(cur instanceof Error ? cur.message || cur.name : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}
