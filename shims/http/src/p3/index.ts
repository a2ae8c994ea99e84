/**
 * `wasi:http@0.3.0`: `types` and `client` over `fetch` with the 0.2 client's settings
 * (`configure` from `@weft/wasi-http`) and error mapping, an imported `handler` that
 * forwards to `fetch` (the middleware world's default), and `toFetchHandler` for serving a
 * guest's exported handler.
 */
import { Fields } from '../fields.js';
import { client } from './client.js';
import { Request, RequestOptions, Response } from './types.js';

export { Fields } from '../fields.js';
export { configure, resetConfig, type HttpConfig } from '../config.js';
export type { ErrorCode, HeaderError, FieldSizePayload } from '../errors.js';
export type { Method, Scheme } from '../checks.js';
export { Request, Response, RequestOptions, type RequestOptionsError, type TrailersResult, type TransmitResult, type FutureReader } from './types.js';
export { client } from './client.js';
export { toFetchHandler, type GuestHandler } from './serve.js';

export const types = { Fields, Request, Response, RequestOptions };

/** An imported `handler` (the middleware world) forwards to `fetch`, as `client.send` does. */
export const handler = { handle: client.send };
