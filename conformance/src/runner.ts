/**
 * Executes a parsed .wast script against an engine: builds and instantiates
 * components, links them through `register`, invokes exports and checks assertions.
 */
import { NOT_SUPPORTED } from '@weft/transpiler';
import { GlueError, type Loaded, type RunnerEngine } from './engine-api.js';
import { parseScript, type Command, type ComponentDecl, type Invoke, type Located } from './script.js';
import { camelCase, describeJs, emptyTypedArray, mismatch, parseValue, toJs, type WastValue } from './values.js';
import { numericListParams } from './wit-hint.js';

export interface CommandResult {
  line: number;
  /** Command keyword, e.g. `assert_return`. */
  kind: string;
  text: string;
  ok: boolean;
  /** Why it failed, or for a pass any caveat worth reporting. */
  detail?: string;
  /** assert_trap/assert_invalid/...: whether the error message contained the expected text. */
  messageMatched?: boolean;
  /**
   * assert_trap: the trap was weft's own for a feature it does not implement, so the pass
   * says nothing of the behaviour the test checks.
   */
  hollow?: boolean;
  /** Where a rejection happened, for assert_invalid/malformed/unlinkable/trap. */
  stage?: Stage;
}

export type Stage = 'assemble' | 'transpile' | 'instantiate' | 'invoke';

function trapMatch(text: string, expected: string): Pick<CommandResult, 'messageMatched' | 'hollow'> {
  const messageMatched = text.includes(expected);
  return !messageMatched && text.includes(NOT_SUPPORTED) ? { messageMatched, hollow: true } : { messageMatched };
}

export interface RunOptions {
  engine: RunnerEngine;
  /** Limit for each command's asynchronous work. Default 10 s. */
  timeoutMs?: number;
  /** Called before each command runs (lets a watchdog attribute a hang). */
  onStart?(index: number, cmd: Located): void;
  onResult?(index: number, result: CommandResult): void;
}

/** An error raised at a known stage of building or running a component. */
class StageError extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown,
  ) {
    super(`${stage} failed: ${errorText(cause)}`);
  }
}

class Timeout extends Error {}

/** Transpiling is the engine's own work, not the guest's: it gets a fixed, generous limit. */
export const TRANSPILE_TIMEOUT_MS = 60_000;

export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function stage<T>(s: Stage, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof Timeout) throw e;
    throw new StageError(s, e);
  }
}

/** True for an error the glue raises for an `err` result rather than a trap. */
function isComponentError(e: unknown): e is { payload: unknown } {
  if (typeof e !== 'object' || e === null || !('payload' in e)) return false;
  return (e as { name?: unknown }).name === 'ComponentError' || e.constructor?.name === 'ComponentError';
}

/** Finds an export by its kebab name, under the naming conventions of the glue. */
export function findExport(exports: Record<string, unknown>, name: string): unknown {
  for (const key of [name, camelCase(name), name.replace(/-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())]) {
    if (key in exports) return exports[key];
  }
  return undefined;
}

/**
 * Import objects for components that are only checked for rejection: every import
 * name resolves, so an instantiation failure means the engine rejected the component,
 * not that the script provided no host. Calling such an import throws.
 */
function anyImport(path: string): unknown {
  // A function expression, not an arrow: the proxy stands in for classes too, so its target needs a prototype.
  // biome-ignore lint/complexity/useArrowFunction: see above.
  const fn = function () {
    throw new Error(`import ${path} was called, but the script provides no such import`);
  };
  return new Proxy(fn, {
    get: (target, key) => (typeof key === 'symbol' || key === 'prototype' ? Reflect.get(target, key) : anyImport(`${path}.${key}`)),
  });
}

function importsForRejection(registry: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(
    { ...registry },
    {
      get: (target, key) => (typeof key === 'symbol' || key in target ? Reflect.get(target, key) : anyImport(String(key))),
      has: () => true,
    },
  );
}

