import type { WasiPackage } from '@weft/wasi-manifest';
import * as cli from '@weft/wasi-cli';
import * as clocks from '@weft/wasi-clocks';
import * as filesystem from '@weft/wasi-filesystem';
import * as http from '@weft/wasi-http';
import * as io from '@weft/wasi-io';
import * as random from '@weft/wasi-random';
import * as sockets from '@weft/wasi-sockets';

// Typed by the manifest's package list, so a shim added there must be added here.
const PACKAGES: Record<WasiPackage, Record<string, unknown>> = { cli, clocks, filesystem, http, io, random, sockets };

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/**
 * The import object for instantiation-mode glue, keyed `wasi:<pkg>/<interface>` — the glue
 * also accepts unversioned keys, so one object serves every 0.2.x version.
 */
export function wasiImports(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [pkg, ns] of Object.entries(PACKAGES)) {
    for (const [name, value] of Object.entries(ns)) {
      // Interfaces are the lower-case object exports; classes and functions are the package's own API.
      if (/^[a-z]/.test(name) && value && typeof value === 'object') out[`wasi:${pkg}/${kebab(name)}`] = value;
    }
  }
  return out;
}

export { cli };
