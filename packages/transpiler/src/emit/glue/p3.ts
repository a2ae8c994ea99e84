import type { AbiCtx } from '../../abi/context.js';
import { typedArrayFor, typeKey } from '../../abi/context.js';
import { FlatReader, liftFlat, liftMem } from '../../abi/lift.js';
import { lowerFlat, lowerMem } from '../../abi/lower.js';
import { WeftError } from '../../error.js';
import { Code } from '../../js/code.js';
import { str } from '../../js/names.js';
import { instanceState } from '../../js/helpers.js';
import type { Builtin, CanonOpts, CoreDef, FuncVal, Lift, Lowering } from '../../link/plan.js';
import type { Flat } from '../../types/layout.js';
import { alignment, flatSignature, flatten, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, recordLayout, size } from '../../types/layout.js';
import type { ValType } from '../../types/model.js';
import { childTypes } from '../../types/model.js';
import { liftArgs, lowerArgs } from './call-args.js';
import { abiCtx, type CallState, callState, liftCtx } from './abi-context.js';
import { core, memory, table } from './core-items.js';
import { hostCall } from './imports.js';
import { leaveCheck } from './instance-state.js';
import { ownStack, unwindingInstance } from './async-modes.js';
import { liftName, writeLift } from './lifts.js';
import { funcHint } from './names.js';
import { resource } from './resources.js';
import { getOrCreate, type GlueState, hintFrom } from './state.js';

/**
 * The glue of a component that uses Preview 3 async (`Plan.async`): every lift is a task of
 * the runtime in js/p3-runtime.ts, every lowering a subtask, and the built-ins call into it.
 * A component without async never reaches this file, and its glue stays as it was.
 */

/** The runtime record of component instance `k` (its handle table, backpressure, lock). */
export function instanceRecord(g: GlueState, k: number): string {
  return getOrCreate(g.generated, `p3-instance:${k}`, () => {
    g.helpers.use('$P3');
    g.usesState.add(k);
    const t = table(g, k);
    const store = getOrCreate(g.generated, 'p3-store', () => {
      g.decls.push('const $store = { exit: undefined };');
      return '$store';
    });
    g.decls.push(`const $i${k} = { k: ${k}, st: $st, store: ${store}, table: ${t}, bp: 0, excl: null, nwait: 0 };`);
    return `$i${k}`;
  });
}

/** The constant naming a stream's or future's element type, as the runtime compares them. */
export function asyncTypeConstant(g: GlueState, t: ValType & { kind: 'stream' | 'future' }): string {
  return g.text(typeKey(t.elem, (r) => resource(g, r).id));
}

/**
 * What `task.return` must match: the result type and the options that lift it. The memory
 * counts only where the result is read from memory: components in the wild name one on a
 * lift that never uses it.
 */
function returnKey(g: GlueState, result: ValType | undefined, opts: CanonOpts): string {
  const usesMemory = result && (flatten(result).length > MAX_FLAT_PARAMS || readsMemory(result));
  const mem = usesMemory && opts.memory?.kind === 'export' ? `${opts.memory.instance}:${opts.memory.name}` : '';
  return g.text(`${typeKey(result, (r) => resource(g, r).id)}|${opts.encoding}|${mem}`);
}

function readsMemory(t: ValType): boolean {
  return t.kind === 'string' || t.kind === 'list' || t.kind === 'map' || childTypes(t).some(readsMemory);
}

/**
 * The async modes suspend the guest on a Preview 2 host import that waits; a Preview 3
 * component has no such suspension yet (its own async needs none), so one that would is
 * refused. Calls between its own components never suspend here. Checked once per glue.
 */
function rejectAsyncModes(g: GlueState): void {
  getOrCreate(g.generated, 'p3-async-modes-checked', () => {
    const mode = g.opts.async;
    const waits = mode && g.plan.lowerings.find((l) => l.callee.kind === 'import' && mode.suspends(l));
    if (mode && waits) {
      throw new WeftError(
        `asyncMode '${mode.mode}': ${waits.name} may wait, and a component using Preview 3 async cannot suspend on it yet; transpile it with asyncMode 'sync'`,
      );
    }
    return '';
  });
}

// ---- lifts: a FuncInst `(onStart, onResolve, caller, fail) => onCancel` --------