export class Runner {
  private readonly definitions = new Map<string, Loaded>();
  private readonly instances = new Map<string, Record<string, unknown>>();
  private current: Record<string, unknown> | undefined;
  /** Why `current` is unset: the last component or instance command that failed. */
  private currentFailure: string | undefined;
  private readonly failedDefinitions = new Map<string, string>();
  private line = 0;
  private readonly registry: Record<string, unknown> = {};
  /** Component bytes behind each definition and instance, for WIT look-ups. */
  private readonly bytesOfLoaded = new WeakMap<Loaded, Uint8Array>();
  private readonly bytesOfInstance = new WeakMap<object, Uint8Array>();
  private counter = 0;
  private readonly timeoutMs: number;

  constructor(
    private readonly engine: RunnerEngine,
    timeoutMs = 10_000,
  ) {
    this.timeoutMs = timeoutMs;
  }

  private async bytesOf(decl: ComponentDecl): Promise<Uint8Array> {
    if (decl.source.form === 'binary') return decl.source.bytes;
    const text = decl.source.text;
    return stage('assemble', () => this.engine.assemble(text));
  }

  private async build(decl: ComponentDecl): Promise<Loaded> {
    const bytes = await this.bytesOf(decl);
    const name = `c${++this.counter}`;
    const loaded = await stage('transpile', () => withTimeout(this.engine.load(bytes, name), TRANSPILE_TIMEOUT_MS, 'transpile'));
    this.bytesOfLoaded.set(loaded, bytes);
    return loaded;
  }

  private async instantiate(loaded: Loaded, imports: Record<string, unknown> = { ...this.registry }): Promise<Record<string, unknown>> {
    const exports = await stage('instantiate', () => withTimeout(loaded.instantiate(imports), this.timeoutMs, 'instantiate'));
    const bytes = this.bytesOfLoaded.get(loaded);
    if (bytes) this.bytesOfInstance.set(exports, bytes);
    return exports;
  }

  /** Gives an empty `list.const` argument the typed array its parameter type calls for. */
  private async typeEmptyLists(exports: object, name: string, values: WastValue[], args: unknown[]): Promise<void> {
    if (!values.some((v) => v.t === 'list' && v.v.length === 0)) return;
    const bytes = this.bytesOfInstance.get(exports);
    if (!bytes) return;
    const wit = await this.engine.componentWit(bytes).catch(() => undefined);
    const elems = wit === undefined ? undefined : numericListParams(wit, name);
    values.forEach((v, i) => {
      const elem = elems?.[i];
      if (elem && v.t === 'list' && v.v.length === 0) args[i] = emptyTypedArray(elem);
    });
  }

  private async defineAndMaybeInstantiate(decl: ComponentDecl): Promise<void> {
    if (decl.id) this.failedDefinitions.set(decl.id, `its definition at line ${this.line} failed`);
    if (!decl.definition) {
      this.current = undefined;
      this.currentFailure = `the component at line ${this.line} failed`;
    }
    const loaded = await this.build(decl);
    if (decl.id) this.failedDefinitions.delete(decl.id);
    if (decl.id) this.definitions.set(decl.id, loaded);
    if (decl.definition) return;
    const exports = await this.instantiate(loaded);
    this.current = exports;
    if (decl.id) this.instances.set(decl.id, exports);
  }

  /** Calls an export; resolves to `{ value }` or `{ thrown }` (a throw from the call itself). */
  private async call(inv: Invoke): Promise<{ value: unknown } | { thrown: unknown }> {
    const exports = inv.instance ? this.instances.get(inv.instance) : this.current;
    if (!exports) throw new Error(inv.instance ? `no instance ${inv.instance}` : (this.currentFailure ?? 'no component instantiated yet'));
    const fn = findExport(exports, inv.name);
    if (typeof fn !== 'function') throw new Error(`no exported function ${JSON.stringify(inv.name)} (exports: ${Object.keys(exports).join(', ')})`);
    const values = inv.args.map(parseValue);
    const args = values.map(toJs);
    await this.typeEmptyLists(exports, inv.name, values, args);
    try {
      return {
        value: await withTimeout(
          Promise.resolve().then(() => (fn as (...a: unknown[]) => unknown)(...args)),
          this.timeoutMs,
          `invoke ${inv.name}`,
        ),
      };
    } catch (e) {
      if (e instanceof Timeout) throw e;
      return { thrown: e };
    }
  }

