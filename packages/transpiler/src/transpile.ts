import { decodeComponent } from './decode/component.js';
import { writeDts } from './emit/dts.js';
import { writeModule } from './emit/module.js';
import { exportShortName } from './emit/names.js';
import { resolveSpecifier } from './emit/specifiers.js';
import { suspendingImports } from './emit/suspending.js';
import { WeftError } from './error.js';
import { inline } from './link/inline.js';
import { validate } from './types/validate.js';
import type { TranspileOptions, TranspileResult } from './options.js';

const utf8 = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(s);
}

/**
 * Transpiles a component binary into core wasm files plus an ES module of glue.
 * Throws `WeftError` for input it cannot accept.
 */
export async function transpile(bytes: Uint8Array, opts: TranspileOptions = {}): Promise<TranspileResult> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('transpile: expected the component as a Uint8Array');
  if (opts.asyncMode === 'asyncify') throw new WeftError("asyncMode 'asyncify' is not available yet; use 'sync' or 'jspi'");
  if (opts.asyncMode !== undefined && opts.asyncMode !== 'sync' && opts.asyncMode !== 'jspi') {
    throw new WeftError(`unknown asyncMode '${String(opts.asyncMode)}': expected 'sync', 'jspi' or 'asyncify'`);
  }
  const name = opts.name ?? 'component';
  const ast = decodeComponent(bytes);
  validate(ast);
  const plan = inline(ast);

  const moduleFiles = plan.modules.map((_, i) => `${name}.core${i === 0 ? '' : i + 1}.wasm`);
  const cutoff = opts.base64Cutoff ?? 0;
  const inlined = new Map<number, string>();
  if (!opts.instantiation) plan.modules.forEach((m, i) => { if (m.length < cutoff) inlined.set(i, base64(m)); });

  const map = opts.map ?? {};
  const specifier = (importName: string) => resolveSpecifier(importName, map, !opts.noWasiShim);
  let js = writeModule(plan, {
    moduleFiles,
    inline: inlined,
    ...(opts.instantiation ? { instantiation: opts.instantiation } : {}),
    namespacedExports: !opts.noNamespacedExports,
    tlaCompat: !!opts.tlaCompat,
    specifier,
    ...(opts.asyncMode === 'jspi' ? { jspi: { suspends: suspendingImports(opts.asyncImports) } } : {}),
  });
  if (opts.minify) {
    const { transform } = await import('esbuild');
    js = (await transform(js, { minify: true, format: 'esm', target: 'es2022' })).code;
  }

  const files: Record<string, Uint8Array> = {};
  plan.modules.forEach((m, i) => { if (!inlined.has(i)) files[moduleFiles[i]!] = m.slice(); });
  files[`${name}.js`] = utf8.encode(js);
  if (!opts.noTypescript) files[`${name}.d.ts`] = utf8.encode(writeDts(plan, !!opts.instantiation));

  const imports = [...new Set([...plan.imports.keys()].map((n) => specifier(n).module))];
  const exports: [string, 'function' | 'instance'][] = [];
  for (const [n, e] of plan.exports) {
    if (e.kind === 'resource') continue;
    const kind = e.kind === 'func' ? 'function' : 'instance';
    exports.push([exportShortName(n), kind]);
    if (kind === 'instance' && !opts.noNamespacedExports && exportShortName(n) !== n) exports.push([n, kind]);
  }
  return { files, imports, exports };
}
