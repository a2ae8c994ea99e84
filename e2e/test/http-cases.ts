/**
 * What an HTTP guest (fixtures/js/http-guest) must do against the test server, in any
 * host: each case names a guest export, its arguments, and what the result must be.
 * Node and browser tests run this same list.
 */
import { expect } from 'vitest';
import { BIG_SIZE, bigChunk, fnv1a, HELLO_TEXT, type EchoReply } from '../src/http-server.js';

export interface HttpCaseContext {
  /** Origin of the running test server. */
  origin: string;
  /** An origin on 127.0.0.1 whose port nothing listens on. */
  deadOrigin: string;
  /** Requests the test server saw, in order. */
  serverLog: string[];
  host: 'node' | 'browser';
}

export interface HttpCase {
  name: string;
  /** Guest export (camelCase). */
  fn: 'getText' | 'postText' | 'getDigest' | 'getStatus' | 'getFailure';
  args(ctx: HttpCaseContext): unknown[];
  check(result: unknown, ctx: HttpCaseContext): void;
}

// Non-ASCII text, and long enough (~120 KB) to take many output-stream writes.
const POST_BODY = 'ping → weft ✓ '.repeat(8192);
const POST_TAG = 'e2e-tag-7';

const BIG_CHECKSUM = fnv1a(bigChunk(0, BIG_SIZE));

export const HTTP_CASES: HttpCase[] = [
  {
    name: 'GET returns the status and the body text',
    fn: 'getText',
    args: (ctx) => [`${ctx.origin}/hello`],
    check(result, ctx) {
      expect(result).toEqual({ status: 200, body: HELLO_TEXT });
      expect(ctx.serverLog).toContain('GET /hello');
    },
  },
  {
    name: 'POST sends its body and a custom header, and reads the echo back',
    fn: 'postText',
    args: (ctx) => [`${ctx.origin}/echo`, POST_BODY, POST_TAG],
    check(result) {
      const r = result as { status: number; body: string };
      expect(r.status).toBe(200);
      const echo = JSON.parse(r.body) as EchoReply;
      expect(echo.method).toBe('POST');
      expect(echo.tag).toBe(POST_TAG);
      expect(echo.contentType).toBe('text/plain');
      expect(echo.body.length).toBe(POST_BODY.length);
      expect(echo.body === POST_BODY).toBe(true);
    },
  },
  {
    name: `a ${BIG_SIZE / 1024} KiB chunked response arrives whole and in order through the body reader`,
    fn: 'getDigest',
    args: (ctx) => [`${ctx.origin}/big`],
    check(result) {
      const r = result as { status: number; length: number; checksum: number; chunks: number };
      expect({ status: r.status, length: r.length, checksum: r.checksum }).toEqual({
        status: 200,
        length: BIG_SIZE,
        checksum: BIG_CHECKSUM,
      });
      // Streamed, not handed over as one buffer.
      expect(r.chunks).toBeGreaterThan(1);
    },
  },
  {
    name: 'a 404 comes back as a response with its status, not as an error',
    fn: 'getStatus',
    args: (ctx) => [`${ctx.origin}/missing`],
    check(result, ctx) {
      expect(result).toBe(404);
      expect(ctx.serverLog).toContain('GET /missing');
    },
  },
  {
    name: 'a port with nothing listening makes fetch reject with a connection failure',
    fn: 'getFailure',
    args: (ctx) => [`${ctx.deadOrigin}/hello`],
    check(result) {
      expect(typeof result).toBe('string');
      expect(result).not.toMatch(/^no failure/);
      expect(result).toMatch(/^TypeError: /);
    },
  },
];
