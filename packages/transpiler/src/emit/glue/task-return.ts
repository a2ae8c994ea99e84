import { FlatReader, liftFlat, liftMem } from '../../abi/lift.js';
import { Code } from '../../js/code.js';
import type { CoreDef } from '../../link/plan.js';
import type { Flat } from '../../types/layout.js';
import { alignment, flatten, MAX_FLAT_PARAMS, size } from '../../types/layout.js';
import { callState, declareCallState, liftCtx } from './abi-context.js';
import { leaveCheck } from './instance-state.js';
import type { GlueState } from './state.js';

/** `task.return`: lifts the async call's result from its flat arguments and records it. */
export function taskReturn(g: GlueState, def: Extract<CoreDef, { kind: 'task-return' }>): string {
  const name = g.name('task_return');
  const k = def.instance;
  g.tasks = true;
  const code = new Code();
  const shared = callState(code);
  const lifting = liftCtx(g, code, def.opts, k, 'task.return', shared);
  const flat = def.result ? flatten(def.result) : [];
  const inMemory = flat.length > MAX_FLAT_PARAMS;
  const params: Flat[] = inMemory ? ['i32'] : flat;
  const names = params.map((_, i) => `a${i}`);
  code.line(leaveCheck(g, k));
  code.line(`const t = $task[${k}];`);
  code.line(`if (!t || t.done) ${g.helpers.use('$trap')}('task.return called outside an async call or twice');`);
  if (def.result) {
    let value: string;
    if (inMemory) {
      code.line(`${g.helpers.use('$range')}(${lifting.ctx.view()}, a0 >>> 0, ${size(def.result)}, ${alignment(def.result)}, ${g.text('parameters')});`);
      value = liftMem(lifting.ctx, def.result, 'a0 >>> 0');
    } else {
      const reader = new FlatReader(
        names.map((n, i) => ({ expr: n, type: flat[i]! })),
        lifting.ctx,
      );
      value = liftFlat(lifting.ctx, def.result, reader);
    }
    code.line(`t.value = ${value};`);
  }
  lifting.bindView();
  code.lines.push(...lifting.ctx.after);
  code.line('t.done = true;');
  declareCallState(code, shared);
  g.fns.push(`function ${name}(${names.join(', ')}) {\n${code}\n}`);
  return name;
}
