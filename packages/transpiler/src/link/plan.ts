import type { CoreModuleInfo } from '../decode/ast.js';
import type { FuncType, Resource, ValType } from '../types/model.js';

/**
 * The flat result of linking: which core modules to instantiate in what order with which
 * imports, and every boundary crossing (lowerings into core code, lifts out of it).
 */

/** A core item available at run time. */
export type CoreDef =
  /** Export `name` of runtime core instance `instance`. */
  | { kind: 'export'; instance: number; name: string }
  /** The trampoline for lowering `index`. */
  | { kind: 'lowered'; index: number }
  /** `resource.new/drop/rep` for `resource`, operating on component instance `instance`'s table. */
  | { kind: 'resource'; op: 'new' | 'drop' | 'rep'; resource: Resource; instance: number }
  /** A Preview 3 built-in called by component instance `instance`'s core code. */
  | { kind: 'builtin'; builtin: Builtin; instance: number }
  /** A built-in weft does not implement (threads): trapping with `message` when called. */
  | { kind: 'trap'; message: string };

/**
 * The Preview 3 built-ins weft implements, with what their immediates resolve to: `type` is
 * the stream or future type of a `stream.*`/`future.*` built-in, `flag` the `async` or
 * `cancellable` immediate.
 */
export type Builtin =
  | { name: 'context.get' | 'context.set'; index: number }
  | { name: 'task.return'; result?: ValType; opts: CanonOpts }
  | { name: 'waitable-set.wait' | 'waitable-set.poll'; memory: CoreDef; flag: boolean }
  | { name: 'subtask.cancel' | 'thread.yield' | ThreadSwitch; flag: boolean }
  | { name: 'thread.index' | 'thread.resume-later' }
  /** `table`: the core table the new thread's start function is taken from. */
  | { name: 'thread.new-indirect'; table: CoreDef }
  | { name: 'error-context.new' | 'error-context.debug-message'; opts: CanonOpts }
  | { name: 'stream.read' | 'stream.write' | 'future.read' | 'future.write'; type: ValType & { kind: 'stream' | 'future' }; opts: CanonOpts }
  | {
      name: 'stream.cancel-read' | 'stream.cancel-write' | 'future.cancel-read' | 'future.cancel-write';
      type: ValType & { kind: 'stream' | 'future' };
      flag: boolean;
    }
  | {
      name: 'stream.new' | 'future.new' | 'stream.drop-readable' | 'stream.drop-writable' | 'future.drop-readable' | 'future.drop-writable';
      type: ValType & { kind: 'stream' | 'future' };
    }
  | {
      name:
        | 'task.cancel'
        | 'backpressure.inc'
        | 'backpressure.dec'
        | 'subtask.drop'
        | 'waitable-set.new'
        | 'waitable-set.drop'
        | 'waitable.join'
        | 'error-context.drop';
    };

/** The built-ins that suspend the current thread, and may switch to another (their `flag` is `cancellable`). */
export const THREAD_SWITCHES = [
  'thread.suspend',
  'thread.suspend-then-resume',
  'thread.yield-then-resume',
  'thread.suspend-then-promote',
  'thread.yield-then-promote',
] as const;
export type ThreadSwitch = (typeof THREAD_SWITCHES)[number];
export function isThreadSwitch(name: string): name is ThreadSwitch {
  return (THREAD_SWITCHES as readonly string[]).includes(name);
}

/** Names of the built-ins in `Builtin`. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'context.get',
  'context.set',
  'task.return',
  'task.cancel',
  'backpressure.inc',
  'backpressure.dec',
  'subtask.cancel',
  'subtask.drop',
  'thread.yield',
  'thread.index',
  'thread.new-indirect',
  'thread.resume-later',
  ...THREAD_SWITCHES,
  'waitable-set.new',
  'waitable-set.wait',
  'waitable-set.poll',
  'waitable-set.drop',
  'waitable.join',
  'error-context.new',
  'error-context.debug-message',
  'error-context.drop',
  ...['stream', 'future'].flatMap((f) => ['new', 'read', 'write', 'cancel-read', 'cancel-write', 'drop-readable', 'drop-writable'].map((op) => `${f}.${op}`)),
]);

export type CoreInstanceVal = { kind: 'runtime'; index: number } | { kind: 'synthetic'; exports: Map<string, CoreDef> };

export interface ImportRef {
  /** Top-level import name, e.g. `wasi:cli/stdout@0.2.0` or `f`. */
  importName: string;
  /** Instances nested in the imported instance, outermost first, that hold the export. */
  path?: string[];
  /** Export of an imported instance, e.g. `get-stdout`; absent for a function import. */
  exportName?: string;
}

/** `ns:pkg/iface#inner/func`, for messages. */
export function refName(ref: ImportRef): string {
  if (ref.exportName === undefined) return ref.importName;
  return `${ref.importName}#${[...(ref.path ?? []), ref.exportName].join('/')}`;
}

/** A component-level function. */
export type FuncVal = { kind: 'import'; ref: ImportRef; type: FuncType } | { kind: 'lifted'; index: number; type: FuncType };

export interface CanonOpts {
  encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  /** Preview 3 async ABI: an async lift returns through task.return; `callback` drives a stackless one. */
  async?: boolean;
  callback?: CoreDef;
  memory?: CoreDef;
  realloc?: CoreDef;
  postReturn?: CoreDef;
}

export interface Lowering {
  index: number;
  callee: FuncVal;
  type: FuncType;
  opts: CanonOpts;
  /** Component instance whose core code calls this import (its handle table receives handles). */
  instance: number;
  /** For messages: `ns:pkg/iface#func`. */
  name: string;
}

export interface Lift {
  index: number;
  core: CoreDef;
  type: FuncType;
  opts: CanonOpts;
  instance: number;
  name: string;
}

/** A core module: one of the component's own (`plan.modules[index]`) or one the host supplies. */
export type ModuleRef = { kind: 'static'; index: number } | { kind: 'import'; importName: string };

export type Step = { kind: 'instantiate'; instance: number; module: ModuleRef; args: { name: string; instance: CoreInstanceVal }[] };

export type ExportItem =
  | { kind: 'func'; func: FuncVal }
  | { kind: 'instance'; exports: Map<string, ExportItem> }
  | { kind: 'resource'; resource: Resource }
  | { kind: 'module'; module: ModuleRef };

export interface ImportInstance {
  kind: 'instance';
  funcs: Map<string, FuncType>;
  resources: Map<string, Resource>;
  instances: Map<string, ImportInstance>;
}

export type ImportItem = { kind: 'func'; type: FuncType } | { kind: 'module' } | ImportInstance | { kind: 'resource'; resource: Resource };

/** A core module of the component's own: its bytes and what decode read of it. */
export interface CoreModule {
  bytes: Uint8Array;
  info: CoreModuleInfo;
}

export interface Plan {
  modules: CoreModule[];
  coreInstances: number;
  steps: Step[];
  lowerings: Lowering[];
  lifts: Lift[];
  imports: Map<string, ImportItem>;
  exports: Map<string, ExportItem>;
  /** Number of component instances (each has its own handle table). */
  componentInstances: number;
  /**
   * The component uses Preview 3 async (an async lift or lower, or a built-in): its calls
   * then run as tasks of the glue's Preview 3 runtime.
   */
  async: boolean;
  /** Guest resources with a destructor: the core function called with the rep when the last own handle drops. */
  dtors: Map<Resource, CoreDef>;
}