  /** Runs one command; never throws. */
  async run(cmd: Command, line: number, text: string): Promise<CommandResult> {
    const kind = cmd.kind === 'unknown' ? cmd.name : cmd.kind;
    const base = { line, kind, text };
    this.line = line;
    try {
      const r = await this.exec(cmd);
      return { ...base, ...r };
    } catch (e) {
      if (e instanceof StageError) return { ...base, ok: false, stage: e.stage, detail: e.message };
      return { ...base, ok: false, detail: errorText(e) };
    }
  }

  private async exec(cmd: Command): Promise<Omit<CommandResult, 'line' | 'kind' | 'text'>> {
    switch (cmd.kind) {
      case 'unknown':
        return { ok: false, detail: `unknown command ${cmd.name}${cmd.why ? `: ${cmd.why}` : ''}` };
      case 'component':
        await this.defineAndMaybeInstantiate(cmd.decl);
        return { ok: true };
      case 'instance': {
        this.current = undefined;
        this.currentFailure = `the instantiation at line ${this.line} failed`;
        const def = this.definitions.get(cmd.definition);
        if (!def) {
          const why = this.failedDefinitions.get(cmd.definition);
          return { ok: false, detail: `no component definition ${cmd.definition}${why ? ` (${why})` : ''}` };
        }
        const exports = await this.instantiate(def);
        this.current = exports;
        if (cmd.id) this.instances.set(cmd.id, exports);
        return { ok: true };
      }
      case 'register': {
        const exports = cmd.instance ? this.instances.get(cmd.instance) : this.current;
        if (!exports) return { ok: false, detail: `register: no instance ${cmd.instance ?? '(current)'}` };
        this.registry[cmd.name] = exports;
        return { ok: true };
      }
      case 'invoke': {
        const r = await this.call(cmd.invoke);
        return 'thrown' in r ? { ok: false, detail: `call threw ${errorText(r.thrown)}` } : { ok: true };
      }
      case 'assert_return':
        return this.assertReturn(cmd.invoke, cmd.results.map(parseValue));
      case 'assert_trap':
        return this.assertTrap(cmd.target, cmd.message);
      case 'assert_invalid':
      case 'assert_malformed':
        return this.assertRejected(cmd.kind, cmd.component, cmd.message);
      case 'assert_unlinkable':
        return this.assertUnlinkable(cmd.component, cmd.message);
    }
  }

  private async assertReturn(inv: Invoke, expected: WastValue[]): Promise<Omit<CommandResult, 'line' | 'kind' | 'text'>> {
    const r = await this.call(inv);
    if (expected.length > 1) return { ok: false, detail: `assert_return with ${expected.length} results: component functions return at most one value` };
    const want = expected[0];
    if ('thrown' in r) {
      // A function returning result<T, E> throws its err payload (DESIGN.md).
      if (want?.t === 'result' && !want.ok && isComponentError(r.thrown)) {
        const m = want.v
          ? mismatch(r.thrown.payload, want.v, 'err payload')
          : r.thrown.payload === undefined
            ? undefined
            : `err payload: expected none, got ${describeJs(r.thrown.payload)}`;
        return m ? { ok: false, detail: m } : { ok: true };
      }
      return { ok: false, detail: `call threw ${errorText(r.thrown)}` };
    }
    if (!want) return r.value === undefined ? { ok: true } : { ok: false, detail: `expected no result, got ${describeJs(r.value)}` };
    if (want.t === 'result') {
      if (!want.ok) return { ok: false, detail: `expected an err result (a thrown ComponentError), got return ${describeJs(r.value)}` };
      const m = want.v ? mismatch(r.value, want.v, 'ok value') : r.value === undefined ? undefined : `expected ok without payload, got ${describeJs(r.value)}`;
      return m ? { ok: false, detail: m } : { ok: true };
    }
    const m = mismatch(r.value, want);
    return m ? { ok: false, detail: m } : { ok: true };
  }

