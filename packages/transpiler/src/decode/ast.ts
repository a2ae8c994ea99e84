/**
 * The component AST: every definition in binary order, with byte offsets. Core modules
 * are zero-copy views into the input.
 */

export type CoreSort = 'func' | 'table' | 'memory' | 'global' | 'tag' | 'type' | 'module' | 'instance';
export type Sort = { core: CoreSort } | 'func' | 'value' | 'type' | 'component' | 'instance';

/** Index space key: core sorts are prefixed with `core `. */
export type SpaceName = `core ${CoreSort}` | 'func' | 'value' | 'type' | 'component' | 'instance';

export function spaceOf(sort: Sort): SpaceName {
  return typeof sort === 'string' ? sort : `core ${sort.core}`;
}

export interface SortIdx {
  sort: Sort;
  index: number;
}

export type PrimValType = 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char' | 'string' | 'error-context';

export type ValTypeRef = { kind: 'prim'; prim: PrimValType } | { kind: 'index'; index: number };

export type DefValType =
  | { kind: 'prim'; prim: PrimValType }
  | { kind: 'record'; fields: { name: string; type: ValTypeRef }[] }
  | { kind: 'variant'; cases: { name: string; type?: ValTypeRef }[] }
  | { kind: 'list'; elem: ValTypeRef; length?: number }
  | { kind: 'tuple'; types: ValTypeRef[] }
  | { kind: 'flags'; names: string[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'option'; type: ValTypeRef }
  | { kind: 'result'; ok?: ValTypeRef; err?: ValTypeRef }
  | { kind: 'own'; index: number }
  | { kind: 'borrow'; index: number }
  | { kind: 'stream'; type?: ValTypeRef }
  | { kind: 'future'; type?: ValTypeRef }
  | { kind: 'map'; key: ValTypeRef; value: ValTypeRef };

export interface FuncTypeDef {
  kind: 'func';
  async: boolean;
  params: { name: string; type: ValTypeRef }[];
  result?: ValTypeRef;
}

export type TypeBound = { kind: 'eq'; index: number } | { kind: 'sub-resource' };

export type ExternType =
  | { kind: 'module'; typeIndex: number }
  | { kind: 'func'; typeIndex: number }
  | { kind: 'value'; bound: { kind: 'eq'; index: number } | { kind: 'type'; type: ValTypeRef } }
  | { kind: 'type'; bound: TypeBound }
  | { kind: 'component'; typeIndex: number }
  | { kind: 'instance'; typeIndex: number };

export type AliasTarget =
  | { kind: 'export'; instance: number; name: string }
  | { kind: 'core-export'; instance: number; name: string }
  | { kind: 'outer'; count: number; index: number };

export interface Alias {
  sort: Sort;
  target: AliasTarget;
}

/** The attributes of an import or export name (`nameattributes` form 0x02). */
export interface NameAttrs {
  implements?: string;
  versionSuffix?: string;
  externalId?: string;
}

export type Decl =
  | { kind: 'core-type'; type: CoreTypeDef; offset: number }
  | { kind: 'type'; type: TypeDef; offset: number }
  | { kind: 'alias'; alias: Alias; offset: number }
  | { kind: 'import'; name: string; attrs?: NameAttrs; type: ExternType; offset: number }
  | { kind: 'export'; name: string; attrs?: NameAttrs; type: ExternType; offset: number };

export type TypeDef =
  | { kind: 'defval'; def: DefValType }
  | FuncTypeDef
  | { kind: 'component'; decls: Decl[] }
  | { kind: 'instance'; decls: Decl[] }
  | { kind: 'resource'; rep: 'i32'; dtor?: number };

export type CoreValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

export type CoreTypeDef = { kind: 'func'; params: CoreValType[]; results: CoreValType[] } | { kind: 'module'; decls: CoreModuleDecl[] } | { kind: 'gc' };

export type CoreModuleDecl =
  | { kind: 'import'; module: string; name: string; desc: CoreExternDesc }
  | { kind: 'type'; type: CoreTypeDef }
  | { kind: 'alias'; count: number; index: number }
  | { kind: 'export'; name: string; desc: CoreExternDesc };

/** A core table, memory or global type: what an instantiation argument's export must match. */
export type CoreItemType =
  | { kind: 'table'; elem: CoreValType; min: bigint; max?: bigint; table64: boolean; shared: boolean }
  | { kind: 'memory'; min: bigint; max?: bigint; memory64: boolean; shared: boolean; pageSizeLog2?: number }
  | { kind: 'global'; type: CoreValType; mutable: boolean; shared: boolean };

export type CoreExternDesc = { kind: 'func'; typeIndex: number } | CoreItemType | { kind: 'tag'; typeIndex: number };

export interface CanonOptions {
  stringEncoding?: 'utf8' | 'utf16' | 'latin1+utf16';
  memory?: number;
  realloc?: number;
  postReturn?: number;
  async?: boolean;
  callback?: number;
}

export type Canon =
  | { kind: 'lift'; coreFunc: number; options: CanonOptions; typeIndex: number }
  | { kind: 'lower'; func: number; options: CanonOptions }
  | { kind: 'resource.new' | 'resource.drop' | 'resource.rep'; typeIndex: number }
  /**
   * The other built-ins (Preview 3 async, threads). `index` is the slot of context.get/set.
   * The linker implements those sync calls can use; the rest trap when called.
   */
  /**
   * `typeIndex`: the stream or future type of a `stream.*` or `future.*` built-in;
   * `coreTypeIndex` and `tableIndex`: the function type and table of a `thread.*` built-in;
   * `memoryIndex`: the memory `waitable-set.wait` and `.poll` write events to.
   */
  | {
      kind: 'builtin';
      name: string;
      index?: number;
      typeIndex?: number;
      coreTypeIndex?: number;
      tableIndex?: number;
      memoryIndex?: number;
      /** The boolean immediate: `async` of subtask.cancel and cancel-read/write, `cancellable` of waits and yields. */
      flag?: boolean;
      result?: ValTypeRef;
      options?: CanonOptions;
    };

export interface CoreFuncSig {
  params: CoreValType[];
  results: CoreValType[];
}

export interface CoreModuleInfo {
  /**
   * `type` is the function signature of a func import, when the module's types are plain
   * function types; `item` the type of a table, memory or global, where the module says it.
   */
  imports: { module: string; name: string; kind: CoreSort; type?: CoreFuncSig; item?: CoreItemType }[];
  exports: { name: string; kind: CoreSort; type?: CoreFuncSig; item?: CoreItemType }[];
  /** Memories a module binary defines (imported ones are among `imports`); unknown for a module type. */
  memories?: number;
}

export type Definition =
  | { kind: 'core-module'; offset: number; bytes: Uint8Array; info: CoreModuleInfo }
  | {
      kind: 'core-instance';
      offset: number;
      expr:
        | { kind: 'instantiate'; module: number; args: { name: string; instance: number }[] }
        | { kind: 'exports'; exports: { name: string; sort: CoreSort; index: number }[] };
    }
  | { kind: 'core-type'; offset: number; type: CoreTypeDef }
  | { kind: 'component'; offset: number; component: ComponentAst }
  | {
      kind: 'instance';
      offset: number;
      expr:
        | { kind: 'instantiate'; component: number; args: { name: string; item: SortIdx }[] }
        | { kind: 'exports'; exports: { name: string; attrs?: NameAttrs; item: SortIdx }[] };
    }
  | { kind: 'alias'; offset: number; alias: Alias }
  | { kind: 'type'; offset: number; type: TypeDef }
  | { kind: 'canon'; offset: number; canon: Canon }
  | { kind: 'start'; offset: number; func: number; args: number[]; results: number }
  | { kind: 'import'; offset: number; name: string; attrs?: NameAttrs; type: ExternType }
  | { kind: 'export'; offset: number; name: string; attrs?: NameAttrs; item: SortIdx; type?: ExternType };

export interface ComponentAst {
  /** Offset of the preamble in the outermost input. */
  offset: number;
  definitions: Definition[];
  customSections: { name: string; offset: number; bytes: Uint8Array }[];
}
