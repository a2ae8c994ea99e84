/**
 * Drives one component under both engines with the same generated arguments and the same
 * recording host, and returns every call where what JS saw differs: the export's result or
 * thrown error, or the arguments of any host-import call made during it.
 */
import { createHash } from 'node:crypto';
import { inspect, isDeepStrictEqual } from 'node:util';
import type { Engine } from '../harness.js';
import type { Resource, ValType } from '../../src/types/model.js';
import { engines, type Loaded } from './engines.js';
import type { ExportFn, ImportFn, Surface } from './surface.js';
import { argumentLists, materialize, type ResourceSeed, type Spelling, spellings, valueFor } from './values.js';

export interface ThrownRecord {
  /** The class name of what was thrown (or its typeof). */
  error: string;
  message?: string;
  payload?: unknown;
}

/** What one export call looked like from JS. */
export interface CallRecord {
  outcome: { returned: unknown } | { threw: ThrownRecord } | { missing: string };
  /** Every host-import call made during the export call, in order. */
  hostCalls: { import: string; self?: unknown; args: unknown[] }[];
}

export interface Difference {
  component: string;
  call: string;
  spelling: Spelling;
  /** The generated arguments (resources as ResourceSeed). */
  generated: unknown[];
  weft: CallRecord;
  jco: CallRecord;
}

export interface DriveResult {
  calls: number;
  hostCalls: number;
  differences: Difference[];
  /** The export object's shape (keys and kinds), per engine. */
  shapes: Record<Engine, unknown>;
}

/** A 31-bit seed from the parts naming a call. */
function seedOf(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\0')).digest().readUInt32LE(0) >>> 1;
}

/**
 * Host-import calls allowed in one export call. A guest that loops as often as an argument
 * says would otherwise make millions; the host's throw ends the call the same way in both.
 */
const MAX_HOST_CALLS = 64;

class HostCallLimit extends Error {}

/** A host error carrying the err payload of a `result`. */
class HostError extends Error {
  constructor(readonly payload: unknown) {
    super('host error');
  }
}

/** One engine's side of the run: its instance, its host, and the identities of its objects. */
class Side {
  exports: any;
  log: CallRecord['hostCalls'] = [];
  private seedBase = 0;
  private spelling: Spelling = 'canonical';
  private hostIndex = 0;
  /**
   * Identities of resource objects: the export call that first saw one and the order it was
   * seen in there, so one call that makes an extra object does not renumber every later one.
   */
  private readonly tokens = new WeakMap<object, { call: string; k: number }>();
  private call = '';
  private tokenCount = 0;
  private readonly hostClasses = new Map<Resource, new () => object>();
  readonly imports: Record<string, any> = {};

  constructor(
    private readonly loaded: Loaded,
    private readonly surface: Surface,
    private readonly component: string,
  ) {
    for (const h of surface.hostClasses) {
      const holder = this.holder(h.path);
      const side = this;
      const ctor = surface.imports.find((i) => i.call.kind === 'constructor' && i.call.cls === h.cls && isDeepStrictEqual(i.path, h.path));
      const cls = class {
        constructor(...args: unknown[]) {
          // The glue constructs a host class only through its [constructor] import.
          side.hostCall(ctor!, undefined, args);
        }
      };
      Object.defineProperty(cls, 'name', { value: h.cls });
      holder[h.cls] = cls;
      this.hostClasses.set(h.resource, cls);
    }
    for (const imp of surface.imports) {
      const holder = this.holder(imp.path);
      const side = this;
      const c = imp.call;
      if (c.kind === 'free') holder[c.key] = (...args: unknown[]) => side.hostCall(imp, undefined, args);
      else if (c.kind === 'static') holder[c.cls][c.name] = (...args: unknown[]) => side.hostCall(imp, undefined, args);
      else if (c.kind === 'method')
        holder[c.cls].prototype[c.name] = function (this: object, ...args: unknown[]) {
          return side.hostCall(imp, this, args);
        };
    }
  }

  private holder(path: string[]): Record<string, any> {
    let o = this.imports;
    for (const k of path) o = o[k] ??= {};
    return o;
  }

