/**
 * Every function, resource, method and static function of the WASI 0.3 interfaces exists
 * in the shims' p3 entry points where the glue looks for it.
 */
import { describe, expect, it } from 'vitest';
import { P3_PACKAGES, type P3Package } from '@weft/wasi-manifest';
import { camel, guestInterfaces, parseWitInterfaces, pascal, WASI_P3_VERSION, witPackageText } from '../src/wasi-wit.js';

const p3Modules: Record<P3Package, () => Promise<Record<string, unknown>>> = {
  clocks: () => import('@weft/wasi-clocks/p3'),
  random: () => import('@weft/wasi-random/p3'),
  cli: () => import('@weft/wasi-cli/p3'),
  filesystem: () => import('@weft/wasi-filesystem/p3'),
  sockets: () => import('@weft/wasi-sockets/p3'),
  http: () => import('@weft/wasi-http/p3'),
};

describe('WASI 0.3 surface of the weft shims', () => {
  for (const pkg of P3_PACKAGES) {
    it(`@weft/wasi-${pkg}/p3 has every function, resource, method and static function of wasi:${pkg}@${WASI_P3_VERSION}`, async () => {
      const mod = await p3Modules[pkg]();
      const text = witPackageText(pkg, WASI_P3_VERSION);
      const guest = guestInterfaces(text);
      // Interfaces some world exports are the guest's, except that an imported handler (middleware) is the host's too.
      const interfaces = parseWitInterfaces(pkg, text).filter((i) => !guest.has(i.name) || (pkg === 'http' && i.name === 'handler'));
      expect(interfaces.length).toBeGreaterThan(0);
      const missing: string[] = [];
      for (const iface of interfaces) {
        const obj = mod[camel(iface.name)] as Record<string, unknown> | undefined;
        if (!obj || typeof obj !== 'object') {
          missing.push(`${iface.name} (export ${camel(iface.name)})`);
          continue;
        }
        for (const f of iface.functions) if (typeof obj[camel(f)] !== 'function') missing.push(`${iface.name}#${f}`);
        for (const [res, methods] of iface.resources) {
          const cls = obj[pascal(res)] as ({ prototype: Record<string, unknown> } & Record<string, unknown>) | undefined;
          if (typeof cls !== 'function') {
            missing.push(`${iface.name}#${res} (class ${pascal(res)})`);
            continue;
          }
          for (const m of methods) if (typeof cls.prototype[camel(m)] !== 'function') missing.push(`${iface.name}#${res}.${m}`);
          for (const s of iface.statics.get(res) ?? []) if (typeof cls[camel(s)] !== 'function') missing.push(`${iface.name}#[static]${res}.${s}`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
