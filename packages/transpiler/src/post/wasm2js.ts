import type { CoreModuleInfo } from '../decode/ast.js';
import type { HelperName } from '../js/helpers.js';
import type { JsCoreModule } from '../emit/module.js';
import type { CoreModule } from '../link/plan.js';
import { str } from '../js/names.js';
import { WeftError } from '../error.js';
import { cached } from './cache.js';
import { withoutNames } from './section-edit.js';

type Binaryen = typeof import('binaryen').default;
type BinaryenModule = InstanceType<Binaryen['Module']>;

/** wasm2js computes addresses with signed 32-bit arithmetic: memory ends below 2 GiB. */
const MAX_PAGES = 32768;

// Names wasm2js reads its imports and exports under: plain identifiers, so it never
// renames one (it turns `a-b` and `a_b` into one variable name and then fails).
const IMPORT_MODULE = 'w';

async function loadBinaryen(): Promise<Binaryen> {
  try {
    return (await import('binaryen')).default;
  } catch (e) {
    throw new WeftError(`js: converting core wasm to JavaScript needs the 'binaryen' package: ${(e as Error).message}`);
  }
}

// Bump when the conversion below changes, so cached output from older versions is not reused.
const CONVERSION_VERSION = 'weft-wasm2js-2';

/**
 * Every core module of the plan as JavaScript (`--js`), in the plan's order. Converting a
 * large module takes long, so each is cached by content like asyncify's output.
 */
export async function wasm2jsModules(modules: readonly CoreModule[], cacheDir: string | false): Promise<JsCoreModule[]> {
  const out: JsCoreModule[] = [];
  for (const [i, { bytes, info }] of modules.entries()) {
    const json = await cached(
      cacheDir,
      'wasm2js',
      bytes,
      [CONVERSION_VERSION],
      async () => new TextEncoder().encode(JSON.stringify(await wasm2jsModule(bytes, info, `core module ${i}`))),
      'json',
    );
    out.push(JSON.parse(new TextDecoder().decode(json)) as JsCoreModule);
  }
  return out;
}

/**
 * Converts core module `bytes` to JavaScript with binaryen's wasm2js, and wraps the result
 * so that it links like compiled wasm: one JS memory object per memory that every module
 * importing it shares (a resizable ArrayBuffer, so every view sees a growth), tables as
 * shared arrays, and i64 values as BigInt at the boundary where wasm2js splits them into
 * two i32 halves.
 */
async function wasm2jsModule(bytes: Uint8Array, info: CoreModuleInfo, what: string): Promise<JsCoreModule> {
  const binaryen = await loadBinaryen();
  let m: BinaryenModule;
  const memoryImported = info.imports.some((i) => i.kind === 'memory');
  const memories = (info.memories ?? 0) + info.imports.filter((i) => i.kind === 'memory').length;
  if (memories > 1) throw new WeftError(`js: ${what} has ${memories} memories; wasm2js supports one`);
  try {
    m = binaryen.readBinaryWithFeatures(withoutNames(bytes), binaryen.Features.All);
  } catch (e) {
    throw new WeftError(`js: binaryen cannot read ${what}: ${(e as Error).message}`);
  }
  try {
    return convert(binaryen, m, memoryImported, what);
  } finally {
    m.dispose();
  }
}

/**
 * Without a name section binaryen names what a module defines by its index and what it
 * imports `fimport$0`, `timport$0`, ...: an import's module name may be empty, so the
 * name is what tells the two apart.
 */
const isImport = (name: string) => /^[a-z]import\$/.test(name);