  private async assertTrap(target: { invoke: Invoke } | { component: ComponentDecl }, message: string): Promise<Omit<CommandResult, 'line' | 'kind' | 'text'>> {
    if ('component' in target) {
      const loaded = await this.build(target.component);
      try {
        await withTimeout(loaded.instantiate({ ...this.registry }), this.timeoutMs, 'instantiate');
      } catch (e) {
        if (e instanceof Timeout || e instanceof GlueError) throw e;
        return { ok: true, stage: 'instantiate', ...trapMatch(errorText(e), message), detail: errorText(e) };
      }
      return { ok: false, detail: `instantiation did not trap (expected "${message}")` };
    }
    const r = await this.call(target.invoke);
    if (!('thrown' in r)) return { ok: false, detail: `returned ${describeJs(r.value)} instead of trapping with "${message}"` };
    if (isComponentError(r.thrown))
      return { ok: false, detail: `returned an err result (payload ${describeJs(r.thrown.payload)}) instead of trapping with "${message}"` };
    const text = errorText(r.thrown);
    return { ok: true, stage: 'invoke', ...trapMatch(text, message), detail: text };
  }

  /** assert_invalid / assert_malformed: the component must not make it to a working instance. */
  private async assertRejected(kind: string, decl: ComponentDecl, message: string): Promise<Omit<CommandResult, 'line' | 'kind' | 'text'>> {
    let loaded: Loaded;
    try {
      loaded = await this.build(decl);
    } catch (e) {
      if (!(e instanceof StageError)) throw e;
      if (e.stage === 'transpile' && !this.engine.isRejection(e.cause)) {
        return { ok: false, stage: 'transpile', detail: `the transpiler crashed instead of rejecting the component: ${errorText(e.cause)}` };
      }
      if (e.stage === 'assemble' && kind === 'assert_invalid') {
        return { ok: true, stage: 'assemble', messageMatched: e.message.includes(message), detail: `the assembler refused the text: ${errorText(e.cause)}` };
      }
      return { ok: true, stage: e.stage, messageMatched: e.message.includes(message), detail: errorText(e.cause) };
    }
    try {
      await this.instantiate(loaded, importsForRejection(this.registry));
    } catch (e) {
      if (!(e instanceof StageError) || e.cause instanceof GlueError) throw e;
      return { ok: true, stage: 'instantiate', messageMatched: e.message.includes(message), detail: errorText(e.cause) };
    }
    return { ok: false, detail: `accepted a component that should be rejected ("${message}")` };
  }

  private async assertUnlinkable(decl: ComponentDecl, message: string): Promise<Omit<CommandResult, 'line' | 'kind' | 'text'>> {
    const loaded = await this.build(decl);
    try {
      await this.instantiate(loaded);
    } catch (e) {
      if (!(e instanceof StageError) || e.cause instanceof GlueError) throw e;
      return { ok: true, stage: 'instantiate', messageMatched: e.message.includes(message), detail: errorText(e.cause) };
    }
    return { ok: false, detail: `linked although it should not ("${message}")` };
  }
}

/**
 * Runs a whole script; a failing command does not stop the ones after it. With
 * `resumeAt`, the commands before it only rebuild state (components, instances,
 * registrations) and are not reported: this is how a run continues after a hang.
 */
export async function runScript(source: string, opts: RunOptions & { resumeAt?: number }): Promise<CommandResult[]> {
  const runner = new Runner(opts.engine, opts.timeoutMs);
  const commands = parseScript(source);
  const results: CommandResult[] = [];
  const resumeAt = opts.resumeAt ?? 0;
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    if (i < resumeAt) {
      const k = c.command.kind;
      if (k === 'component' || k === 'instance' || k === 'register') await runner.run(c.command, c.line, c.text);
      continue;
    }
    opts.onStart?.(i, c);
    const r = await runner.run(c.command, c.line, c.text);
    results.push(r);
    opts.onResult?.(i, r);
  }
  return results;
}
