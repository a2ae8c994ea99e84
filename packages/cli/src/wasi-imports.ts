import { shimTarget, type P3Package, type WasiPackage } from '@weft/wasi-manifest';
import * as cli from '@weft/wasi-cli';
import * as cliP3 from '@weft/wasi-cli/p3';
import * as clocks from '@weft/wasi-clocks';
import * as clocksP3 from '@weft/wasi-clocks/p3';
import * as filesystem from '@weft/wasi-filesystem';
import * as filesystemP3 from '@weft/wasi-filesystem/p3';
import * as http from '@weft/wasi-http';
import * as httpP3 from '@weft/wasi-http/p3';
import * as io from '@weft/wasi-io';
import * as random from '@weft/wasi-random';
import * as randomP3 from '@weft/wasi-random/p3';
import * as sockets from '@weft/wasi-sockets';
import * as socketsP3 from '@weft/wasi-sockets/p3';

// Typed by the manifest's package lists, so a shim added there must be added here.
const MODULES: Record<`@weft/wasi-${WasiPackage}` | `@weft/wasi-${P3Package}/p3`, Record<string, unknown>> = {
  '@weft/wasi-cli': cli,
  '@weft/wasi-cli/p3': cliP3,
  '@weft/wasi-clocks': clocks,
  '@weft/wasi-clocks/p3': clocksP3,
  '@weft/wasi-filesystem': filesystem,
  '@weft/wasi-filesystem/p3': filesystemP3,
  '@weft/wasi-http': http,
  '@weft/wasi-http/p3': httpP3,
  '@weft/wasi-io': io,
  '@weft/wasi-random': random,
  '@weft/wasi-random/p3': randomP3,
  '@weft/wasi-sockets': sockets,
  '@weft/wasi-sockets/p3': socketsP3,
};

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The import object for instantiation-mode glue: every WASI interface `importNames` (the
 * component's imports) names, under that name, from the shim the manifest picks for its
 * version; other names are left out.
 */
export function wasiImports(importNames: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of importNames) {
    const target = shimTarget(name);
    const iface = target && MODULES[target.module as keyof typeof MODULES]?.[camel(target.iface)];
    if (iface && typeof iface === 'object') out[name] = iface;
  }
  return out;
}

export { cli };