function convert(binaryen: Binaryen, m: BinaryenModule, memoryImported: boolean, what: string): JsCoreModule {
  const helpers = new Set<HelperName>();
  const use = (h: HelperName) => (helpers.add(h), h);
  const flat = (t: number, where: string): ('i32' | 'i64' | 'f32' | 'f64')[] =>
    binaryen.expandType(t).map((v) => {
      if (v === binaryen.i32) return 'i32';
      if (v === binaryen.i64) return 'i64';
      if (v === binaryen.f32) return 'f32';
      if (v === binaryen.f64) return 'f64';
      throw new WeftError(`js: ${what}: ${where} has a value type wasm2js cannot express in JavaScript (only i32, i64, f32 and f64)`);
    });
  const wasmImport = (module: string, base: string) => `imports[${str(module)}][${str(base)}]`;
  /** Entries of the import object wasm2js reads, under IMPORT_MODULE. */
  const bound: string[] = [];
  const prologue: string[] = [];

  for (let i = 0; i < m.getNumGlobals(); i++) {
    const g = binaryen.getGlobalInfo(m.getGlobalByIndex(i));
    if (isImport(g.name)) throw new WeftError(`js: ${what} imports global '${g.module}' '${g.base}'; JavaScript core modules cannot share globals`);
  }

  if (m.hasMemory()) {
    const mem = m.getMemoryInfo();
    if (mem.shared || mem.is64) throw new WeftError(`js: ${what} has a ${mem.shared ? 'shared' : '64-bit'} memory, which wasm2js does not support`);
    if (memoryImported) {
      prologue.push(`const $mem = ${wasmImport(mem.module!, mem.base!)};`);
    } else {
      const max = Math.min(mem.max ?? MAX_PAGES, MAX_PAGES);
      if (mem.initial > max)
        throw new WeftError(`js: ${what} starts with ${mem.initial} pages of memory; JavaScript core modules hold at most ${MAX_PAGES} (2 GiB)`);
      prologue.push(`const $mem = new ${use('$JsMemory')}(${mem.initial}, ${max});`);
    }
    // Defined or imported, the memory wasm2js sees is the shared object. Without a name
    // section binaryen names a defined memory by its index and an imported one `mimport$0`.
    m.addMemoryImport(memoryImported ? 'mimport$0' : '0', IMPORT_MODULE, 'memory');
    bound.push('memory: $mem');
  }

  let sharesTable = false;
  for (let i = 0; i < m.getNumTables(); i++) {
    const t = binaryen.getTableInfo(m.getTableByIndex(i));
    if (!isImport(t.name)) continue;
    sharesTable = true;
    m.addTableImport(t.name, IMPORT_MODULE, `t${i}`);
    bound.push(`t${i}: ${wasmImport(t.module!, t.base!)}`);
  }

  let imported = 0;
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (!isImport(f.name)) continue;
    const name = `f${imported++}`;
    const where = `import '${f.module!}' '${f.base!}'`;
    const params = flat(f.params, where);
    const results = flat(f.results, where);
    m.addFunctionImport(f.name, IMPORT_MODULE, name, f.params, f.results);
    const fn = `${use('$coreImport')}(imports, ${str(f.module!)}, ${str(f.base!)})`;
    bound.push(`${name}: ${params.includes('i64') || results.includes('i64') ? importAdapter(fn, params, results, use) : fn}`);
  }

  // Exports are renamed to plain identifiers too and mapped back below.
  const exported: string[] = [];
  const exportsList: { name: string; kind: number; value: string }[] = [];
  for (let i = 0; i < m.getNumExports(); i++) exportsList.push(binaryen.getExportInfo(m.getExportByIndex(i)));
  for (const [k, e] of exportsList.entries()) {
    m.removeExport(e.name);
    const x = `$x.x${k}`;
    if (e.kind === binaryen.ExternalFunction) {
      const f = binaryen.getFunctionInfo(m.getFunction(e.value));
      const where = `export '${e.name}'`;
      const params = flat(f.params, where);
      const results = flat(f.results, where);
      m.addFunctionExport(e.value, `x${k}`);
      exported.push(`${str(e.name)}: ${params.includes('i64') || results.includes('i64') ? exportAdapter(x, params, results, use) : x}`);
    } else if (e.kind === binaryen.ExternalMemory) {
      exported.push(`${str(e.name)}: $mem`);
    } else if (e.kind === binaryen.ExternalTable) {
      sharesTable = true;
      m.addTableExport(e.value, `x${k}`);
      exported.push(`${str(e.name)}: ${x}`);
    } else if (e.kind === binaryen.ExternalGlobal) {
      // Left out: globals cannot cross into another JavaScript core module (see the imports
      // check), and the glue never reads one.
    } else {
      throw new WeftError(`js: ${what} exports tag '${e.name}'; wasm2js does not support exception handling`);
    }
  }

  // Optimising assumes the high word of an i64 result is the module's own: it drops a
  // write no code of the module reads and folds a read no code of it writes. Across a
  // table shared with another module both happen, so such modules are not optimised.
  binaryen.setOptimizeLevel(sharesTable ? 0 : 2);
  binaryen.setShrinkLevel(0);
  let js: string;
  try {
    js = m.emitAsmjs();
  } catch (e) {
    throw new WeftError(`js: binaryen's wasm2js cannot convert ${what}: ${e instanceof Error ? e.message : 'it uses a feature wasm2js does not support'}`);
  }
  return { source: wrap(js, prologue, bound, exported, use, what), helpers: [...helpers].sort() };
}

