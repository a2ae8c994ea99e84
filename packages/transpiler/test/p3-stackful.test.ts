/**
 * Preview 3 threads that wait on their own stacks. Under asyncMode 'asyncify' a thread whose
 * synchronous call cannot end at once unwinds its core stack and parks; the runtime rewinds
 * it when the wait can end. Node 20 has no JSPI: this is the stack switching it gets.
 */
import { describe, expect, test } from 'vitest';
import { engine, loadWat, readFixture } from './harness.js';

const wat = readFixture('p3-stackful.wat');
const threads = readFixture('p3-threads.wat');

describe.skipIf(engine === 'jco')('Preview 3 threads waiting on their own stacks', () => {
  test('a synchronous call of an async host function waits for its promise, twice in one call', async () => {
    const exp = await loadWat(
      wat,
      { 'host:p3/stackful': { delay: (x: number) => new Promise((ok) => setTimeout(() => ok(x * 10), 1)) } },
      { asyncMode: 'asyncify' },
    );
    expect(await exp.twice(1)).toBe(10 + 20);
  });

  test('calls of one instance wait at once, each on its own stack, and end in any order', async () => {
    const pending: [number, (v: number) => void][] = [];
    const exp = await loadWat(
      wat,
      { 'host:p3/stackful': { delay: (x: number) => new Promise<number>((ok) => pending.push([x, ok])) } },
      { asyncMode: 'asyncify' },
    );
    const a = exp.twice(1);
    const b = exp.twice(100);
    const settle = async (x: number) => {
      for (let i = 0; i < 50 && !pending.some(([y]) => y === x); i++) await new Promise((r) => setTimeout(r, 1));
      const at = pending.findIndex(([y]) => y === x);
      expect(at).toBeGreaterThanOrEqual(0);
      const [[, ok]] = pending.splice(at, 1) as [[number, (v: number) => void]];
      ok(x * 10);
    };
    await settle(100);
    await settle(1);
    await settle(2);
    await settle(101);
    expect(await Promise.all([a, b])).toEqual([30, 2010]);
  });

  test('an answer at once needs no unwinding', async () => {
    const exp = await loadWat(wat, { 'host:p3/stackful': { delay: (x: number) => x * 10 } }, { asyncMode: 'asyncify' });
    expect(await exp.twice(5)).toBe(110);
  });

  test('without asyncify the same wait is refused with the reason', async () => {
    const exp = await loadWat(wat, { 'host:p3/stackful': { delay: (x: number) => Promise.resolve(x) } });
    await expect(exp.twice(1)).rejects.toThrow(/needs asyncMode 'asyncify'/);
  });

  test("a task's threads run when switched to or resumed later, each switch putting a stack away", async () => {
    const exp = await loadWat(threads, {}, { asyncMode: 'asyncify' });
    expect(await exp.switch()).toBe(12345);
    expect(await exp.yieldTo()).toBe(78);
  });

  test('without asyncify a thread switch is refused with the reason', async () => {
    const exp = await loadWat(threads);
    await expect(exp.yieldTo()).rejects.toThrow(/switching threads needs asyncMode 'asyncify'/);
  });
});

describe.skipIf(engine === 'jco')('Preview 3 synchronous exports under an async mode', () => {
  // A sync export whose post-return calls a built-in, which it may not: the call must reject
  // with that trap, though task.return has already given its value.
  const postReturn = `(component
  (canon waitable-set.new (core func $ws.new))
  (core module $M
    (import "" "ws.new" (func $ws.new (result i32)))
    (func (export "f") (result i32) (i32.const 7))
    (func (export "ok") (param i32))
    (func (export "leaves") (param i32) (drop (call $ws.new))))
  (core instance $m (instantiate $M (with "" (instance (export "ws.new" (func $ws.new))))))
  (func (export "fine") (result u32) (canon lift (core func $m "f") (post-return (core func $m "ok"))))
  (func (export "traps") (result u32) (canon lift (core func $m "f") (post-return (core func $m "leaves")))))`;

  test('a trap in the post-return rejects the call, though the value came first', async () => {
    const exp = await loadWat(postReturn, {}, { asyncMode: 'asyncify' });
    expect(await exp.fine()).toBe(7);
    await expect(exp.traps()).rejects.toThrow(/cannot leave component instance/);
  });
});
