/**
 * HTTP handler guests (`wasi:http/incoming-handler` exports) for the serving tests and the
 * benchmark: the componentize-js guest with its routes, and a hello-world core-wasm guest
 * that traps on request.
 * Both are cached under .cache/components.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-util.js';
import { buildJsFixture, SERVE_GUEST } from './js-fixtures.js';
import { cacheDir, e2eRoot } from './paths.js';
import { withWasiPackages } from './wasi-wit.js';

/**
 * fixtures/js/serve-guest: `/hello`, `/info` (method, URL, `x-weft-test` header as JSON),
 * `/echo` (the request body back, with `x-echo-length`), `/stream?n=&ms=` (n lines
 * `chunk <i>`, ms apart), `/env?name=` and `/file?name=` (a file under the preopen `/data`).
 */
export function buildServeGuest(): Promise<Uint8Array> {
  return buildJsFixture(SERVE_GUEST.name, SERVE_GUEST);
}

/** What `/stream?n=<n>` answers. */
export function streamLines(n: number): string {
  return Array.from({ length: n }, (_, i) => `chunk ${i}\n`).join('');
}

/** What fixtures/wat/hello-handler answers a request without `x-trap` or `x-no-answer`. */
export const HELLO_HANDLER_TEXT = 'hello from wat\n';

/** fixtures/wat/hello-handler: says hello; traps on `x-trap`, returns unanswered on `x-no-answer`. */
export async function buildHelloHandler(): Promise<Uint8Array> {
  const dir = join(e2eRoot, 'fixtures', 'wat');
  const wat = readFileSync(join(dir, 'hello-handler.wat'), 'utf8');
  const wit = withWasiPackages(readFileSync(join(dir, 'hello-handler.wit'), 'utf8'), SERVE_GUEST.wasiVersions);
  const key = createHash('sha256').update(wat).update('\0').update(wit).digest('hex').slice(0, 20);
  const out = join(cacheDir, 'components', `wat-hello-handler-${key}.wasm`);
  if (existsSync(out)) return new Uint8Array(readFileSync(out));
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  const core = await parse(wat);
  const component = await componentNew(await componentEmbed({ binary: core, witSource: wit, world: 'hello-handler' }));
  mkdirSync(join(cacheDir, 'components'), { recursive: true });
  writeFileAtomic(out, component);
  return component;
}