/** i64 halves as wasm2js passes them: low word, then high word, each a signed i32. */
function importAdapter(fn: string, params: string[], results: string[], use: (h: HelperName) => HelperName): string {
  const names: string[] = [];
  const args = params.map((t, i) => {
    if (t !== 'i64') {
      names.push(`a${i}`);
      return `a${i}`;
    }
    names.push(`a${i}`, `b${i}`);
    return `${use('$i64')}(a${i}, b${i})`;
  });
  const call = `f(${args.join(', ')})`;
  const body = results[0] === 'i64' ? `{ const r = ${call}; ${use('$w2jHigh')} = ${use('$i64hi')}(r); return ${use('$i64lo')}(r); }` : call;
  return `((f) => (${names.join(', ')}) => ${body})(${fn})`;
}

function exportAdapter(x: string, params: string[], results: string[], use: (h: HelperName) => HelperName): string {
  const names = params.map((_, i) => `a${i}`);
  const args = params.flatMap((t, i) => (t === 'i64' ? [`${use('$i64lo')}(a${i})`, `${use('$i64hi')}(a${i})`] : [`a${i}`]));
  const call = `${x}(${args.join(', ')})`;
  return `(${names.join(', ')}) => ${results[0] === 'i64' ? `${use('$i64')}(${call}, ${use('$w2jHigh')})` : call}`;
}

const object = (entries: string[]) => (entries.length ? `{ ${entries.join(', ')} }` : '{}');

/**
 * Puts wasm2js's ES module into a function run once per instantiation: its module-level
 * helpers keep per-instance state. What changes in its text is found exactly or the
 * conversion fails with an error naming it, so a different wasm2js cannot go unnoticed.
 */
function wrap(js: string, prologue: string[], bound: string[], exported: string[], use: (h: HelperName) => HelperName, what: string): string {
  const expect = (found: boolean, text: string) => {
    if (!found) throw new WeftError(`js: ${what}: wasm2js output lacks '${text}'; is this the binaryen version weft was built with?`);
  };
  let body = js.replace(/^import \* as \S+ from '[^']*';\n/gm, '');
  const tail = body.search(/^var (memasmFunc|retasmFunc) = /m);
  expect(tail > 0, 'var retasmFunc = ');
  body = body.slice(0, tail).trimEnd();
  if (body.includes('wasm2js_table_grow')) throw new WeftError(`js: ${what} grows a table, which wasm2js does not support`);
  // A guest trap is the glue's trap, as it would be under WebAssembly.
  const trap = "function wasm2js_trap() { throw new Error('abort'); }";
  if (body.includes('wasm2js_trap')) {
    expect(body.includes(trap), trap);
    const glueTrap = `function wasm2js_trap() { ${use('$trap')}('unreachable executed'); }`;
    body = body.replace(trap, () => glueTrap);
  }
  // i64 results travel in one shared high word, so that a call between two modules (through a
  // shared table) returns both halves.
  const high = 'var i64toi32_i32$HIGH_BITS = 0;';
  if (body.includes(high)) {
    body = body.replace(high, '').split('i64toi32_i32$HIGH_BITS').join(use('$w2jHigh'));
  }
  // (wasm2js leaves out a memory the module's own code never touches.)
  if (body.includes('__wasm_memory_grow')) {
    const own = ' memory.grow = __wasm_memory_grow;\n';
    expect(body.includes(own), own.trim());
    body = body.replace(own, '');
    const grow = /\n function __wasm_memory_grow\(pagesToAdd\) \{\n[\s\S]*?\n \}\n/;
    expect(grow.test(body), 'function __wasm_memory_grow(pagesToAdd)');
    // The shared memory grows in place, so every module's views see the new pages.
    body = body.replace(grow, () => '\n function __wasm_memory_grow(pagesToAdd) {\n  return memory.tryGrow(pagesToAdd >>> 0);\n }\n');
  }
  // wasm2js hands i64 results across its boundary in the same high word.
  const env = /\b[gs]etTempRet0\b/.test(body) ? `, env: { setTempRet0: (v) => { ${use('$w2jHigh')} = v; }, getTempRet0: () => $w2jHigh }` : '';
  return [
    'function (imports) {',
    ...prologue,
    body,
    `const $x = asmFunc({ ${IMPORT_MODULE}: ${object(bound)}${env} });`,
    `return ${object(exported)};`,
    '}',
  ].join('\n');
}
