import { FlatReader, liftFlat, liftMem } from '../../abi/lift.js';
import { lowerFlat, lowerMem, lowerResultMem } from '../../abi/lower.js';
import { Code } from '../../js/code.js';
import type { Lowering } from '../../link/plan.js';
import type { Flat } from '../../types/layout.js';
import { alignment, flatSignature, recordLayout, size } from '../../types/layout.js';
import { witFunc } from '../wit.js';
import { callState, declareCallState, liftCtx } from './abi-context.js';
import { liftArgs } from './call-args.js';
import { suspends } from './async-modes.js';
import { hostCall } from './imports.js';
import { leaveCheck } from './instance-state.js';
import { liftName } from './lifts.js';
import { comment, funcHint } from './names.js';
import { writeP3Lowering } from './p3.js';
import { getOrCreate, type GlueState } from './state.js';

/** The trampoline for lowering `l`: the guest calls out, to the host or to another component's lift. */
export function lowering(g: GlueState, l: Lowering): string {
  return getOrCreate(g.lowerings, l.index, () => {
    const callee = l.callee.kind === 'lifted' ? g.plan.lifts[l.callee.index]!.name : l.name;
    const name = g.name(`lower_${funcHint(callee)}`);
    (g.plan.async ? writeP3Lowering : writeLowering)(g, l, name, comment(`${l.callee.kind === 'import' ? 'import' : 'calls'} ${callee}: ${witFunc(l.type)}`));
    return name;
  });
}

function writeLowering(g: GlueState, l: Lowering, name: string, doc: string): void {
  const code = new Code();
  const shared = callState(code);
  const lifting = liftCtx(g, code, l.opts, l.instance, l.name, shared);
  const ctx = lifting.ctx;
  if (l.callee.kind === 'lifted') ctx.mapsAsPairs = true;
  const sig = flatSignature(l.type);
  const paramsInMemory = sig.paramsInMemory;
  const resultInMemory = sig.resultInMemory;
  code.line(leaveCheck(g, l.instance));
  const flatParams: Flat[] = paramsInMemory ? ['i32'] : sig.params;
  const names = flatParams.map((_, i) => `a${i}`);
  const retptr = resultInMemory ? `a${names.length}` : undefined;
  if (retptr) names.push(retptr);

  const args = liftArgs(
    g,
    code,
    ctx,
    l.type,
    paramsInMemory,
    flatParams.map((type, i) => ({ expr: names[i]!, type })),
  );
  lifting.bindView();

  const suspend = suspends(g, l);
  const direct = l.callee.kind === 'import' ? hostCall(g, l.callee, l.name)(args) : `${liftName(g, l.callee.index)}(${args.join(', ')})`;
  const call = !suspend
    ? l.callee.kind === 'import'
      ? `${g.helpers.use('$sync')}(${direct}, ${g.text(l.name)})`
      : direct
    : l.callee.kind === 'import'
      ? `(yield ${g.helpers.use('$wait')}(() => ${direct}))`
      : `(yield ${direct})`;
  const result = l.type.result;
  let value: string | undefined;
  // A `result` return: the host's value is the ok payload, a thrown value the err payload.
  let ok: string | undefined;
  if (!result) code.line(`${call};`);
  else if (result.kind === 'result') {
    value = code.tmp('r');
    ok = code.tmp('ok');
    code.line(`let ${ok} = true, ${value};`);
    code.line(`try { ${value} = ${call}; } catch (e) { ${ok} = false; ${value} = ${g.helpers.use('$payload')}(e); }`);
  } else value = code.let(call, 'r');

  let ret = '';
  if (result && value) {
    const where = `${l.name}: return value`;
    if (retptr) {
      code.line(`const rp = ${retptr} >>> 0;`);
      code.line(`${g.helpers.use('$range')}(${ctx.view()}, rp, ${size(result)}, ${alignment(result)}, ${g.text('return area')});`);
      if (ok && result.kind === 'result') lowerResultMem(ctx, result, ok, value, 'rp', where);
      else lowerMem(ctx, result, value, 'rp', where);
    } else if (ok) {
      // A result without payloads is a single flat discriminant.
      ret = `return ${ok} ? 0 : 1;`;
    } else {
      const [flat] = lowerFlat(ctx, result, value, where);
      ret = `return ${flat};`;
    }
  }
  code.lines.push(...ctx.after);
  if (shared.ending) {
    code.line(`for (const x of ${shared.ending}) { if (Array.isArray(x)) { x[0].lend--; x[1][${g.helpers.use('$rep')}] = undefined; } else x.lend--; }`);
  }
  if (ret) code.line(ret);
  declareCallState(code, shared);
  if (suspend) {
    g.fns.push(`${doc}function ${name}(${names.join(', ')}) { return ${g.helpers.use('$resume')}(${name}$g(${names.join(', ')})); }`);
    g.fns.push(`function* ${name}$g(${names.join(', ')}) {\n${code}\n}`);
  } else g.fns.push(`${doc}function ${name}(${names.join(', ')}) {\n${code}\n}`);
}
