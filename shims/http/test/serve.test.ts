/**
 * serveIncomingHandler driven by handlers that use the wasi:http types as a guest would
 * (the glue hands the same objects to a component): what reaches the guest of a web
 * `Request`, and what a client sees of each way a guest answers or fails to.
 */
import { describe, expect, it } from 'vitest';
import { asGuestWaits as waiting } from '../../test-support.js';
import { Fields, type IncomingHandler, type IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam, serveIncomingHandler } from '../src/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Answer `status` with `chunks` written one by one, handing control back between them. */
function answer(out: ResponseOutparam, status: number, chunks: string[], opts: { finish?: boolean; trailers?: Fields } = {}) {
  const response = new OutgoingResponse(Fields.fromList([['content-type', enc.encode('text/plain')]]));
  response.setStatusCode(status);
  const body = response.body();
  ResponseOutparam.set(out, { tag: 'ok', val: response });
  return (async () => {
    const stream = body.write();
    for (const c of chunks) {
      await waiting(() => stream.blockingWriteAndFlush(enc.encode(c)));
      await new Promise((r) => setTimeout(r, 5));
    }
    stream[Symbol.dispose]();
    if (opts.finish !== false) OutgoingBody.finish(body, opts.trailers);
  })();
}

async function readAll(request: IncomingRequest): Promise<string> {
  const body = request.consume();
  const stream = body.stream();
  let text = '';
  for (;;) {
    try {
      text += dec.decode(await waiting(() => stream.blockingRead(65536n)));
    } catch (e) {
      if ((e as { tag?: string }).tag === 'closed') return text;
      throw e;
    }
  }
}

describe('serveIncomingHandler', () => {
  it('gives the guest the request and streams its answer as it is written', async () => {
    let seen: unknown;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const handler: IncomingHandler = {
      handle: async (request: IncomingRequest, out: ResponseOutparam) => {
        const text = await readAll(request);
        seen = {
          method: request.method(),
          scheme: request.scheme(),
          authority: request.authority(),
          path: request.pathWithQuery(),
          header: dec.decode(request.headers().get('x-test')[0]),
          text,
        };
        const response = new OutgoingResponse(new Fields());
        const body = response.body();
        ResponseOutparam.set(out, { tag: 'ok', val: response });
        const stream = body.write();
        await waiting(() => stream.blockingWriteAndFlush(enc.encode('first ')));
        await released;
        await waiting(() => stream.blockingWriteAndFlush(enc.encode('second')));
        stream[Symbol.dispose]();
        OutgoingBody.finish(body, undefined);
      },
    };
    const request = new Request('https://example.test:8443/a/b?c=d', { method: 'PATCH', headers: { 'x-test': 'yes' }, body: 'uploaded' });
    const response = await serveIncomingHandler(handler)(request);
    expect(seen).toEqual({
      method: { tag: 'patch' },
      scheme: { tag: 'HTTPS' },
      authority: 'example.test:8443',
      path: '/a/b?c=d',
      header: 'yes',
      text: 'uploaded',
    });
    expect(response.status).toBe(200);
    // The response is out while the guest still holds its body open.
    const reader = response.body!.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('first ');
    release();
    expect(dec.decode((await reader.read()).value)).toBe('second');
    expect((await reader.read()).done).toBe(true);
  });

  it('drops response trailers, keeping the body', async () => {
    const handle = serveIncomingHandler({ handle: (_req, out) => answer(out, 201, ['a', 'b'], { trailers: Fields.fromList([['x-t', enc.encode('1')]]) }) });
    const r = await handle(new Request('http://x/'));
    expect([r.status, r.headers.get('content-type'), await r.text()]).toEqual([201, 'text/plain', 'ab']);
  });

  it('answers 500 for a trap, a missing response, an error code or a status a Response cannot carry', async () => {
    const errors: unknown[] = [];
    const serve = (handle: IncomingHandler['handle']) => serveIncomingHandler({ handle }, { onGuestError: (e) => errors.push(e) })(new Request('http://x/'));
    const cases: [IncomingHandler['handle'], string][] = [
      [
        () => {
          throw new WebAssembly.RuntimeError('unreachable');
        },
        'the component failed: unreachable\n',
      ],
      [() => undefined, 'the component returned without setting a response\n'],
      [
        (_req, out) => ResponseOutparam.set(out, { tag: 'err', val: { tag: 'HTTP-request-denied' } }),
        'the component answered with an error: HTTP-request-denied\n',
      ],
      [(_req, out) => answer(out, 102, []), 'the component answered with status 102, which a web Response cannot carry\n'],
    ];
    for (const [handle, text] of cases) {
      const r = await serve(handle);
      expect([r.status, await r.text()]).toEqual([500, text]);
    }
    expect(errors).toHaveLength(4);
  });

  it('cuts the body off when the guest traps or returns without finishing it', async () => {
    for (const handle of [
      (_req: IncomingRequest, out: ResponseOutparam) => answer(out, 200, ['partial'], { finish: false }),
      async (_req: IncomingRequest, out: ResponseOutparam) => {
        await answer(out, 200, ['partial'], { finish: false });
        throw new WebAssembly.RuntimeError('unreachable');
      },
    ]) {
      const r = await serveIncomingHandler({ handle })(new Request('http://x/'));
      expect(r.status).toBe(200);
      await expect(r.text()).rejects.toThrow();
    }
  });

  it('sends no body with a 204, whatever the guest writes', async () => {
    const r = await serveIncomingHandler({ handle: (_req, out) => answer(out, 204, ['ignored']) })(new Request('http://x/'));
    expect([r.status, r.body]).toEqual([204, null]);
  });
});
