import { readCoreModule } from '../decode/core-module.js';
import { Reader } from '../decode/reader.js';
import type { AsyncGlue } from '../emit/glue/index.js';
import { builtinBlocks, loweringBlocks, suspendingLowerings } from '../emit/suspending.js';
import { WeftError } from '../error.js';
import { unversioned } from '../js/names.js';
import type { Plan } from '../link/plan.js';
import type { TranspileOptions } from '../options.js';
import { asyncifyModule, checkForwarder } from './asyncify-pass.js';
import { mayWait, planAsyncify } from './asyncify-plan.js';
import { defaultCacheDir } from './cache.js';

/** `ns:pkg/iface#func` (versioned or not) or a world-level `func`. */
function hasExportFunc(plan: Plan, name: string): boolean {
  const hash = name.indexOf('#');
  if (hash < 0) return plan.exports.get(name)?.kind === 'func';
  const iface = unversioned(name.slice(0, hash));
  for (const [n, e] of plan.exports) {
    if (e.kind === 'instance' && unversioned(n) === iface) return e.exports.get(name.slice(hash + 1))?.kind === 'func';
  }
  return false;
}

/** The memory a rewritten module borrows while its stack unwinds: room for the locals of every frame on it. */
function unwindBytes(moduleSize: number): number {
  return moduleSize > 1 << 20 ? 1 << 20 : 1 << 16;
}

/**
 * The async mode's stage: checks the async options against the plan and says how the glue
 * waits. For asyncify it also rewrites the core modules that can reach a waiting import,
 * returning a new plan (the linker's is left as it was) whose rewritten modules carry what
 * their new bytes export.
 */
export async function asyncify(plan: Plan, opts: TranspileOptions): Promise<{ plan: Plan; async?: AsyncGlue }> {
  const mode = opts.asyncMode ?? 'sync';
  if (mode === 'sync') {
    if (opts.asyncImports?.length || opts.asyncExports?.length) {
      throw new WeftError(
        `${opts.asyncImports?.length ? 'asyncImports' : 'asyncExports'} needs asyncMode 'jspi' or 'asyncify': in 'sync' mode nothing may wait`,
      );
    }
    return { plan };
  }
  // Every export returns a promise in the async modes: the names only have to exist.
  for (const name of opts.asyncExports ?? []) {
    if (!hasExportFunc(plan, name)) throw new WeftError(`asyncExports: the component exports no function '${name}'`);
  }
  const suspends = suspendingLowerings(opts.asyncImports);
  if (mode === 'jspi') {
    const stackful = plan.async
      ? { stackful: { lowering: loweringBlocks, builtin: builtinBlocks, instances: mayWait(plan, loweringBlocks, builtinBlocks) } }
      : {};
    return { plan, async: { mode, suspends, ...stackful } };
  }
  // A Preview 3 component waits on its own terms: a thread whose synchronous call or
  // built-in must wait unwinds its stack and is resumed by the runtime's scheduler.
  const ap = plan.async ? planAsyncify(plan, loweringBlocks, builtinBlocks) : planAsyncify(plan, suspends);
  const cacheDir = opts.cacheDir ?? (await defaultCacheDir());
  const what = (i: number) => `core module ${i}`;
  const moduleOf = new Map(plan.steps.map((s) => [s.instance, s.module]));
  // Several instances of one module need one check.
  const forwarderModules = new Set([...ap.forwarders].map((i) => moduleOf.get(i)!).flatMap((m) => (m.kind === 'static' ? [m.index] : [])));
  for (const index of forwarderModules) {
    if (!ap.modules.has(index)) await checkForwarder(plan.modules[index]!.bytes, what(index));
  }
  const modules = [...plan.modules];
  for (const [index, { imports, exportMemory, addMemory }] of ap.modules) {
    const bytes = await asyncifyModule(plan.modules[index]!.bytes, imports, { exportMemory, addMemory }, what(index), cacheDir);
    modules[index] = { bytes, info: readCoreModule(new Reader(bytes, 0, bytes.length)) };
  }
  return {
    plan: { ...plan, modules },
    async: {
      mode,
      suspends,
      ...(plan.async ? { stackful: { lowering: loweringBlocks, builtin: builtinBlocks } } : {}),
      instrumented: ap.instrumented,
      unwindBytes: (i) => {
        const m = moduleOf.get(i)!;
        return unwindBytes(m.kind === 'static' ? plan.modules[m.index]!.bytes.length : 0);
      },
    },
  };
}
