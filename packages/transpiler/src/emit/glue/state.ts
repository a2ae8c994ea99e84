import type { ResourceJs } from '../../abi/context.js';
import { HELPER_NAMES, Helpers } from '../../js/helpers.js';
import { str } from '../../js/names.js';
import type { Plan } from '../../link/plan.js';
import type { Resource } from '../../types/model.js';
import { FIXED_NAMES } from './names.js';
import type { GlueOptions } from './options.js';

/** The value kept under `key`, made by `make` on first use. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** A name hint for something made of `of`, a name `GlueState.name` gave: `$f` -> `f_what`. */
export function hintFrom(of: string, what: string): string {
  return `${of.slice(1)}_${what}`;
}

/**
 * Everything the glue for one plan has written or named so far, shared by the parts that
 * write it: each thing is generated once, on first use, and found again here.
 */
export class GlueState {
  /** Module-level helpers the glue uses. */
  readonly helpers = new Helpers();
  /** Module-level constants: expression -> name. */
  readonly constants = new Map<string, string>();
  /** Declarations at the top of `instantiate`. */
  readonly decls: string[] = [];
  /** Generated functions, each after those it was written with. */
  readonly fns: string[] = [];
  /** The objects of nested export instances, declared before the export object. */
  readonly exportDecls: string[] = [];
  /** Assignments to run right after core instance `i` is created. */
  readonly afterInstance = new Map<number, string[]>();
  /** Generated functions and values by what they do (`kind:...`). */
  readonly generated = new Map<string, string>();
  /** Core instance exports (`instance:name`) -> the variable holding them. */
  readonly coreExports = new Map<string, string>();
  /** Core memory exports (`instance:name`) -> their DataView getter. */
  readonly memories = new Map<string, { mem: string; view: string }>();
  /** Component instance -> its handle table. */
  readonly tables = new Map<number, string>();
  /** Resource types in order of first use; the order numbers their tags. */
  readonly resources = new Map<Resource, ResourceJs>();
  /** Lowering index -> its trampoline. */
  readonly lowerings = new Map<number, string>();
  /** Lift index -> its wrapper. */
  readonly lifts = new Map<number, string>();
  /** Imported objects and core modules (see `imports.ts`) -> the expression reading them. */
  readonly imports = new Map<string, string>();
  /** Component instances whose state (`$st`) the glue reads. */
  readonly usesState = new Set<number>();
  /** Some export's calls queue: declare `$queued`. */
  queue = false;
  /** Names given so far (see `name`). */
  private readonly taken = new Set<string>();

  constructor(
    readonly plan: Plan,
    readonly opts: GlueOptions,
  ) {}

  /**
   * A fresh `$` name saying what it holds: `hint` made an identifier, with `_2`, `_3`, ...
   * added in order of first use when taken. The `$` keeps it from shadowing JS globals.
   */
  name(hint: string): string {
    const base = `$${hint.replace(/\W+/g, '_')}`;
    let name = base;
    for (let n = 2; this.taken.has(name) || HELPER_NAMES.has(name) || FIXED_NAMES.test(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }

  /** The function generated for `key`, written by `write(name)` on first use. */
  once(key: string, hint: string, write: (name: string) => string): string {
    return getOrCreate(this.generated, key, () => {
      const name = this.name(hint);
      this.fns.push(write(name));
      return name;
    });
  }

  /** A module-level constant for `expr`; identical expressions share one. */
  constant(expr: string): string {
    return getOrCreate(this.constants, expr, () => `$k${this.constants.size}`);
  }

  text(s: string): string {
    return this.constant(str(s));
  }

  /** Runs `line` right after core instance `instance` is created. */
  after(instance: number, line: string): void {
    getOrCreate(this.afterInstance, instance, () => []).push(line);
  }
}
