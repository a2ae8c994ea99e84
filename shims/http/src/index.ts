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
} from './types.js';
export { outgoingHandler, configure, resetConfig, type HttpConfig } from './handler.js';
export { httpErrorCode, type ErrorCode, type HeaderError, type FieldSizePayload } from './errors.js';
