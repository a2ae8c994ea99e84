export { Fields } from './fields.js';
export {
  types,
  OutgoingRequest,
  OutgoingBody,
  RequestOptions,
  IncomingResponse,
  IncomingBody,
  FutureTrailers,
  FutureIncomingResponse,
  IncomingRequest,
  OutgoingResponse,
  ResponseOutparam,
  type Method,
  type Scheme,
  type OutparamResult,
} from './types.js';
export { serveIncomingHandler, type IncomingHandler, type ServeOptions, type FetchHandler } from './serve.js';
export { outgoingHandler } from './handler.js';
export { configure, resetConfig, type HttpConfig } from './config.js';
export { httpErrorCode, type ErrorCode, type HeaderError, type FieldSizePayload } from './errors.js';
