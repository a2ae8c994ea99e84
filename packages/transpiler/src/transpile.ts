import { decodeComponent } from './decode/component.js';
import { writeDts } from './emit/dts.js';
import { HOST_DTS, writeHost } from './emit/host.js';
import { defaultCoreModuleUrl, TARGETS } from './emit/loader.js';
import { writeModule } from './emit/module.js';
import { exportShortName } from './js/names.js';
import { resolveSpecifier } from './emit/specifiers.js';
import { asyncify } from './post/asyncify.js';
import { defaultCacheDir } from './post/cache.js';
import { wasm2jsModules } from './post/wasm2js.js';
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
  if (opts.asyncMode !== undefined && opts.asyncMode !== 'sync' && opts.asyncMode !== 'jspi' && opts.asyncMode !== 'asyncify') {
    throw new WeftError(`unknown asyncMode '${String(opts.asyncMode)}': expected 'sync', 'jspi' or 'asyncify'`);
  }
  if (opts.js && opts.asyncMode === 'jspi')
    throw new WeftError(`js: asyncMode 'jspi' suspends through WebAssembly, which JavaScript core modules replace; use 'asyncify' or 'sync'`);
  if (opts.target !== undefined && !TARGETS.includes(opts.target)) {
    throw new WeftError(`unknown target '${String(opts.target)}': expected ${TARGETS.map((t) => `'${t}'`).join(', ')}`);
  }
  if (opts.coreModuleUrl !== undefined && typeof opts.coreModuleUrl !== 'function') {
    throw new TypeError('transpile: coreModuleUrl must be a function (file name) => JS expression');
  }
  const target = opts.target ?? 'universal';
  const coreModuleUrl = opts.coreModuleUrl ?? defaultCoreModuleUrl;
  const name = opts.name ?? 'component';
  const ast = decodeComponent(bytes);
  validate(ast);
  const linked = inline(ast);

  const { plan, async } = await asyncify(linked, opts);
  const jsCores = opts.js ? await wasm2jsModules(plan.modules, opts.cacheDir ?? (await defaultCacheDir())) : undefined;
  const moduleFiles = plan.modules.map((_, i) => `${name}.core${i === 0 ? '' : i + 1}.wasm`);
  const cutoff = opts.base64Cutoff ?? 0;
  const inlined = new Map<number, string>();
  if (!opts.instantiation && !jsCores)
    plan.modules.forEach((m, i) => {
      if (m.bytes.length < cutoff) inlined.set(i, base64(m.bytes));
    });

  const map = opts.map ?? {};
  const specifier = (importName: string) => resolveSpecifier(importName, map, !opts.noWasiShim);
  let js = writeModule(plan, {
    moduleFiles,
    coreModuleUrl,
    target,
    inline: inlined,
    ...(opts.instantiation ? { instantiation: opts.instantiation } : {}),
    namespacedExports: !opts.noNamespacedExports,
    tlaCompat: !!opts.tlaCompat,
    specifier,
    ...(async ? { async } : {}),
    ...(jsCores ? { jsCores } : {}),
  });
  if (opts.minify) js = await minify(js);

  const files: Record<string, Uint8Array> = {};
  if (!jsCores)
    plan.modules.forEach((m, i) => {
      if (!inlined.has(i)) files[moduleFiles[i]!] = m.bytes.slice();
    });
  files[`${name}.js`] = utf8.encode(js);
  if (!opts.noTypescript) files[`${name}.d.ts`] = utf8.encode(writeDts(plan, !!opts.instantiation, async !== undefined, !!jsCores));
  if (opts.instantiation) {
    // JavaScript core modules are part of the glue: the host file has none to load.
    files[`${name}.host.js`] = utf8.encode(writeHost([...plan.imports], { moduleFiles: jsCores ? [] : moduleFiles, coreModuleUrl, target, specifier }));
    if (!opts.noTypescript) files[`${name}.host.d.ts`] = utf8.encode(HOST_DTS);
  }

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

async function minify(js: string): Promise<string> {
  const esbuild = await import('esbuild');
  // Browser bundles replace esbuild, a Node program, with an empty module (package.json `browser`).
  if (typeof esbuild.transform !== 'function') throw new WeftError('minify needs esbuild, which runs only in Node: transpile without minify in a browser');
  return (await esbuild.transform(js, { minify: true, format: 'esm', target: 'es2022' })).code;
}
