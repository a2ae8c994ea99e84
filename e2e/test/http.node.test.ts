/**
 * A componentize-js guest whose fetch() goes through wasi:http, run in Node with
 * @weft/wasi-http (Node's fetch) under every async mode Node has, against a local server.
 * Node 20 has no JSPI: asyncify is the mode that lets the guest wait there.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { NODE_ASYNC_MODES } from '../src/async-modes.js';
import { startTestHttpServer, unusedPort, type TestHttpServer } from '../src/http-server.js';
import { buildJsFixture, HTTP_GUEST } from '../src/js-fixtures.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { HTTP_CASES, type HttpCaseContext } from './http-cases.js';

type GuestModule = Record<string, (...args: unknown[]) => Promise<unknown>>;

describe('JS guest fetch() over wasi:http in Node', () => {
  let server: TestHttpServer;
  let ctx: HttpCaseContext;
  let component: Uint8Array;

  beforeAll(async () => {
    let deadPort: number;
    [component, server, deadPort] = await Promise.all([buildJsFixture(HTTP_GUEST.name, HTTP_GUEST), startTestHttpServer(), unusedPort()]);
    ctx = { origin: server.origin, deadOrigin: `http://127.0.0.1:${deadPort}`, serverLog: server.log, host: 'node' };
  });

  afterAll(async () => {
    await server?.close();
  });

  describe.each(NODE_ASYNC_MODES)("asyncMode '%s'", (mode) => {
    let guest: GuestModule;

    // A cold asyncify rewrite of the JS engine takes minutes (then ~/.cache/weft has it).
    beforeAll(async () => {
      const out = await transpileForTest(component, { name: `http_guest_node_${mode}`, asyncMode: mode });
      guest = (await import(pathToFileURL(out.entry).href)) as GuestModule;
    }, 40 * 60_000);

    for (const c of HTTP_CASES) {
      it(c.name, async () => {
        c.check(await guest[c.fn]!(...c.args(ctx)), ctx);
      });
    }
  });
});