  /** Host calls made while instantiating (a start function's) get canonical answers, whatever call came before. */
  async instantiate(): Promise<void> {
    this.begin('instantiate', 0, 'canonical');
    this.exports = await this.loaded.instantiate(this.imports);
  }

  /** Starts an export call: host answers are seeded by the call, so one stray call does not shift the rest. */
  begin(call: string, index: number, spelling: Spelling): void {
    this.log = [];
    this.spelling = spelling;
    this.seedBase = seedOf(this.component, call, index, spelling);
    this.call = `${call} ${spelling} ${index}`;
    this.tokenCount = 0;
    this.hostIndex = 0;
  }

  private hostCall(imp: ImportFn, self: object | undefined, args: unknown[]): unknown {
    if (this.hostIndex === MAX_HOST_CALLS) throw new HostCallLimit();
    const seed = seedOf(this.seedBase, this.hostIndex++);
    this.log.push({ import: imp.name, ...(self ? { self: this.normalize(self) } : {}), args: args.map((a) => this.normalize(a)) });
    const t = imp.type.result;
    if (!t || imp.call.kind === 'constructor') return undefined;
    const make = (r: ResourceSeed) => this.hostObject(r.resource);
    if (t.kind === 'result') {
      const v = valueFor(t, seed, this.spelling) as { tag: 'ok' | 'err'; val?: unknown };
      const payload = v.tag === 'ok' ? t.ok : t.err;
      const val = payload ? materialize(payload, v.val, make) : undefined;
      // A host may also throw the err payload itself (when it is not an object), as jco's glue allows.
      if (v.tag === 'err') throw this.spelling !== 'canonical' && (val === null || typeof val !== 'object') ? val : new HostError(val);
      return val;
    }
    return materialize(t, valueFor(t, seed, this.spelling), make);
  }

  /** A host resource object made by the host itself (no constructor call to record). */
  private hostObject(r: Resource): object {
    const cls = this.hostClassOf(r);
    if (!cls) throw new Error(`the differential host cannot make a ${r.origin} resource '${r.name}'`);
    const o = Object.create(cls.prototype) as object;
    this.identify(o);
    return o;
  }

  private hostClassOf(r: Resource): (new () => object) | undefined {
    return this.hostClasses.get(r);
  }

  /** The JS value for a generated argument; resources come from the host or the guest's constructor. */
  argument(t: ValType, v: unknown): unknown {
    return materialize(t, v, (r) => {
      if (this.hostClassOf(r.resource)) return this.hostObject(r.resource);
      const ctor = this.surface.exports.find((e) => e.call.kind === 'constructor' && isDeepStrictEqual(e.path, this.surface.guestClasses.get(r.resource)));
      if (!ctor) throw new Error(`the differential host cannot make a guest resource '${r.resource.name}': it has no exported constructor`);
      const [args] = argumentLists(ctor.type, r.resourceSeed, 1);
      const o = this.invoke(
        ctor,
        ctor.type.params.map((p, i) => this.argument(p.type, args![i])),
      );
      this.identify(o);
      return o;
    });
  }

  invoke(fn: ExportFn, args: unknown[]): any {
    let target = this.exports;
    for (const k of fn.path) target = target?.[k];
    if (target === undefined) throw new MissingExport(fn.path.join('.'));
    const c = fn.call;
    switch (c.kind) {
      case 'free':
        return target(...args);
      case 'constructor':
        return new target(...args);
      case 'static':
        return target[c.name](...args);
      case 'method':
        return (args[0] as any)[c.name](...args.slice(1));
    }
  }

  /** A JS value as compared: plain data as is (prototype included), resources and errors by identity and class. */
  normalize(v: unknown): unknown {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
    if (typeof v === 'function') return { function: v.name };
    if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
    if (Array.isArray(v)) return v.map((x) => this.normalize(x));
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [this.normalize(k), this.normalize(x)]));
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const o = Object.create(proto);
      for (const k of Reflect.ownKeys(v)) o[k] = this.normalize((v as any)[k]);
      return o;
    }
    if (v instanceof Error) return this.error(v);
    const t = this.identify(v);
    const disposable = typeof (v as { [Symbol.dispose]?: unknown })[Symbol.dispose] === 'function';
    return { resource: `${v.constructor?.name}#${t.k}${t.call === this.call ? '' : ` of ${t.call}`}`, disposable };
  }

  private identify(o: object): { call: string; k: number } {
    let t = this.tokens.get(o);
    if (!t) this.tokens.set(o, (t = { call: this.call, k: this.tokenCount++ }));
    return t;
  }

  error(e: unknown): ThrownRecord {
    if (!(e instanceof Error)) return { error: typeof e, message: String(e) };
    const out: ThrownRecord = { error: e.constructor.name, message: e.message };
    if (Object.hasOwn(e, 'payload')) out.payload = this.normalize((e as unknown as { payload: unknown }).payload);
    return out;
  }
}

