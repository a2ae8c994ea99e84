import { WeftError } from '../../error.js';
import { camelCase, parseFuncName, pascalCase, prop, str, unversioned } from '../../js/names.js';
import type { FuncVal, ModuleRef } from '../../link/plan.js';
import { getOrCreate, type GlueState } from './state.js';

/** The keys an import may be given under in the import object: as named, and unversioned. */
function importNames(importName: string): string {
  return JSON.stringify([...new Set([importName, unversioned(importName)])]);
}

/**
 * A value read from the imports. In ESM output it is read on first use, not while the
 * component instantiates: the host module that implements the imports may itself import
 * this module, and then its exports are still uninitialised (ES modules in a cycle).
 * Returns the expression to use it by.
 */
export function importValue(g: GlueState, hint: string, expr: string): string {
  const name = g.name(hint);
  if (!g.opts.lazyImports) {
    g.decls.push(`const ${name} = ${expr};`);
    return name;
  }
  g.decls.push(`let ${name};`);
  return `(${name} ??= ${expr})`;
}

/**
 * An object holding imported values (an import, an instance nested in it). With lazy
 * imports it is a function that looks the object up, called by each value's first read,
 * so the object itself is never kept.
 */
function importObject(g: GlueState, key: string, expr: () => string): string {
  return getOrCreate(g.imports, key, () => {
    const name = g.name(`imports_${unversioned(key)}`);
    g.decls.push(g.opts.lazyImports ? `const ${name} = () => ${expr()};` : `const ${name} = ${expr()};`);
    return g.opts.lazyImports ? `${name}()` : name;
  });
}

/** The object of an instance nested at `path` inside the import `importName` (the import itself for no path). */
export function importInstance(g: GlueState, importName: string, path: string[] = []): string {
  let obj = importObject(g, importName, () => `${g.helpers.use('$import')}(imports, ${importNames(importName)}, undefined, 'import')`);
  for (let i = 0; i < path.length; i++) {
    const key = `${importName}#${path.slice(0, i + 1).join('/')}`;
    const outer = obj;
    obj = importObject(g, key, () => `${g.helpers.use('$need')}(${prop(outer, camelCase(path[i]!))}, ${g.text(key)}, 'instance')`);
  }
  return obj;
}

/** How to call a host function: returns a function building the call expression from JS args. */
export function hostCall(g: GlueState, callee: FuncVal & { kind: 'import' }, fname: string): (args: string[]) => string {
  const { importName, path, exportName } = callee.ref;
  // A function the world imports itself (not through an interface) is the default export
  // of its own import; a world's resource functions (`[constructor]r`, `[static]r.s`)
  // belong to the resource's class, the default export of the import `r`.
  const fn = parseFuncName(exportName ?? importName);
  const need = (what: string, key: string) =>
    importValue(
      g,
      `host_${key}`,
      exportName === undefined
        ? `${g.helpers.use('$import')}(imports, ${importNames(fn.kind === 'free' ? importName : fn.resource)}, 'default', ${str(what)})`
        : // The function's name constant is shared with the error texts of its trampoline.
          `${g.helpers.use('$need')}(${prop(importInstance(g, importName, path), key)}, ${g.text(fname)}, ${str(what)})`,
    );
  switch (fn.kind) {
    case 'free': {
      const f = need('function', fn.name);
      return (args) => `${f}(${args.join(', ')})`;
    }
    case 'constructor': {
      const cls = need('resource class', pascalCase(fn.resource));
      return (args) => `new ${cls}(${args.join(', ')})`;
    }
    case 'static': {
      const cls = need('resource class', pascalCase(fn.resource));
      return (args) => `${cls}.${fn.name}(${args.join(', ')})`;
    }
    case 'method':
      return (args) => `${args[0]}.${fn.name}(${args.slice(1).join(', ')})`;
  }
}

/** The compiled module: from getCoreModule, or a WebAssembly.Module the host supplies. */
export function moduleRef(g: GlueState, m: ModuleRef): string {
  if (g.opts.jsCores) {
    throw new WeftError(
      m.kind === 'static'
        ? `js: the component exports core module ${m.index}, which has no JavaScript form a host could instantiate`
        : `js: core module import '${m.importName}' would be a WebAssembly.Module supplied at run time, which needs WebAssembly`,
    );
  }
  if (m.kind === 'static') return `$mods[${m.index}]`;
  return getOrCreate(g.imports, `module:${m.importName}`, () => {
    const name = g.name(`module_${m.importName}`);
    g.decls.push(`const ${name} = ${g.helpers.use('$import')}(imports, ${importNames(m.importName)}, undefined, 'core module');`);
    g.decls.push(`if (!(${name} instanceof WebAssembly.Module)) throw new TypeError(${str(`import ${m.importName}: expected a WebAssembly.Module`)});`);
    return name;
  });
}
