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

/** The WASI packages of 0.3 (it has no `wasi:io`: streams, futures and `async func` replace it). */
export const P3_PACKAGES = ['cli', 'clocks', 'filesystem', 'http', 'random', 'sockets'] as const satisfies readonly WasiPackage[];

export type P3Package = (typeof P3_PACKAGES)[number];

/** The entry point of the shim serving WASI 0.3 package `pkg`: the package's `p3` export. */
export function p3ShimModule(pkg: P3Package): `@weft/wasi-${P3Package}/p3` {
  return `@weft/wasi-${pkg}/p3`;
}

/** Which shim serves a WASI interface: its module and the interface's (kebab-case) name. */
export interface ShimTarget {
  module: string;
  iface: string;
}

const WASI_INTERFACE = /^wasi:([a-z][a-z0-9-]*)\/([a-z][a-z0-9-]*)(?:@(.+))?$/;

/**
 * The shim module serving the WASI interface an import names (`wasi:<pkg>/<iface>@<version>`),
 * or undefined when weft has no shim for it. The version decides: `0.3.*` goes to the
 * package's 0.3 entry point (`@weft/wasi-<pkg>/p3`), any other version (0.2.*) or none to
 * the package itself.
 */
export function shimTarget(importName: string): ShimTarget | undefined {
  const m = WASI_INTERFACE.exec(importName);
  if (!m) return undefined;
  const [, pkg, iface] = m as unknown as [string, string, string, string | undefined];
  if (isWasi03(importName)) {
    return (P3_PACKAGES as readonly string[]).includes(pkg) ? { module: p3ShimModule(pkg as P3Package), iface } : undefined;
  }
  return (WASI_PACKAGES as readonly string[]).includes(pkg) ? { module: shimPackage(pkg as WasiPackage), iface } : undefined;
}

/** Does this import name a WASI 0.3 interface (`wasi:<pkg>/<iface>@0.3.*`)? */
export function isWasi03(importName: string): boolean {
  const version = WASI_INTERFACE.exec(importName)?.[3];
  return version !== undefined && version.startsWith('0.3.');
}

/**
 * The WASI 0.2 shim calls that wait, and so may answer with a promise when the glue allows it
 * (the async modes): `wasi:<pkg>/<iface>#<function>`, unversioned, with a trailing `*`
 * matching any function name. Every other shim call answers at once. In WASI 0.3 a call that
 * waits is an `async func`, which the component model itself says: these names are not read
 * for 0.3 imports (`isWasi03`).
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

/**
 * `error[Symbol.for(EXIT_KEY)]` is true on what a shim throws for `wasi:cli/exit`. The guest
 * asked to end the program, so Preview 3 glue ends every instance of its store (their waiting
 * calls fail with this error), where a trap ends only the instance it happened in.
 */
export const EXIT_KEY = 'weft.exit';
