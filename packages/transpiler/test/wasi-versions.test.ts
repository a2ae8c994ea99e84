import { describe, expect, it } from 'vitest';
import { transpile } from '../src/index.js';
import { assembleWat } from './harness.js';

// The same WASI interface at 0.2 and at 0.3, a 0.3 release candidate, and a 0.3 package weft has no shim for.
const WAT = `(component
  (type $list (list string))
  (import "wasi:cli/environment@0.2.0" (instance $env2 (export "get-arguments" (func (result $list)))))
  (import "wasi:cli/environment@0.3.0" (instance $env3 (export "get-arguments" (func (result $list)))))
  (import "wasi:clocks/monotonic-clock@0.3.0-rc-2026-03-15" (instance $clock (export "now" (func (result u64)))))
  (import "wasi:io/poll@0.3.0" (instance $poll (export "tick" (func))))
  (core module $mem (memory (export "m") 1) (global $p (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (global.get $p) (global.set $p (i32.add (global.get $p) (local.get 3)))))
  (core instance $mi (instantiate $mem))
  (core func $args2 (canon lower (func $env2 "get-arguments") (memory (core memory $mi "m")) (realloc (core func $mi "realloc"))))
  (core func $args3 (canon lower (func $env3 "get-arguments") (memory (core memory $mi "m")) (realloc (core func $mi "realloc"))))
  (core func $now (canon lower (func $clock "now")))
  (core func $tick (canon lower (func $poll "tick")))
  (core module $m
    (import "h" "args2" (func (param i32)))
    (import "h" "args3" (func (param i32)))
    (import "h" "now" (func (result i64)))
    (import "h" "tick" (func))
    (func (export "go")))
  (core instance $i (instantiate $m (with "h" (instance
    (export "args2" (func $args2)) (export "args3" (func $args3)) (export "now" (func $now)) (export "tick" (func $tick))))))
  (func (export "go") (canon lift (core func $i "go"))))`;

describe('default WASI mapping by version', () => {
  it('sends wasi:*@0.2.* to the shim packages and wasi:*@0.3.* to their p3 entry points', async () => {
    const { files, imports } = await transpile(await assembleWat(WAT), { name: 'c' });
    const glue = new TextDecoder().decode(files['c.js']);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "@weft\/wasi-cli";/);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "@weft\/wasi-cli\/p3";/);
    expect(glue).toMatch(/import \{ monotonicClock as \$\w+ \} from "@weft\/wasi-clocks\/p3";/);
    // wasi:io has no 0.3 version, so weft has no shim to map it to.
    expect(glue).toContain('from "wasi:io/poll"');
    expect([...imports].sort()).toEqual(['@weft/wasi-cli', '@weft/wasi-cli/p3', '@weft/wasi-clocks/p3', 'wasi:io/poll']);
  });

  it('leaves a user --map in charge of 0.3 imports', async () => {
    const { files } = await transpile(await assembleWat(WAT), { name: 'c', map: { 'wasi:cli/environment@0.3.0': './env3.js#environment' } });
    const glue = new TextDecoder().decode(files['c.js']);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "\.\/env3\.js";/);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "@weft\/wasi-cli";/);
  });

  it('a map pattern with the version after its star picks out one release (what the e2e map relies on)', async () => {
    const map = { 'wasi:cli/*@0.3.0': '@weft/wasi-cli/p3#*', 'wasi:cli/*': '@weft/wasi-cli#*' };
    const { files } = await transpile(await assembleWat(WAT), { name: 'c', map });
    const glue = new TextDecoder().decode(files['c.js']);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "@weft\/wasi-cli\/p3";/);
    expect(glue).toMatch(/import \{ environment as \$\w+ \} from "@weft\/wasi-cli";/);
  });
});