export function writeP3Lift(g: GlueState, l: Lift, name: string, doc: string): void {
  rejectAsyncModes(g);
  const k = l.instance;
  const inst = instanceRecord(g, k);
  const sig = flatSignature(l.type);
  const asyncOpt = !!l.opts.async;
  const code = new Code();
  const shared: CallState = { ...callState(code), scope: 'task' };
  const params = l.type.params.map((_, i) => `a${i}`);
  if (params.length) code.line(`const [${params.join(', ')}] = args;`);
  const lctx = abiCtx(g, code, l.opts, k, l.name, shared);
  const paramsInMemory = asyncOpt ? sig.params.length > MAX_FLAT_PARAMS : sig.paramsInMemory;
  const flatArgs = lowerArgs(g, code, lctx, l.type, paramsInMemory, params, l.name);
  // From here on a trap poisons the instance; a bad argument above did no harm.
  code.line('task.running = true;');
  code.line(`return [${flatArgs.join(', ')}];`);
  if (shared.ending) code.lines.unshift(`const ${shared.ending} = [];`);
  // What follows the core call: an async lift's callback code, or a sync one's result lifted.
  const leave = new Code();
  const result = l.type.result;
  if (asyncOpt) {
    leave.line('return ret;');
  } else {
    const after: CallState = { ...callState(leave), scope: 'task' };
    const lifting = liftCtx(g, leave, l.opts, k, l.name, after);
    let value = 'undefined';
    if (result) {
      if (sig.resultInMemory) {
        const rp = leave.let('ret >>> 0', 'rp');
        leave.line(`${g.helpers.use('$range')}(${lifting.ctx.view()}, ${rp}, ${size(result)}, ${alignment(result)}, ${g.text('return area')});`);
        value = leave.let(liftMem(lifting.ctx, result, rp), 'rv');
      } else {
        value = leave.let(liftFlat(lifting.ctx, result, new FlatReader([{ expr: 'ret', type: flatten(result)[0]! }], lifting.ctx)), 'rv');
      }
    }
    lifting.bindView();
    leave.line(`task.return_(${value});`);
    if (l.opts.postReturn) {
      leave.line(`$st[${k}] = ${instanceState('MAY_NOT_LEAVE')};`);
      leave.line(`${core(g, l.opts.postReturn)}(${result ? 'ret' : ''});`);
      leave.line(`$st[${k}] = ${instanceState('RUNNING')};`);
    }
    if (after.ending) leave.lines.unshift(`const ${after.ending} = [];`);
  }
  // Core calls go through $coreCall, which lets a thread wait inside a core instance that may:
  // under asyncify the instance's record, under JSPI the core signature of the thread's stack.
  const coreCall = (def: CoreDef) => {
    const s = unwindingInstance(g, def);
    const sig = ownStack(g, def);
    if (s !== undefined) g.helpers.use('$p3Blocking');
    if (sig !== undefined) g.helpers.use('$p3Suspending');
    const stack = s !== undefined ? `$a${s}` : sig !== undefined ? str(sig) : 'undefined';
    return `(t, a, then) => $coreCall(t, ${stack}, ${core(g, def, true)}, a, then)`;
  };
  const fields = [
    `inst: ${inst}`,
    `async: ${!!l.type.async}`,
    `asyncOpt: ${asyncOpt}`,
    `callback: ${l.opts.callback ? coreCall(l.opts.callback) : 'undefined'}`,
    `ret: ${returnKey(g, result, l.opts)}`,
    `enter(task, args) {\n    ${code.toString().replaceAll('\n', '\n  ')}\n  }`,
    `call: ${coreCall(l.core)}`,
    `leave(task, ret) {\n    ${leave.toString().replaceAll('\n', '\n  ')}\n  }`,
  ];
  g.helpers.use('$P3');
  g.fns.push(`const ${name}$d = {\n  ${fields.join(',\n  ')},\n};`);
  g.fns.push(`${doc}function ${name}(onStart, onResolve, caller, fail) { return $lift(${name}$d, onStart, onResolve, caller, fail); }`);
}

