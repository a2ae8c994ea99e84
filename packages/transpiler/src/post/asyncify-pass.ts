import { WeftError } from '../error.js';
import { readCoreModule } from '../decode/core-module.js';
import { Reader } from '../decode/reader.js';
import { functionsReaching } from './asyncify-reach.js';
import { cached } from './cache.js';
import { withMemoryExport, withOwnMemory, withoutNames } from './section-edit.js';
import { nativeWasmOpt, runWasmOpt } from './wasm-opt.js';

/** The export through which the glue reaches a rewritten module's memory it does not export. */
export const ASYNCIFY_MEMORY_EXPORT = 'weft:asyncify-memory';

const ASYNCIFY_EXPORTS = ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind', 'asyncify_stop_rewind', 'asyncify_get_state'];

// Bump when the rewrite below changes, so cached output from older versions is not reused.
const PASS_VERSION = 'weft-asyncify-3';

/**
 * Past this size binaryen.js rewrites a module without binaryen's clean-up of the rewritten
 * functions. Measured on a 12 MB JS engine module (componentize-js) on one core: about
 * 2.5 minutes unoptimised (output 3.1x the input), 13 minutes at level 1 (1.5x). A native
 * `wasm-opt` cleans up at every size.
 */
const OPTIMIZE_BELOW_BYTES = 4 << 20;

type Binaryen = typeof import('binaryen').default;
type BinaryenModule = InstanceType<Binaryen['Module']>;

async function loadBinaryen(): Promise<Binaryen> {
  try {
    const binaryen: Binaryen | undefined = (await import('binaryen')).default;
    // Browser bundles replace binaryen, 12 MB that only asyncify uses, with an empty
    // module (package.json `browser`).
    if (typeof binaryen?.readBinaryWithFeatures === 'function') return binaryen;
  } catch (e) {
    throw new WeftError(`asyncMode 'asyncify' needs the 'binaryen' package: ${(e as Error).message}`);
  }
  throw new WeftError("asyncMode 'asyncify' needs binaryen, which browser bundles of weft leave out: use 'jspi' in a browser, or transpile in Node");
}

/**
 * binaryen's `asyncify-imports` list is `module.name` pairs split at the first dot; WASI
 * module names contain dots (`wasi:io/poll@0.2.3`), so those become wildcards, which
 * match the dot and nothing the import list does not also name.
 */
function importPattern(module: string, name: string): string {
  return `${module.replace(/[.,*]/g, '*')}.${name.replace(/[,*]/g, '*')}`;
}

/** What asyncify is told: binaryen's pass arguments, and its optimisation level. */
interface PassArgs {
  imports: string;
  /** `asyncify-onlylist`: the functions to rewrite, by index (the module has no names). */
  only?: string;
  optimize: number;
}

/** The binaryen that rewrites: a native `wasm-opt` when there is one, else binaryen.js. */
interface Rewriter {
  /** Part of the cache key: the two binaryens write different bytes. */
  id: string;
  optimize(size: number): number;
  run(input: Uint8Array, args: PassArgs, what: string): Promise<Uint8Array>;
}

async function rewriter(): Promise<Rewriter> {
  const native = await nativeWasmOpt();
  if (native) {
    return {
      id: `wasm-opt ${native.version}`,
      // Level 1 is the fastest rewrite as well as the smallest. On a 12 MB JS engine (9,442
      // of its 12,403 functions rewritten) wasm-opt 108 took about 170 s of CPU for 1.52x the
      // input at level 1; 245 s for 3.2x at level 0, where asyncify saves locals that were
      // never coalesced; 500 s for 1.8x at level 0 behind asyncify's own pre-flow passes and
      // followed by a clean-up list. Asyncify's inner pass runners take binaryen's default
      // options, so every level above 0 and every shrink level write the very same bytes.
      optimize: () => 1,
      run: (input, args, what) =>
        runWasmOpt(
          native,
          input,
          [
            '{in}',
            '--all-features',
            '--no-validation',
            `--optimize-level=${args.optimize}`,
            '--shrink-level=0',
            '--pass-arg=asyncify-imports@@{imports}',
            ...(args.only ? ['--pass-arg=asyncify-onlylist@@{only}'] : []),
            '--asyncify',
            '-o',
            '{out}',
          ],
          { '{imports}': args.imports, ...(args.only ? { '{only}': args.only } : {}) },
          what,
        ),
    };
  }
  const binaryen = await loadBinaryen();
  return {
    id: 'binaryen.js',
    optimize: (size) => (size < OPTIMIZE_BELOW_BYTES ? 2 : 0),
    run: async (input, args, what) => {
      const m = readModule(binaryen, input, what);
      try {
        binaryen.setOptimizeLevel(args.optimize);
        binaryen.setShrinkLevel(0);
        binaryen.setPassArgument('asyncify-imports', args.imports);
        if (args.only) binaryen.setPassArgument('asyncify-onlylist', args.only);
        // Only the functions asyncify changed are optimised again: a whole-module run would
        // cost minutes on a JS engine's worth of code and gain little.
        m.runPasses(['asyncify']);
        binaryen.clearPassArguments();
        return m.emitBinary();
      } finally {
        m.dispose();
      }
    },
  };
}

