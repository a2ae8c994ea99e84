import type { CoreModuleInfo, CoreValType } from '../decode/ast.js';

/**
 * Resolved types: the AST's index references replaced by the types they denote, with
 * resources as identities. Values flowing through the linker carry these.
 */

export type ValType = ValTypeDef & {
  /** The WIT name it was exported or imported under, for messages and declarations. */
  name?: string;
  /**
   * Validation: the type this one is a named copy of. An import or export that names a
   * record, variant, enum or flags type gives it a new identity for external visibility;
   * a use of either identity is visible where one of them was named.
   */
  renamedFrom?: ValType;
};

type ValTypeDef =
  | { kind: 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char' | 'string' }
  | { kind: 'record'; fields: { name: string; type: ValType }[] }
  | { kind: 'variant'; cases: { name: string; type?: ValType }[] }
  | { kind: 'list'; elem: ValType; length?: number }
  | { kind: 'tuple'; types: ValType[] }
  | { kind: 'flags'; names: string[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'option'; type: ValType }
  | { kind: 'result'; ok?: ValType; err?: ValType }
  | { kind: 'own' | 'borrow'; resource: Resource }
  /** Laid out as list<tuple<key, value>>; a JS `Map`. */
  | { kind: 'map'; key: ValType; value: ValType }
  /** Preview 3: the readable end of a stream or future of `elem` (none: a unit stream or future), and an error context. */
  | { kind: 'stream' | 'future'; elem?: ValType }
  | { kind: 'error-context' };

export interface FuncType {
  params: { name: string; type: ValType }[];
  result?: ValType;
  /** A Preview 3 `async` function type. */
  async?: boolean;
}

/**
 * A resource type. `abstract` ones stand for `(sub resource)` declarations inside type
 * definitions; they are replaced by `host` resources when a top-level import is bound,
 * or by whatever the instantiator supplies for an inner component.
 */
export interface Resource {
  /** The name it was declared or exported under (kebab-case). */
  name: string;
  origin: 'abstract' | 'host' | 'guest';
  /** host: the import specifier and export name the class comes from. */
  host?: { importName: string; path?: string[]; exportName?: string };
  /** guest: the component instance that defined it (its table owns the reps). */
  instance?: number;
  /**
   * Validation: importing or exporting a resource under a name gives it a new identity for
   * external visibility that stays the same resource for type checking. `aliasOf` is the
   * canonical resource of such a copy, `renamedFrom` the one it was copied from, and
   * `aliases` on a canonical resource lists its copies, so a substitution of it covers them.
   */
  aliasOf?: Resource;
  renamedFrom?: Resource;
  aliases?: Resource[];
}

export type ExternDesc =
  | { kind: 'func'; type: FuncType }
  | { kind: 'type'; type: AnyType }
  | { kind: 'instance'; type: InstanceType }
  | { kind: 'component'; type: ComponentType }
  /** `info` lists the module's imports and exports, with their types, where known. */
  | { kind: 'module'; info?: CoreModuleInfo }
  | { kind: 'value' };

export interface InstanceType {
  kind: 'instance';
  exports: Map<string, ExternDesc>;
  /**
   * Validation: the `(sub resource)` exports a declared instance type introduces. Each import
   * of the type gets fresh ones; a substituted copy declares none.
   */
  declared?: ReadonlySet<Resource>;
}

export interface ComponentType {
  kind: 'component';
  imports: Map<string, ExternDesc>;
  exports: Map<string, ExternDesc>;
  /**
   * Validation: for a component definition, the resources each instantiation of it creates
   * anew (its own and its inner instances'); a component type or a substituted copy has none.
   */
  generative?: ReadonlySet<Resource>;
}

/** What a type index denotes. */
export type AnyType =
  | { kind: 'value'; type: ValType }
  | { kind: 'func'; type: FuncType }
  | InstanceType
  | ComponentType
  | { kind: 'resource'; resource: Resource }
  | { kind: 'core-func'; params: CoreValType[]; results: CoreValType[] }
  | { kind: 'core-module'; info: CoreModuleInfo }
  /** A GC struct or array type: weft only needs to count it. */
  | { kind: 'core-gc' };

/** The value types directly inside `t`, in order. */
export function childTypes(t: ValType): ValType[] {
  switch (t.kind) {
    case 'record':
      return t.fields.map((f) => f.type);
    case 'variant':
      return t.cases.flatMap((c) => (c.type ? [c.type] : []));
    case 'list':
      return [t.elem];
    case 'map':
      return [t.key, t.value];
    case 'tuple':
      return t.types;
    case 'option':
      return [t.type];
    case 'result':
      return [...(t.ok ? [t.ok] : []), ...(t.err ? [t.err] : [])];
    case 'stream':
    case 'future':
      return t.elem ? [t.elem] : [];
    default:
      return [];
  }
}

/** Records the name a value type is exported or imported under (the first one wins). */
export function nameType(t: AnyType, name: string): void {
  if (t.kind === 'value' && !t.type.name && /^(record|variant|enum|flags)$/.test(t.type.kind)) t.type.name = name;
}

export function newResource(name: string, origin: Resource['origin'], extra: Partial<Resource> = {}): Resource {
  return { name, origin, ...extra };
}