/** The function the host calls for a lift: async function types return a promise. */
export function p3Export(g: GlueState, index: number): string {
  const l = g.plan.lifts[index]!;
  if (!l.type.async && !l.opts.async && !g.opts.async) return directExport(g, l);
  const lift = liftName(g, index);
  return g.once(`p3-export:${index}`, hintFrom(lift, 'export'), (name) => {
    const ps = l.type.params.map((_, i) => `a${i}`);
    const unwrap =
      l.type.result?.kind === 'result' ? `(r) => { if (r.tag === 'err') throw new ${g.helpers.use('ComponentError')}(r.val); return r.val; }` : undefined;
    // Under an async mode every export returns a promise (as without Preview 3), so a
    // synchronous function may wait too.
    if (l.type.async || g.opts.async) {
      const call = `$callAsync(${lift}, [${ps.join(', ')}], options)`;
      return `function ${name}(${[...ps, 'options'].join(', ')}) { return ${unwrap ? `${call}.then(${unwrap})` : call}; }`;
    }
    const call = `$callSync(${lift}, [${ps.join(', ')}])`;
    return `function ${name}(${ps.join(', ')}) { return ${unwrap ? `(${unwrap})(${call})` : call}; }`;
  });
}

/**
 * The host's call of a synchronous function lifted without async: the direct wrapper a
 * component without Preview 3 has, run as a thread of its own (reused: the instance cannot be
 * entered twice) so the built-ins it calls find their task and a fresh context.
 */
function directExport(g: GlueState, l: Lift): string {
  const inst = instanceRecord(g, l.instance);
  return g.once(`p3-direct:${l.index}`, funcHint(l.name), (name) => {
    const direct = g.name(`${name.slice(1)}_direct`);
    writeLift(g, l, direct);
    const thread = g.constant(`{ task: { d: { async: false, asyncOpt: false }, state: 2, n: 0, running: true, fail: $detached }, storage: [0, 0] }`);
    const ps = l.type.params.map((_, i) => `a${i}`).join(', ');
    return `function ${name}(${ps}) {
  const prev = $p3.cur, t = ${thread};
  t.task.inst = ${inst};
  t.storage[0] = t.storage[1] = 0;
  $p3.cur = t;
  try { return ${direct}(${ps}); } catch (e) { $directThrew(t.task.inst, e); throw e; } finally { $p3.cur = prev; }
}`;
  });
}

// ---- lowerings: subtasks ----------------------------------------------------

/** The callee of a lowering as a FuncInst: a lift's own, or a host function wrapped. */
function calleeFuncInst(g: GlueState, callee: FuncVal, name: string): string {
  if (callee.kind === 'lifted') return liftName(g, callee.index);
  const call = hostCall(g, callee, name);
  const ps = callee.type.params.map((_, i) => `a[${i}]`);
  return g.once(`p3-host:${name}`, `host_${funcHint(name)}`, (n) =>
    callee.type.async
      ? `const ${n} = $hostFunc((a, options) => ${call([...ps, 'options'])}, ${callee.type.result?.kind === 'result'}, true);`
      : `const ${n} = $hostFunc((a) => ${call(ps)}, ${callee.type.result?.kind === 'result'}, false);`,
  );
}