/**
 * Rewrites a core module with binaryen's asyncify so that calls to `imports` can unwind
 * and later rewind the stack (and exports its memory as `weft:asyncify-memory` if asked).
 * Only the functions that can be on the stack at such a call are rewritten, where weft can
 * tell which (`functionsReaching`). The rewrite of a large module takes long, so its output
 * is cached by content.
 */
export async function asyncifyModule(
  bytes: Uint8Array,
  imports: { module: string; name: string }[],
  memory: { exportMemory: boolean; addMemory: boolean },
  what: string,
  cacheDir: string | false,
): Promise<Uint8Array> {
  const tool = await rewriter();
  const optimize = tool.optimize(bytes.length);
  const key = [PASS_VERSION, tool.id, JSON.stringify(imports), String(memory.exportMemory), String(memory.addMemory), String(optimize)];
  return cached(cacheDir, 'asyncify', bytes, key, async () => {
    const exported = new Set(readCoreModule(new Reader(bytes, 0, bytes.length)).exports.map((e) => e.name));
    for (const name of ASYNCIFY_EXPORTS) {
      if (exported.has(name)) throw new WeftError(`asyncMode 'asyncify': ${what} already exports '${name}'; was it rewritten by asyncify before?`);
    }
    const listed = new Set(imports.map((i) => `${i.module}\0${i.name}`));
    const only = functionsReaching(bytes, (module, name) => listed.has(`${module}\0${name}`));
    // A memory the module defines (or is given) and keeps to itself is memory 0.
    const named = memory.addMemory ? withOwnMemory(withoutNames(bytes)) : withoutNames(bytes);
    const input = memory.exportMemory ? withMemoryExport(named, ASYNCIFY_MEMORY_EXPORT) : named;
    const args: PassArgs = { imports: imports.map((i) => importPattern(i.module, i.name)).join(','), optimize };
    // An empty onlylist would mean no list at all to binaryen; with nothing to rewrite, its own analysis finds as much.
    if (only?.length) args.only = only.join(',');
    return tool.run(input, args, what);
  });
}

function readModule(binaryen: Binaryen, bytes: Uint8Array, what: string): BinaryenModule {
  try {
    return binaryen.readBinaryWithFeatures(bytes, binaryen.Features.All);
  } catch (e) {
    throw new WeftError(`asyncMode 'asyncify': binaryen cannot read ${what}: ${(e as Error).message}`);
  }
}

/**
 * A core instance that may suspend but has no memory cannot be rewritten. That is safe only
 * when each of its functions just passes its parameters on to one call: replaying it while
 * the stack rewinds repeats nothing but that call. wit-component's import shims are so.
 */
export async function checkForwarder(bytes: Uint8Array, what: string): Promise<void> {
  const binaryen = await loadBinaryen();
  const m = readModule(binaryen, bytes, what);
  try {
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const fn = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
      if (fn.module) continue;
      if (!fn.body || fn.vars.length > 0 || !forwardsOnly(binaryen, fn.body)) {
        throw new WeftError(
          `asyncMode 'asyncify': ${what} can reach an import that suspends but has no memory to unwind into, and its function '${fn.name}' does more than forward a call`,
        );
      }
    }
  } finally {
    m.dispose();
  }
}

function forwardsOnly(binaryen: Binaryen, body: number): boolean {
  const e = binaryen.getExpressionInfo(body) as { id: number; operands?: number[]; target?: number; children?: number[] };
  if (e.id === binaryen.BlockId) {
    const children = (e as { children: number[] }).children;
    return children.length === 1 && forwardsOnly(binaryen, children[0]!);
  }
  if (e.id !== binaryen.CallId && e.id !== binaryen.CallIndirectId) return false;
  const operands = [...(e.operands ?? []), ...(e.id === binaryen.CallIndirectId ? [e.target!] : [])];
  return operands.every((o) => {
    const id = binaryen.getExpressionInfo(o).id;
    return id === binaryen.LocalGetId || id === binaryen.ConstId;
  });
}
