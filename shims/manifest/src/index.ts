/**
 * The one description of what weft's WASI shims provide, for everything that needs to know:
 * the transpiler (default import mapping, which host calls may wait), the CLI, the bundler
 * plugins, the playground and the tests. The shims own it; their tests check it against
 * what they export.
 */

/** The WASI packages weft ships a shim for: `wasi:<name>/<iface>` is served by `@weft/wasi-<name>`. */
export const WASI_PACKAGES = ['cli', 'clocks', 'filesystem', 'http', 'io', 'random', 'sockets'] as const;

export type WasiPackage = (typeof WASI_PACKAGES)[number];

/** The npm package of the shim for WASI package `pkg`. */
export function shimPackage(pkg: WasiPackage): `@weft/wasi-${WasiPackage}` {
  return `@weft/wasi-${pkg}`;
}

/** Every shim's npm package, in `WASI_PACKAGES` order. */
export const SHIM_PACKAGES: readonly string[] = WASI_PACKAGES.map(shimPackage);

/**
 * The shim calls that wait, and so may answer with a promise when the glue allows it (the
 * async modes): `wasi:<pkg>/<iface>#<function>`, unversioned, with a trailing `*` matching
 * any function name. Every other shim call answers at once.
 */
export const MAY_WAIT: readonly string[] = [
  'wasi:io/poll#poll',
  'wasi:io/poll#[method]pollable.block',
  'wasi:io/streams#[method]input-stream.blocking-read',
  'wasi:io/streams#[method]input-stream.blocking-skip',
  'wasi:io/streams#[method]output-stream.blocking-write-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-flush',
  'wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-splice',
  'wasi:filesystem/types#[method]descriptor.*',
  'wasi:filesystem/types#[method]directory-entry-stream.*',
];

/**
 * `globalThis[Symbol.for(ASYNC_WAIT_KEY)]` is true while glue transpiled with an async mode
 * calls a shim function that may wait: the shim may then return a promise instead of
 * blocking the thread.
 */
export const ASYNC_WAIT_KEY = 'weft.async-wait';