export function writeP3Lowering(g: GlueState, l: Lowering, name: string, doc: string): void {
  rejectAsyncModes(g);
  const k = l.instance;
  const inst = instanceRecord(g, k);
  const callee = calleeFuncInst(g, l.callee, l.name);
  const sig = flatSignature(l.type);
  const async = !!l.opts.async;
  const paramsInMemory = async ? sig.params.length > MAX_FLAT_ASYNC_PARAMS : sig.paramsInMemory;
  const resultInMemory = async ? l.type.result !== undefined : sig.resultInMemory;
  const flatParams: Flat[] = paramsInMemory ? ['i32'] : sig.params;
  const names = flatParams.map((_, i) => `a${i}`);
  const retptr = resultInMemory ? `a${names.length}` : undefined;
  if (retptr) names.push(retptr);

  // The arguments, lifted when the callee starts (later than the call, under backpressure).
  const start = new Code();
  const shared = callState(start);
  const lifting = liftCtx(g, start, l.opts, k, l.name, shared);
  const ctx = lifting.ctx;
  if (l.callee.kind === 'lifted') ctx.mapsAsPairs = true;
  const args = liftArgs(
    g,
    start,
    ctx,
    l.type,
    paramsInMemory,
    flatParams.map((type, i) => ({ expr: names[i]!, type })),
  );
  lifting.bindView();
  const lent = [...ctx.after];
  if (shared.ending) {
    lent.push(`for (const x of ${shared.ending}) { if (Array.isArray(x)) { x[0].lend--; x[1][${g.helpers.use('$rep')}] = undefined; } else x.lend--; }`);
  }
  // What the arguments lent (borrowed handles) is given back when the call ends.
  if (lent.length) start.line(`lent = () => { ${lent.join(' ')} };`);
  start.line(`return [${args.join(', ')}];`);

  // The result, lowered into the caller when the callee returns.
  const result = l.type.result;
  const store = new Code();
  const sctx = abiCtx(g, store, l.opts, k, l.name, callState(store));
  const where = `${l.name}: return value`;
  let flatResult: string | undefined;
  if (result) {
    if (retptr) {
      store.line(`const rp = ${retptr} >>> 0;`);
      store.line(`${g.helpers.use('$range')}(${sctx.view()}, rp, ${size(result)}, ${alignment(result)}, ${g.text('return area')});`);
      lowerMem(sctx, result, 'v', 'rp', where);
    } else {
      [flatResult] = lowerFlat(sctx, result, 'v', where);
    }
  }

  const code = new Code();
  code.line(leaveCheck(g, k));
  // Handles lent while the arguments are lifted are collected here and released when the call ends.
  if (shared.ending) code.line(`const ${shared.ending} = [];`);
  if (lent.length) code.line('let lent;');
  const startExpr = `() => {\n  ${start.lines.join('\n  ')}\n}`;
  const lentFn = lent.length ? '() => { if (lent) lent(); }' : 'undefined';
  if (async) {
    const storeFn = `(v) => {\n  ${store.lines.join('\n  ')}\n}`;
    code.line(`return $lowerAsync(${inst}, ${callee}, ${startExpr}, ${storeFn}, ${lentFn});`);
  } else {
    // The result is stored once the wait ends: when the stack is rewound, if it had to unwind.
    const done = [...(lent.length ? ['lent();'] : []), ...store.lines, ...(flatResult ? [`return ${flatResult};`] : [])];
    code.line(`return $lowerSync(${inst}, ${callee}, ${startExpr}, (v) => {\n  ${done.join('\n  ')}\n});`);
  }
  g.fns.push(`${doc}function ${name}(${names.join(', ')}) {\n${code}\n}`);
}

// ---- built-ins --------------------------------------------------------------

