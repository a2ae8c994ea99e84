import type { Builtin, Lowering } from '../../link/plan.js';

export interface GlueOptions {
  /** File name the plan's module `i` is loaded from. */
  moduleFile(i: number): string;
  instantiation: 'async' | 'sync';
  namespacedExports: boolean;
  /** Read imported values on first use (see `importValue`); otherwise once, while instantiating. */
  lazyImports: boolean;
  /**
   * The core modules are JavaScript (`--js`): module `i` is the function `$cores[i]` at module
   * level, called with an import object and returning an export object, and `instantiate`
   * takes only the imports.
   */
  jsCores?: boolean;
  /**
   * The async modes: imports for which `suspends` says so may return a promise and suspend
   * the guest; exports return promises, queued so that one instance never runs two
   * suspended calls at once. Under `jspi` the engine suspends (WebAssembly.Suspending and
   * WebAssembly.promising); under `asyncify` the core instances in `instrumented` were
   * rewritten to unwind and rewind their stack, and the glue drives that.
   */
  async?: AsyncGlue;
}

/** Preview 3: the lowerings and built-ins whose synchronous waits suspend the calling thread's stack. */
export interface StackfulWaits {
  lowering(l: Lowering): boolean;
  builtin(b: Builtin): boolean;
}

export type AsyncGlue =
  | {
      mode: 'jspi';
      suspends(l: Lowering): boolean;
      /**
       * Preview 3: `instances` are the core instances whose calls may reach such a wait; a
       * thread calls them on a stack of its own (WebAssembly.promising), which the waits
       * suspend (WebAssembly.Suspending).
       */
      stackful?: StackfulWaits & { instances: Set<number> };
    }
  | {
      mode: 'asyncify';
      suspends(l: Lowering): boolean;
      /** Preview 3: the thread's stack unwinds, and is rewound when the runtime resumes the thread. */
      stackful?: StackfulWaits;
      /** Core instances running asyncify-rewritten code -> the memory export they unwind into. */
      instrumented: Map<number, { instance: number; name: string }>;
      /** Bytes each instrumented instance may borrow from its memory while its stack unwinds. */
      unwindBytes(instance: number): number;
    };
