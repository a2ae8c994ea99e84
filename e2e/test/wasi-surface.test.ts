/**
 * Every function, resource and method of the WASI 0.2 interfaces weft shims exists where
 * the glue looks for it, and a component importing all of `wasi:cli/imports` links
 * against the shims.
 */
import { describe, expect, it } from 'vitest';
import { MAY_WAIT, WASI_PACKAGES, type WasiPackage } from '@weft/wasi-manifest';
import { pathToFileURL } from 'node:url';
import { buildAllImportsComponent } from '../src/fixtures.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { camel, guestInterfaces, parseWitInterfaces, pascal, witPackageText } from '../src/wasi-wit.js';

const shimModules: Record<WasiPackage, () => Promise<Record<string, unknown>>> = {
  io: () => import('@weft/wasi-io'),
  clocks: () => import('@weft/wasi-clocks'),
  random: () => import('@weft/wasi-random'),
  cli: () => import('@weft/wasi-cli'),
  filesystem: () => import('@weft/wasi-filesystem'),
  sockets: () => import('@weft/wasi-sockets'),
  http: () => import('@weft/wasi-http'),
};

describe('WASI 0.2 surface of the weft shims', () => {
  for (const pkg of WASI_PACKAGES) {
    it(`@weft/wasi-${pkg} has every function, resource and method of wasi:${pkg}`, async () => {
      const mod = await shimModules[pkg]!();
      const text = witPackageText(pkg);
      const guest = guestInterfaces(text);
      const interfaces = parseWitInterfaces(pkg, text).filter((i) => !guest.has(i.name));
      expect(interfaces.length).toBeGreaterThan(0);
      const missing: string[] = [];
      let checked = 0;
      for (const iface of interfaces) {
        const obj = mod[camel(iface.name)] as Record<string, unknown> | undefined;
        if (!obj || typeof obj !== 'object') {
          missing.push(`${iface.name} (export ${camel(iface.name)})`);
          continue;
        }
        for (const f of iface.functions) {
          checked++;
          if (typeof obj[camel(f)] !== 'function') missing.push(`${iface.name}#${f}`);
        }
        for (const [res, methods] of iface.resources) {
          checked++;
          const cls = obj[pascal(res)] as { prototype: Record<string, unknown> } | undefined;
          if (typeof cls !== 'function') {
            missing.push(`${iface.name}#${res} (class ${pascal(res)})`);
            continue;
          }
          for (const m of methods) {
            checked++;
            if (typeof cls.prototype[camel(m)] !== 'function') missing.push(`${iface.name}#${res}.${m}`);
          }
        }
      }
      expect(missing).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('every call the manifest says may wait is a function or method a shim provides', async () => {
    expect(MAY_WAIT.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const entry of MAY_WAIT) {
      const m = /^wasi:([a-z-]+)\/([a-z-]+)#(?:\[method\]([a-z-]+)\.)?([a-z-]+|\*)$/.exec(entry);
      if (!m) {
        missing.push(`${entry} (not wasi:<pkg>/<iface>#<function>)`);
        continue;
      }
      const [, pkg, iface, resource, func] = m;
      if (!(WASI_PACKAGES as readonly string[]).includes(pkg!)) {
        missing.push(`${entry} (no shim for wasi:${pkg})`);
        continue;
      }
      const obj = (await shimModules[pkg as WasiPackage]())[camel(iface!)] as Record<string, unknown> | undefined;
      const owner = resource ? (obj?.[pascal(resource)] as { prototype?: Record<string, unknown> } | undefined)?.prototype : obj;
      if (!owner || (func !== '*' && typeof owner[camel(func!)] !== 'function')) missing.push(entry);
    }
    expect(missing).toEqual([]);
  });

  it('a component importing all of wasi:cli/imports links against the shims in Node', async () => {
    const out = await transpileForTest(await buildAllImportsComponent(), { name: 'all_imports' });
    const mod = await import(pathToFileURL(out.entry).href);
    expect(typeof mod).toBe('object');
  });
});