/** The core function for a Preview 3 built-in in component instance `k`. */
export function p3Builtin(g: GlueState, b: Builtin, k: number): string {
  rejectAsyncModes(g);
  const inst = instanceRecord(g, k);
  const use = (n: Parameters<typeof g.helpers.use>[0]) => g.helpers.use(n);
  use('$p3Builtins');
  const leave = () => leaveCheck(g, k);
  const fn = (hint: string, params: string, body: string) =>
    g.once(`p3-builtin:${k}:${hint}:${params}:${body}`, hint.replace(/[.-]/g, '_'), (n) => `function ${n}(${params}) { ${body} }`);
  switch (b.name) {
    case 'context.get':
      return fn(`context.get${b.index}`, '', `return $contextGet(${b.index});`);
    case 'context.set':
      return fn(`context.set${b.index}`, 'v', `$contextSet(${b.index}, v);`);
    case 'backpressure.inc':
      // The spec lets post-return change backpressure: no may_leave check here.
      return fn(b.name, '', `if (${inst}.bp === 0xffff) $trap('backpressure counter overflow'); ${inst}.bp++;`);
    case 'backpressure.dec':
      return fn(b.name, '', `if (${inst}.bp === 0) $trap('backpressure counter underflow'); ${inst}.bp--; $schedule();`);
    case 'task.return':
      return taskReturn(g, b, k);
    case 'task.cancel':
      return fn(b.name, '', `${leave()} $taskCancel();`);
    case 'waitable-set.new':
      return fn(b.name, '', `${leave()} return ${inst}.table.add(new $WaitableSet());`);
    case 'waitable-set.wait':
    case 'waitable-set.poll': {
      const { view } = memory(g, b.memory, b.name);
      const store = `(c, p1, p2) => { const p = ptr >>> 0; ${use('$range')}(${view}, p, 8, 4, ${g.text('event')}); const dv = ${view}; dv.setInt32(p, p1, true); dv.setInt32(p + 4, p2, true); return c; }`;
      return fn(b.name, 'si, ptr', `${leave()} return ${b.name === 'waitable-set.wait' ? '$wsWait' : '$wsPoll'}(${inst}, si, ${b.flag}, ${store});`);
    }
    case 'waitable-set.drop':
      return fn(b.name, 'si', `${leave()} $wsDrop(${inst}, si);`);
    case 'waitable.join':
      return fn(b.name, 'wi, si', `${leave()} $waitableJoin(${inst}, wi, si);`);
    case 'subtask.cancel':
      return fn(b.name, 'i', `${leave()} return $subtaskCancel(${inst}, i, ${b.flag});`);
    case 'subtask.drop':
      return fn(b.name, 'i', `${leave()} $subtaskDrop(${inst}, i);`);
    case 'thread.yield':
      return fn(b.name, '', `${leave()} return $threadYield(${b.flag});`);
    case 'thread.index':
      return fn(b.name, '', `${leave()} return $threadIndex();`);
    case 'thread.new-indirect':
      return fn(b.name, 'fi, arg', `${leave()} return $threadNew(${inst}, ${core(g, b.table)}, fi, arg);`);
    case 'thread.resume-later':
      return fn(b.name, 'i', `${leave()} $threadResumeLater(${inst}, i);`);
    case 'thread.suspend':
      return fn(b.name, '', `${leave()} return $threadSwitch(${inst}, false, undefined, false, ${b.flag});`);
    case 'thread.suspend-then-resume':
    case 'thread.yield-then-resume':
    case 'thread.suspend-then-promote':
    case 'thread.yield-then-promote': {
      const yields = b.name.startsWith('thread.yield');
      const promote = b.name.endsWith('promote');
      return fn(b.name, 'i', `${leave()} return $threadSwitch(${inst}, ${yields}, i, ${promote}, ${b.flag});`);
    }
    case 'error-context.new':
    case 'error-context.debug-message':
      return errorContext(g, b, k, inst);
    case 'error-context.drop':
      use('$errorContext');
      return fn(b.name, 'i', `${leave()} $remove(${inst}.table, i, ErrorContext, 'error context');`);
    default:
      return streamBuiltin(g, b, k, inst);
  }
}

function taskReturn(g: GlueState, b: Builtin & { name: 'task.return' }, k: number): string {
  const code = new Code();
  const shared = callState(code);
  const lifting = liftCtx(g, code, b.opts, k, 'task.return', shared);
  const flat = b.result ? flatten(b.result) : [];
  const inMemory = flat.length > MAX_FLAT_PARAMS;
  const names = (inMemory ? ['i32'] : flat).map((_, i) => `a${i}`);
  code.line(leaveCheck(g, k));
  code.line(`const task = $taskForReturn(${returnKey(g, b.result, b.opts)});`);
  let value = 'undefined';
  if (b.result) {
    if (inMemory) {
      code.line(`${g.helpers.use('$range')}(${lifting.ctx.view()}, a0 >>> 0, ${size(b.result)}, ${alignment(b.result)}, ${g.text('parameters')});`);
      value = code.let(liftMem(lifting.ctx, b.result, 'a0 >>> 0'), 'v');
    } else {
      const reader = new FlatReader(
        names.map((n, i) => ({ expr: n, type: flat[i]! })),
        lifting.ctx,
      );
      value = code.let(liftFlat(lifting.ctx, b.result, reader), 'v');
    }
  }
  lifting.bindView();
  code.lines.push(...lifting.ctx.after);
  code.line(`task.return_(${value});`);
  if (shared.ending) code.lines.unshift(`const ${shared.ending} = [];`);
  if (shared.scope) code.lines.unshift(`const ${shared.scope} = { n: 0 };`);
  return g.once(`p3-task-return:${k}:${code}`, 'task_return', (n) => `function ${n}(${names.join(', ')}) {\n${code}\n}`);
}

