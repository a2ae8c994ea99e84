// The runner must report failures faithfully, whatever the engine does. These checks
// use jco as a known, working engine: they test the runner, not weft.
import { describe, expect, it } from 'vitest';
import { getEngine } from '../src/engine.js';
import { runScript, type CommandResult } from '../src/runner.js';

const ADDER = `(component
  (core module $M
    (global $n (mut i32) (i32.const 0))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "next") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n))
    (func (export "boom") unreachable))
  (core instance $m (instantiate $M))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "next") (result u32) (canon lift (core func $m "next")))
  (func (export "boom") (canon lift (core func $m "boom"))))`;

async function run(script: string): Promise<CommandResult[]> {
  return runScript(script, { engine: await getEngine('jco'), timeoutMs: 20_000 });
}

const summary = (rs: CommandResult[]) => rs.map((r) => `${r.line} ${r.kind} ${r.ok ? 'ok' : 'FAIL'}`);

describe('runner', () => {
  it('passes correct assertions and fails wrong ones, continuing after a failure', async () => {
    const rs = await run(`${ADDER}
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 4))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (s64.const 3))
(assert_return (invoke "nope"))
(assert_trap (invoke "add" (u32.const 1) (u32.const 2)) "anything")
(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 2))
(assert_trap (invoke "boom") "unreachable")
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "a different message")`);
    expect(summary(rs)).toEqual([
      '1 component ok',
      '13 assert_return ok',
      '14 assert_return FAIL',
      '15 assert_return FAIL',
      '16 assert_return FAIL',
      '17 assert_trap FAIL',
      '18 assert_return ok',
      '19 assert_trap ok',
      '20 assert_trap ok',
    ]);
    expect(rs[2]!.detail).toMatch(/expected 4 \(u32 number\), got 3/);
    expect(rs[3]!.detail).toMatch(/bigint/);
    expect(rs[4]!.detail).toMatch(/no exported function "nope"/);
    expect(rs[5]!.detail).toMatch(/returned 3 instead of trapping/);
    expect(rs[7]!.messageMatched).toBe(true);
    // a trap poisons the instance: the next call throws too
    expect(rs[8]!.messageMatched).toBe(false);
  });

  it('keeps instances apart and addresses them by name', async () => {
    const rs = await run(`(component definition $D ${ADDER.slice('(component'.length)}
(component instance $a $D)
(component instance $b $D)
(assert_return (invoke $a "next") (u32.const 1))
(assert_return (invoke $a "next") (u32.const 2))
(assert_return (invoke $b "next") (u32.const 1))
(assert_return (invoke "next") (u32.const 2))
(component instance $c $Missing)`);
    expect(rs.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true, false]);
    expect(rs[7]!.detail).toMatch(/no component definition \$Missing/);
  });

  it('reports unknown commands and components that fail to build, and carries on', async () => {
    const rs = await run(`(assert_exhaustion (invoke "f") "stack")
(component (core func (canon lift)))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(module)
${ADDER}
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))`);
    expect(rs.map((r) => [r.kind, r.ok])).toEqual([
      ['assert_exhaustion', false],
      ['component', false],
      ['assert_return', false],
      ['module', false],
      ['component', true],
      ['assert_return', true],
    ]);
    expect(rs[0]!.detail).toMatch(/unknown command assert_exhaustion/);
    expect(rs[1]).toMatchObject({ stage: 'assemble' });
    expect(rs[2]!.detail).toMatch(/the component at line 2 failed/);
  });

  it('fails assert_invalid when the component is accepted', async () => {
    const rs = await run(`(assert_invalid ${ADDER} "should not validate")`);
    expect(rs[0]).toMatchObject({ ok: false });
    expect(rs[0]!.detail).toMatch(/accepted a component that should be rejected/);
  });

  it('does not count a missing import as rejecting a component', async () => {
    const rs = await run(`(assert_invalid
  (component
    (import "host" (instance $h (export "f" (func (result u32)))))
    (core func $f (canon lower (func $h "f")))
    (core module $M (import "h" "f" (func (result i32))))
    (core instance (instantiate $M (with "h" (instance (export "f" (func $f)))))))
  "valid, only unlinked")`);
    expect(rs[0]).toMatchObject({ ok: false });
    expect(rs[0]!.detail).toMatch(/accepted a component that should be rejected/);
  });
});
