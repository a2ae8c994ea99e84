import { FlatReader, liftFlat, liftMem } from '../../abi/lift.js';
import { lowerFlat, lowerMem } from '../../abi/lower.js';
import { Code } from '../../js/code.js';
import { instanceState } from '../../js/helpers.js';
import type { Lift } from '../../link/plan.js';
import { alignment, flatSignature, flatten, recordLayout, size } from '../../types/layout.js';
import { witFunc } from '../wit.js';
import { lowerArgs } from './call-args.js';
import { abiCtx, callState, declareCallState, liftCtx } from './abi-context.js';
import { promising, unwindingInstance } from './async-modes.js';
import { core } from './core-items.js';
import { comment, funcHint } from './names.js';
import { writeP3Lift } from './p3.js';
import { getOrCreate, type GlueState } from './state.js';

/** The wrapper for lift `index`: the host (or another component) calls in. */
export function liftName(g: GlueState, index: number): string {
  return getOrCreate(g.lifts, index, () => {
    const l = g.plan.lifts[index]!;
    const name = g.name(funcHint(l.name));
    if (g.plan.async) writeP3Lift(g, l, name, liftDoc(l));
    else writeLift(g, l, name);
    return name;
  });
}

function liftDoc(l: Lift): string {
  // Linking names a lift that no export names `lifted function <index>`.
  return comment(`${l.name === `lifted function ${l.index}` ? '' : 'export '}${l.name}: ${witFunc(l.type)}`);
}

/** The direct wrapper of a lift: lowers the arguments, calls the core function, lifts the result. */
export function writeLift(g: GlueState, l: Lift, name: string): void {
  const doc = liftDoc(l);
  const code = new Code();
  const shared = callState(code);
  const sig = flatSignature(l.type);
  const params = l.type.params.map((_, i) => `a${i}`);
  const k = l.instance;
  g.usesState.add(k);
  code.line(`if ($st[${k}] !== ${instanceState('IDLE')}) ${g.helpers.use('$enterErr')}($st[${k}]);`);

  // Lowering the arguments checks JS values; a bad one must not poison the instance.
  const lowering = new Code('l');
  const lctx = abiCtx(g, lowering, l.opts, k, l.name, shared);
  const flatArgs = lowerArgs(g, lowering, lctx, l.type, sig.paramsInMemory, params, l.name);
  // realloc runs guest code, so with it the instance is entered before arguments are lowered;
  // `ok` tells a bad argument (no harm done) from a trap (the instance is poisoned).
  const guarded = shared.usedRealloc;
  if (!guarded) code.lines.push(...lowering.lines);
  code.line(`$st[${k}] = ${instanceState('RUNNING')};`);

  const body = new Code('w');
  const coreFn = core(g, l.core);
  const result = l.type.result;
  const unwinds = unwindingInstance(g, l.core);
  const call =
    g.opts.async?.mode === 'jspi'
      ? `await ${promising(g, l.core, coreFn)}(${flatArgs.join(', ')})`
      : unwinds !== undefined
        ? `await ${g.helpers.use('$asyRun')}($a${unwinds}, ${coreFn}, [${flatArgs.join(', ')}])`
        : `${coreFn}(${flatArgs.join(', ')})`;
  const ret = result ? body.let(call, 'ret') : undefined;
  if (!ret) body.line(`${call};`);
  const lifting = liftCtx(g, body, l.opts, k, l.name, shared);
  const bctx = lifting.ctx;
  // Declared outside the try so the lifted result outlives it.
  const value = result ? 'rv' : undefined;
  if (result && ret) {
    if (sig.resultInMemory) {
      const rp = body.let(`${ret} >>> 0`, 'rp');
      body.line(`${g.helpers.use('$range')}(${bctx.view()}, ${rp}, ${size(result)}, ${alignment(result)}, ${g.text('return area')});`);
      body.line(`rv = ${liftMem(bctx, result, rp)};`);
    } else {
      body.line(`rv = ${liftFlat(bctx, result, new FlatReader([{ expr: ret, type: flatten(result)[0]! }], bctx))};`);
    }
  }
  lifting.bindView();
  if (shared.scope) body.line(`if (${shared.scope}.n !== 0) ${g.helpers.use('$trap')}('borrowed handles were not dropped before the call returned');`);
  if (l.opts.postReturn) {
    body.line(`$st[${k}] = ${instanceState('MAY_NOT_LEAVE')};`);
    body.line(`${core(g, l.opts.postReturn)}(${ret ?? ''});`);
  }
  if (value) code.line(`let ${value};`);
  if (guarded) code.line('let ok = 0;');
  code.line('try {');
  if (guarded) code.lines.push(...lowering.lines.map((s) => '  ' + s), '  ok = 1;');
  code.lines.push(...body.lines.map((s) => '  ' + s));
  code.line(`} catch (e) { $st[${k}] = ${guarded ? `ok ? ${instanceState('POISONED')} : ${instanceState('IDLE')}` : instanceState('POISONED')}; throw e; }`);
  code.line(`$st[${k}] = ${instanceState('IDLE')};`);
  if (result && value) {
    if (result.kind === 'result') {
      code.line(`if (${value}.tag === 'err') throw new ${g.helpers.use('ComponentError')}(${value}.val);`);
      code.line(`return ${value}.val;`);
    } else code.line(`return ${value};`);
  }
  declareCallState(code, shared);
  g.fns.push(`${doc}${g.opts.async ? 'async ' : ''}function ${name}(${params.join(', ')}) {\n${code}\n}`);
}