class MissingExport extends Error {}

/**
 * The export object's keys and what each holds; for a class, its methods and static functions
 * (`Symbol.dispose` is compared on each resource object instead: jco sets it per object).
 */
function shape(v: unknown, depth = 0): unknown {
  if (typeof v === 'function') {
    const methods = Object.getOwnPropertyNames(v.prototype ?? {})
      .filter((k) => k !== 'constructor')
      .sort();
    const statics = Object.getOwnPropertyNames(v)
      .filter((k) => typeof (v as any)[k] === 'function')
      .sort();
    return methods.length || statics.length ? { methods, statics } : 'function';
  }
  if (v === null || typeof v !== 'object' || depth > 3) return typeof v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, shape((v as any)[k], depth + 1)]),
  );
}

/**
 * Every object's keys in order, depth first: deep equality ignores the order, but JSON.stringify
 * and `for...in` in host code do not.
 */
function keyOrder(v: unknown, out: string[] = []): string[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return out;
  if (!Array.isArray(v) && !(v instanceof Map)) out.push(Object.keys(v).join(','));
  for (const x of v instanceof Map ? v.values() : Object.values(v)) keyOrder(x, out);
  return out;
}

/** Deep-strict-equal, keys in the same order. */
export function sameRecord(a: CallRecord, b: CallRecord): boolean {
  return isDeepStrictEqual(a, b) && isDeepStrictEqual(keyOrder(a), keyOrder(b));
}

export function render(v: unknown): string {
  return inspect(v, { depth: 8, breakLength: 160, maxArrayLength: 20, maxStringLength: 80 });
}

/** Generated calls per function and spelling; a function without parameters gets a few, enough to see state carried between calls. */
export type CallCounts = Record<Spelling | 'nullary', number>;

export async function drive(component: string, surface: Surface, loaded: Record<Engine, Loaded>, counts: CallCounts): Promise<DriveResult> {
  const sides = engines.map((e) => new Side(loaded[e], surface, component));
  const instantiateAll = () => Promise.all(sides.map((s) => s.instantiate()));
  await instantiateAll();
  const result: DriveResult = { calls: 0, hostCalls: 0, differences: [], shapes: { weft: shape(sides[0]!.exports), jco: shape(sides[1]!.exports) } };
  for (const spelling of spellings)
    for (const fn of surface.exports) {
      const n = fn.type.params.length ? counts[spelling] : counts.nullary;
      const lists = argumentLists(fn.type, seedOf(component, fn.name, spelling), n, spelling);
      for (const [index, generated] of lists.entries()) {
        const records = sides.map((s) => {
          s.begin(fn.name, index, spelling);
          let outcome: CallRecord['outcome'];
          try {
            const args = fn.type.params.map((p, i) => s.argument(p.type, generated[i]));
            outcome = { returned: s.normalize(s.invoke(fn, args)) };
          } catch (e) {
            outcome = e instanceof MissingExport ? { missing: e.message } : { threw: s.error(e) };
          }
          return { outcome, hostCalls: s.log };
        });
        const [weft, jco] = records as [CallRecord, CallRecord];
        result.calls++;
        result.hostCalls += weft.hostCalls.length;
        if (!sameRecord(weft, jco)) result.differences.push({ component, call: fn.name, spelling, generated, weft, jco });
        // A trap poisons an instance (and a wrong value may have left one half-called): start afresh.
        if (records.some((r) => 'threw' in r.outcome && r.outcome.threw.error !== 'ComponentError')) await instantiateAll();
      }
    }
  return result;
}
