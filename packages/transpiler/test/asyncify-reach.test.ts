import { describe, expect, it } from 'vitest';
import { decodeComponent } from '../src/decode/component.js';
import { suspendingLowerings } from '../src/emit/suspending.js';
import { inline } from '../src/link/inline.js';
import { planAsyncify } from '../src/post/asyncify-plan.js';
import { functionsReaching } from '../src/post/asyncify-reach.js';
import { validate } from '../src/types/validate.js';
import { assembleWat, readFixture } from './harness.js';

const waits = (module: string, name: string) => module === 'h' && name === 'wait';

// Defined functions are numbered from 0 after the two imports.
const MODULE = `(module
  (type $ii (func (param i32) (result i32)))
  (type $ii-again (func (param i32) (result i32)))
  (type $v (func))
  (import "h" "wait" (func $wait (param i32) (result i32)))
  (import "h" "now" (func $now (result i32)))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 0) $waits $quick $noop)
  (func $waits (type $ii) (call $wait (local.get 0)))
  (func $quick (type $ii) (i32.add (local.get 0) (call $now)))
  (func $noop (type $v))
  (func $via-table (param i32) (result i32) (call_indirect (type $ii-again) (local.get 0) (local.get 0)))
  (func $via-void (param i32) (call_indirect (type $v) (local.get 0)))
  (func (export "run") (param i32) (result i32) (call $via-table (local.get 0)))
  (func (export "other") (call $via-void (i32.const 2)) (drop (call $quick (i32.const 1))))
  (func $unused (param i32) (result i32) (block (result i32) (br_table 0 0 (i32.const 7) (local.get 0))))
)`;

describe('functionsReaching (which functions asyncify rewrites)', () => {
  it('follows direct calls, and indirect calls only to address-taken functions of the signature they name', async () => {
    // $waits (0) calls the import; $via-table (3) reaches it through the table with an equal
    // signature declared apart; run (5) calls $via-table. $via-void's signature only $noop has.
    expect(functionsReaching(await assembleWat(MODULE), waits)).toEqual([0, 3, 5]);
  });

  it('finds nothing when no import suspends', async () => {
    expect(functionsReaching(await assembleWat(MODULE), () => false)).toEqual([]);
  });

  it('leaves the decision to binaryen when a table is shared with other modules', async () => {
    const shared = MODULE.replace('(table 3 funcref)', '(table (export "t") 3 funcref)');
    expect(functionsReaching(await assembleWat(shared), waits)).toBeUndefined();
  });

  it('leaves the decision to binaryen when functions are called through references', async () => {
    const refs = MODULE.replace('(func $noop (type $v))', '(func $noop (type $v) (call_ref $v (ref.func $noop)))').replace(
      '(elem (i32.const 0) $waits $quick $noop)',
      '(elem (i32.const 0) $waits $quick $noop) (elem declare func $noop)',
    );
    expect(functionsReaching(await assembleWat(refs), waits)).toBeUndefined();
  });
});

describe('planAsyncify (which imports of a rewritten module unwind)', () => {
  it("lists an import bound to another waiting instance's export, as well as the waiting imports", async () => {
    const ast = decodeComponent(await assembleWat(readFixture('asyncify-adapter.wat')));
    validate(ast);
    const plan = planAsyncify(inline(ast), suspendingLowerings(['local:test/host#fetch', 'local:test/host#label']));
    const imports = [...plan.modules.values()].map((m) => m.imports.map((i) => `${i.module}.${i.name}`).sort());
    // main calls into the forwarding shim, whose table leads to the adapter's waiting imports.
    expect(imports).toContainEqual(['shim.label', 'shim.work']);
  });
});