function errorContext(g: GlueState, b: Extract<Builtin, { name: 'error-context.new' | 'error-context.debug-message' }>, k: number, inst: string): string {
  g.helpers.use('$errorContext');
  const code = new Code();
  code.line(leaveCheck(g, k));
  let params: string[] = [];
  if (b.name === 'error-context.new') {
    params = ['ptr', 'units'];
    const ctx = liftCtx(g, code, b.opts, k, b.name, callState(code));
    const msg = liftFlat(
      ctx.ctx,
      { kind: 'string' },
      new FlatReader(
        [
          { expr: 'ptr', type: 'i32' },
          { expr: 'units', type: 'i32' },
        ],
        ctx.ctx,
      ),
    );
    ctx.bindView();
    code.line(`return ${inst}.table.add(new ErrorContext(${msg}));`);
  } else {
    params = ['i', 'ptr'];
    const ctx = abiCtx(g, code, b.opts, k, b.name, callState(code));
    const e = code.let(`$get(${inst}.table, i, ErrorContext, 'error context')`, 'e');
    code.line(`const p = ptr >>> 0;`);
    code.line(`${g.helpers.use('$range')}(${ctx.view()}, p, 8, 4, ${g.text('string')});`);
    lowerMem(ctx, { kind: 'string' }, `${e}.message`, 'p', `${b.name}: message`);
  }
  return g.once(`p3-${b.name}:${k}:${code}`, b.name.replace(/[.-]/g, '_'), (n) => `function ${n}(${params.join(', ')}) {\n${code}\n}`);
}

/**
 * The element codec of a stream or future buffer: a reader's buffer stores elements into
 * guest memory, a writer's loads them.
 */
function elemCodec(g: GlueState, t: ValType | undefined, opts: CanonOpts, k: number, fn: string, reads: boolean): string {
  if (!t) return 'undefined';
  const code = new Code();
  const ctx: AbiCtx = abiCtx(g, code, opts, k, fn, callState(code));
  let access: string;
  if (reads) {
    lowerMem(ctx, t, 'v', 'p', `${fn}: element`);
    access = `store(v, p) {\n    ${code.lines.join('\n    ')}\n  }`;
  } else {
    const v = liftMem(ctx, t, 'p');
    access = `load(p) {\n    ${[...code.lines, `return ${v};`].join('\n    ')}\n  }`;
  }
  const mem = memory(g, opts.memory ?? missingMemory(fn), fn);
  const typed = typedArrayFor(t);
  const body = [...(typed ? [`typed: ${typed}`] : []), `size: ${size(t)}`, `align: ${alignment(t)}`, `mem: ${mem.mem}`, access];
  return g.once(`p3-codec:${k}:${body.join(';')}`, 'elements', (n) => `const ${n} = {\n  ${body.join(',\n  ')},\n};`);
}

function missingMemory(fn: string): CoreDef {
  throw new WeftError(`${fn}: canonical options need a memory to copy stream or future elements`);
}

function streamBuiltin(g: GlueState, b: Extract<Builtin, { type: unknown }>, k: number, inst: string): string {
  const use = g.helpers.use.bind(g.helpers);
  use('$p3Copy');
  const future = b.type.kind === 'future';
  const t = asyncTypeConstant(g, b.type);
  const leave = leaveCheck(g, k);
  const fn = (params: string, body: string) =>
    g.once(`p3-${b.name}:${k}:${t}:${body}`, b.name.replace(/[.-]/g, '_'), (n) => `function ${n}(${params}) { ${leave} ${body} }`);
  const op = b.name.slice(b.name.indexOf('.') + 1);
  switch (op) {
    case 'new':
      return fn('', `return $newEnds(${inst}, ${future}, ${t});`);
    case 'read':
    case 'write': {
      const opts = (b as Builtin & { opts: CanonOpts }).opts;
      const codec = elemCodec(g, b.type.elem, opts, k, b.name, op === 'read');
      const readable = op === 'read';
      if (future) return fn('i, ptr', `return $futureCopy(${inst}, i, ${readable}, ${t}, ${!!opts.async}, new $GuestBuffer(${codec}, ptr >>> 0, 1));`);
      return fn('i, ptr, n', `return $streamCopy(${inst}, i, ${readable}, ${t}, ${!!opts.async}, new $GuestBuffer(${codec}, ptr >>> 0, n >>> 0));`);
    }
    case 'cancel-read':
    case 'cancel-write':
      return fn('i', `return $cancelCopy(${inst}, i, ${future}, ${op === 'cancel-read'}, ${t}, ${(b as { flag: boolean }).flag});`);
    default:
      return fn('i', `$dropEnd(${inst}, i, ${future}, ${op === 'drop-readable'}, ${t});`);
  }
}
