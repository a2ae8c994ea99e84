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
  /** `context.get/set` slot `index` of component instance `instance`'s current task. */
  | { kind: 'context'; op: 'get' | 'set'; index: number; instance: number }
  /** `task.return` in component instance `instance`: hands the current async call its result. */
  | { kind: 'task-return'; result?: ValType; opts: CanonOpts; instance: number }
  /** `backpressure.inc/dec` of component instance `instance`. */
  | { kind: 'backpressure'; op: 'inc' | 'dec'; instance: number }
  /** A built-in weft does not implement (Preview 3 async, threads): trapping with `message` when called. */
  | { kind: 'trap'; message: string };

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
  /**
   * Preview 3 async ABI. weft runs calls that complete without blocking: an async lift
   * returns through task.return, an async lower reports RETURNED. `callback` lifts trap.
   */
  async?: boolean;
  callback?: boolean;
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
  /** Component instances using context.get/set: their slots are cleared as each call begins. */
  contextSlots: Map<number, number>;
  /** Guest resources with a destructor: the core function called with the rep when the last own handle drops. */
  dtors: Map<Resource, CoreDef>;
}
