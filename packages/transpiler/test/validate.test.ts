import { describe, expect, it } from 'vitest';
import { assembleWat, componentFromWit, readFixture } from './harness.js';
import { transpile, WeftError } from '../src/index.js';

async function rejects(wat: string, message: RegExp): Promise<void> {
  const bytes = await assembleWat(wat);
  const err = await transpile(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeftError);
  expect((err as Error).message).toMatch(message);
}

async function accepts(wat: string): Promise<void> {
  await expect(transpile(await assembleWat(wat))).resolves.toBeDefined();
}

const liftF = `
  (core module $m (func (export "f") (result i32) unreachable))
  (core instance $i (instantiate $m))`;

describe('validation: names', () => {
  it('import names must be kebab-case labels', async () => {
    await rejects('(component (import "aBc" (func)))', /`aBc` is not in kebab case/);
    await rejects('(component (import "a-" (func)))', /is not in kebab case/);
  });

  it('checks names inside component and instance types too', async () => {
    await rejects('(component (type (instance (export "lET" (func)))))', /`lET` is not in kebab case/);
  });

  it('interface names are ns:pkg/iface with lowercase namespace and package', async () => {
    await rejects('(component (import "ns:A/b" (func)))', /not a valid extern name/);
    await rejects('(component (import "foo:bar/baz/qux" (func)))', /trailing characters/);
    await rejects('(component (import "foo:bar:baz/qux" (func)))', /expected `\/` after package name/);
  });

  it('interface versions are valid semver', async () => {
    await rejects('(component (import "a:b/c@1." (func)))', /invalid version/);
    await rejects('(component (import "a:b/c@2.0x0" (func)))', /unexpected character 'x'/);
    await accepts('(component (import "a:b/c@0.0.0-abcd.1.2+efg.4.ee.5" (func)))');
  });

  it('names must be strongly unique', async () => {
    await rejects('(component (import "f" (func $f)) (export "a" (func $f)) (export "A" (func $f)))', /export name `A` conflicts with previous name `a`/);
    await rejects(
      `(component (import "a" (type $a (sub resource)))
      (import "[method]a.a" (func (param "self" (borrow $a)))))`,
      /conflicts with previous name `a`/,
    );
  });

  it('versionsuffix is only for instances', async () => {
    await rejects('(component (import "a:b/c@1" (versionsuffix ".2.3") (func)))', /only instances can have an `versionsuffix`/);
    await accepts('(component (import "a:b/c@1" (versionsuffix ".2.3") (instance)))');
  });

  it('labels after the first word may start with a digit', async () => {
    await accepts('(component (type (flags "a-1-c")))');
    await rejects('(component (type (flags "0-a")))', /not a valid kebab-case label/);
  });

  it('implements is only for plain-named instances and names an interface', async () => {
    await rejects('(component (import "a" (implements "a:b/c") (func)))', /only instances can have an `implements`/);
    await rejects('(component (import "a" (implements "not-valid") (instance)))', /must be an interface name/);
  });
});

describe('validation: annotated names', () => {
  it('[constructor] returns own of the resource it names', async () => {
    await rejects('(component (import "a" (type $a (sub resource))) (import "[constructor]a" (func (result string))))', /should return `\(own \$T\)`/);
    await rejects('(component (import "b" (type $a (sub resource))) (import "[constructor]a" (func (result (own $a)))))', /expected resource name `b`/);
  });

  it('[method] takes self: borrow of the resource', async () => {
    await rejects('(component (import "a" (type $a (sub resource))) (import "[method]a.b" (func (param "x" (borrow $a)))))', /first argument called `self`/);
  });

  it('in a bag of exports, a function typed with the unexported original resource has no name', async () => {
    await rejects(
      `(component
      (type $T (resource (rep i32)))
      (core module $m (func (export "a") (result i32) unreachable))
      (core instance $i (instantiate $m))
      (func $f (result (own $T)) (canon lift (core func $i "a")))
      (instance (export "a" (type $T)) (export "[constructor]a" (func $f))))`,
      /does not have a name in this context/,
    );
  });

  it('[static] needs a preceding resource of that name', async () => {
    await rejects('(component (import "[static]a.b" (func)))', /static resource name `a` is not known/);
  });
});

describe('validation: external visibility', () => {
  it('an exported function may only use exported or imported resources', async () => {
    await rejects(
      `(component ${liftF}
      (type $R (resource (rep i32)))
      (func $f (result (own $R)) (canon lift (core func $i "f")))
      (export "f" (func $f)))`,
      /func not valid to be used as export/,
    );
  });

  it('an imported function may only use imported types', async () => {
    await rejects(`(component (type $Rec (record (field "x" u32))) (import "f" (func (result $Rec))))`, /func not valid to be used as import/);
  });

  it('a re-export under an ascribed type is visible', async () => {
    await accepts(`(component ${liftF}
      (type $Rec (record (field "x" u32)))
      (func $f (result $Rec) (canon lift (core func $i "f")))
      (export $Rec' "rec" (type $Rec))
      (export "f" (func $f) (func (result $Rec'))))`);
  });
});

describe('validation: types named through instances', () => {
  const twoRecords = `
    (type $I (instance
      (type $t0 (record (field "s" u64))) (export "t" (type (eq $t0)))
      (type $u0 (record (field "n" u32))) (export "u" (type (eq $u0)))))
    (import "a:b/types" (instance $types (type $I)))
    (alias export $types "t" (type $t))
    (alias export $types "u" (type $u))`;

  it("an instantiated component's export uses the arguments of its type imports, every one of them", async () => {
    await accepts(`(component ${twoRecords}
      (component $shim
        (type $t0 (record (field "s" u64))) (import "import-type-t" (type $t (eq $t0)))
        (type $u0 (record (field "n" u32))) (import "import-type-u" (type $u (eq $u0)))
        (type $o (record (field "at" (option $u))))
        (export "o" (type $o)))
      (instance $s (instantiate $shim (with "import-type-t" (type $t)) (with "import-type-u" (type $u))))
      (export "a:b/h" (instance $s)))`);
  });

  it("wit-component's export shim: a resource, then records re-exported under a second name", async () => {
    await accepts(readFixture('validation-shim-reexport.wat'));
  });

  it("a guest of wasi:http@0.3's shape, as wit-component encodes it", async () => {
    const wit = readFixture('wit/http-service.wit');
    const { files } = await transpile(await componentFromWit(wit, 'wasi:http/service@0.3.0'), { name: 'service' });
    expect(new TextDecoder().decode(files['service.js'])).toMatch(/as "wasi:http\/handler@0\.3\.0"/);
  });

  it('a type exported by an inner instance and aliased out is not named in the outer component', async () => {
    await rejects(
      `(component ${liftF.replace('(result i32) unreachable', '(param i32)')}
      (type $I (instance (type $t0 (record (field "x" u32))) (export "t" (type (eq $t0)))))
      (import "a:b/types" (instance $types (type $I)))
      (alias export $types "t" (type $t))
      (component $c (type $t0 (record (field "x" u32))) (import "t" (type $t (eq $t0))) (export "t2" (type $t)))
      (instance $s (instantiate $c (with "t" (type $t))))
      (alias export $s "t2" (type $t2))
      (func $f (param "a" $t2) (canon lift (core func $i "f")))
      (instance $j (export "f" (func $f)))
      (export "a:b/j" (instance $j)))`,
      /instance not valid to be used as export: it uses a record type/,
    );
  });

  it("an instance's export may only use the types it exported before it", async () => {
    const bag = (exports: string) => `(component ${liftF.replace('(result i32) unreachable', '(param i32)')}
      (type $t (record (field "x" u32)))
      (func $f (param "a" $t) (canon lift (core func $i "f")))
      (instance $j ${exports})
      (export "a:b/j" (instance $j)))`;
    await rejects(bag('(export "f" (func $f)) (export "t" (type $t))'), /instance not valid to be used as export: it uses a record type/);
    await accepts(bag('(export "t" (type $t)) (export "f" (func $f))'));
  });
});

describe('validation: canonical options', () => {
  it('lowering a function returning a string needs memory and realloc', async () => {
    await rejects(`(component (import "f" (func $f (result string))) (core func (canon lower (func $f))))`, /`memory` is required/);
  });

  it('realloc requires memory', async () => {
    await rejects(
      `(component (import "f" (func $f (result string)))
      (core module $m (func (export "r") (param i32 i32 i32 i32) (result i32) unreachable))
      (core instance $i (instantiate $m))
      (core func (canon lower (func $f) (realloc (core func $i "r")))))`,
      /`realloc` requires `memory`/,
    );
  });

  it('the lifted core function must have the flattened signature', async () => {
    await rejects(
      `(component (core module $m (func (export "f") (param i32))) (core instance $i (instantiate $m))
      (func (canon lift (core func $i "f"))))`,
      /lowered parameter types `\[\]` do not match/,
    );
  });

  it('a lowered function must match the core import it satisfies', async () => {
    await rejects(
      `(component (import "f" (func $f (param "x" u32)))
      (core func $g (canon lower (func $f)))
      (core module $m (import "" "g" (func (param i64))))
      (core instance $a (export "g" (func $g)))
      (core instance (instantiate $m (with "" (instance $a)))))`,
      /type mismatch for export `g`/,
    );
  });
});

describe('validation: Preview 3 types and options', () => {
  it('the async option needs an async function type', async () => {
    await rejects('(component (import "f" (func $f)) (core func (canon lower (func $f) async)))', /`async` canonical option requires an async function type/);
  });

  it("an async lift's core function takes the flat parameters and returns a status only with a callback", async () => {
    const lift = (core: string, opts: string) => `(component
      (core module $m (func (export "f") ${core}) (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (core instance $i (instantiate $m))
      (func (export "f") async (param "x" u32) (result u32) (canon lift (core func $i "f") async ${opts})))`;
    await rejects(lift('(param i32 i32)', ''), /lowered parameter types `\[i32\]` do not match/);
    await accepts(lift('(param i32)', ''));
    await rejects(lift('(param i32)', '(callback (core func $i "cb"))'), /lowered result types `\[i32\]` do not match/);
    await accepts(lift('(param i32) (result i32) unreachable', '(callback (core func $i "cb"))'));
  });

  it('an async lower passes more than four flat parameters through memory, and the result by pointer', async () => {
    const lower = (core: string) => `(component
      (import "g" (func $g async (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32) (result u32)))
      (core module $mem (memory (export "m") 1))
      (core instance $mi (instantiate $mem))
      (alias core export $mi "m" (core memory $m))
      (core func $lg (canon lower (func $g) async (memory $m)))
      (core module $x (import "" "g" (func ${core})))
      (core instance (instantiate $x (with "" (instance (export "g" (func $lg)))))))`;
    await accepts(lower('(param i32 i32) (result i32)'));
    await rejects(lower('(param i32 i32 i32 i32 i32 i32) (result i32)'), /type mismatch for export `g`/);
  });

  it('an async lift has no post-return', async () => {
    await rejects(
      `(component
      (core module $m (func (export "f") (result i32) unreachable) (func (export "pr") (param i32)))
      (core instance $i (instantiate $m))
      (func (export "f") async (result u32) (canon lift (core func $i "f") async (post-return (core func $i "pr")))))`,
      /`post-return` cannot be specified for an async function/,
    );
  });

  it('a stream or future built-in names a type of its family, defined before it', async () => {
    const streamNew = (type: string) => `(component
      (type $T ${type})
      (canon stream.new $T (core func $new))
      (core module $M (import "" "new" (func (result i64))))
      (core instance (instantiate $M (with "" (instance (export "new" (func $new)))))))`;
    await accepts(streamNew('(stream u32)'));
    await rejects(streamNew('(future u32)'), /`stream.new` requires a stream type/);
  });

  it('built-ins have their core signatures', async () => {
    const imported = (builtin: string, sig: string) => `(component
      (canon ${builtin} (core func $b))
      (core module $M (import "" "b" (func ${sig})))
      (core instance (instantiate $M (with "" (instance (export "b" (func $b)))))))`;
    await accepts(imported('waitable-set.new', '(result i32)'));
    await rejects(imported('waitable-set.new', '(result i64)'), /expected \(\) -> \(i64\), found \(\) -> \(i32\)/);
    await accepts(imported('waitable.join', '(param i32 i32)'));
    await rejects(imported('thread.suspend', '(param i32) (result i32)'), /type mismatch for export `b`/);
    await accepts(imported('error-context.drop', '(param i32)'));
    const wait = (sig: string) => `(component
      (core module $mm (memory (export "m") 1))
      (core instance $mi (instantiate $mm))
      (alias core export $mi "m" (core memory $mem))
      (canon waitable-set.wait (memory $mem) (core func $w))
      (core module $M (import "" "w" (func ${sig})))
      (core instance (instantiate $M (with "" (instance (export "w" (func $w)))))))`;
    await accepts(wait('(param i32 i32) (result i32)'));
    await rejects(wait('(param i32) (result i32)'), /type mismatch for export `w`/);
    await rejects(imported('subtask.drop', '(param i32) (result i32)'), /type mismatch for export `b`/);
  });

  it("thread built-ins name core types and tables that exist; thread.new-indirect's start type takes one i32", async () => {
    const newIndirect = (param: string) => `(component
      (core type $start (func (param ${param})))
      (core module $tm (table (export "t") 1 funcref))
      (core instance $ti (instantiate $tm))
      (alias core export $ti "t" (core table $t))
      (canon thread.new-indirect $start (core table $t) (core func $new))
      (core module $M (import "" "new" (func (param i32 i32) (result i32))))
      (core instance (instantiate $M (with "" (instance (export "new" (func $new)))))))`;
    await accepts(newIndirect('i32'));
    await rejects(newIndirect('i64'), /`thread.new-indirect` needs a core function type taking one i32/);
    await accepts('(component (core type $start (shared (func (param i32)))) (canon thread.spawn-ref $start (core func $s)))');
  });

  it('task.return lowers its result: no realloc, no async, memory when the result holds pointers', async () => {
    await rejects('(component (canon task.return (result string) (core func)))', /`memory` is required/);
    await rejects('(component (canon task.return (result u32) async (core func)))', /cannot specify `async` option on `task.return`/);
    await accepts(`(component (canon task.return (result u32) (core func $r))
      (core module $M (import "" "r" (func (param i32))))
      (core instance (instantiate $M (with "" (instance (export "r" (func $r)))))))`);
  });

  it('context slots are 0 and 1; a constructor is never async', async () => {
    await rejects('(component (canon context.get i32 2 (core func)))', /`context.get` immediate must be zero or one: 2/);
    await accepts('(component (canon context.set i32 1 (core func)))');
    await rejects(
      '(component (import "a" (type $a (sub resource))) (import "[constructor]a" (func async (result (own $a)))))',
      /constructor function cannot be async/,
    );
  });

  it('a value type must fit the element size limit', async () => {
    await rejects('(component (type (list u64 33554432)))', /exceeds maximum byte size/);
    await accepts('(component (type (list u64 33554431)))');
  });

  it('stream<char> is not a valid type', async () => {
    await rejects('(component (type (stream char)))', /`stream<char>` is not valid/);
    await rejects('(component (type $t char) (type (stream $t)))', /`stream<char>` is not valid/);
  });
});

describe('validation: instantiation', () => {
  it('arguments must match the imports structurally', async () => {
    await rejects(
      `(component
      (type $A (record (field "a" u32))) (type $B (record (field "b" u32)))
      (import "a" (type $A' (eq $A)))
      (import "f" (func $f (result $A')))
      (component $c (type $B (record (field "b" u32))) (import "b" (type $b (eq $B))) (import "f" (func (result $b))))
      (instance (instantiate $c (with "b" (type $B)) (with "f" (func $f)))))`,
      /expected field name `b`, found `a`/,
    );
  });

  it('resource arguments must be the same resource', async () => {
    await rejects(
      `(component
      (import "r1" (type $r1 (sub resource))) (import "r2" (type $r2 (sub resource)))
      (import "f" (func $f (result (own $r2))))
      (component $c (import "r" (type $r (sub resource))) (import "f" (func (result (own $r)))))
      (instance (instantiate $c (with "r" (type $r1)) (with "f" (func $f)))))`,
      /resource types are not the same/,
    );
  });

  it('each instance of a component has its own resources', async () => {
    await rejects(
      `(component
      (component $C (type $r (export "r") (resource (rep i32))))
      (instance $c1 (instantiate $C)) (instance $c2 (instantiate $C))
      (alias export $c1 "r" (type $a)) (alias export $c2 "r" (type $b))
      (component $eq (import "a" (type $a (sub resource))) (import "b" (type (eq $a))))
      (instance (instantiate $eq (with "a" (type $a)) (with "b" (type $b)))))`,
      /resource types are not the same/,
    );
  });

  it('each import of an instance type has its own resources', async () => {
    await rejects(
      `(component
      (type $I (instance (export "r" (type $r (sub resource))) (export "f" (func (result (own $r))))))
      (import "i1" (instance $i1 (type $I))) (import "i2" (instance $i2 (type $I)))
      (component $C (import "r" (type $r (sub resource))) (import "f" (func (result (own $r)))))
      (instance (instantiate $C (with "r" (type $i1 "r")) (with "f" (func $i2 "f")))))`,
      /resource types are not the same/,
    );
  });

  it('a core module argument must provide what the imported module type declares', async () => {
    await rejects(
      `(component (core module $m)
      (component $c (import "m" (core module (export "x" (func)))))
      (instance (instantiate $c (with "m" (core module $m)))))`,
      /missing expected export `x`/,
    );
    await rejects(
      `(component (core module $m (import "" "f" (global i32)))
      (component $c (import "m" (core module (import "" "f" (func)))))
      (instance (instantiate $c (with "m" (core module $m)))))`,
      /type mismatch in import `::f`/,
    );
  });

  it('a memory, table or global argument must fit the type the module imports', async () => {
    const pass = (exported: string, imported: string) => `(component
      (core module $a ${exported})
      (core module $b (import "" "x" ${imported}))
      (core instance $ai (instantiate $a))
      (core instance (instantiate $b (with "" (instance $ai)))))`;
    await rejects(pass('(memory (export "x") 0)', '(memory 1)'), /mismatch in memory limits: expected 1, found 0/);
    await rejects(pass('(memory (export "x") 1)', '(memory 1 2)'), /mismatch in memory limits: expected 1\.\.2, found 1/);
    await accepts(pass('(memory (export "x") 2 2)', '(memory 1 2)'));
    await rejects(pass('(table (export "x") 1 funcref)', '(table 2 funcref)'), /mismatch in table limits/);
    await rejects(pass('(global (export "x") i32 (i32.const 1))', '(global (mut i32))'), /expected a mutable global/);
    await rejects(pass('(global (export "x") i64 (i64.const 1))', '(global i32)'), /expected a global of type i32, found i64/);
    await accepts(pass('(global (export "x") (mut i32) (i32.const 1))', '(global (mut i32))'));
    // A global's shared flag (the shared-everything-threads proposal) is read but not compared.
    await accepts(pass('(global (export "x") (shared i32) (i32.const 1))', '(global i32)'));
  });

  it("a memory's page size is 64 KiB unless it says otherwise", async () => {
    await accepts(`(component
      (core module $a (memory (export "m") 1 (pagesize 65536)))
      (core module $b (import "" "m" (memory 1)))
      (core instance $ai (instantiate $a))
      (core instance (instantiate $b (with "" (instance $ai)))))`);
  });

  it('the memory of a canonical option is unshared', async () => {
    await rejects(
      `(component (import "f" (func $f (param "s" string)))
      (core module $m (memory (export "m") 1 1 shared))
      (core instance $i (instantiate $m))
      (alias core export $i "m" (core memory $mem))
      (core func (canon lower (func $f) (memory $mem))))`,
      /canonical option `memory` must be an unshared memory/,
    );
  });

  it('a memory re-exported by a bag of core exports keeps its limits', async () => {
    await rejects(
      `(component
      (core module $a (memory (export "m") 0))
      (core instance $ai (instantiate $a))
      (alias core export $ai "m" (core memory $mem))
      (core module $b (import "" "m" (memory 1)))
      (core instance (instantiate $b (with "" (instance (export "m" (memory $mem)))))))`,
      /mismatch in memory limits/,
    );
  });

  it("a core module argument's imports must accept what the module type promises to supply", async () => {
    const arg = (pages: number) => `(component
      (core module $m (import "" "mem" (memory ${pages})))
      (component $c (import "m" (core module (import "" "mem" (memory 2)))))
      (instance (instantiate $c (with "m" (core module $m)))))`;
    await rejects(arg(3), /type mismatch in import `::mem`: mismatch in memory limits/);
    await accepts(arg(1));
  });

  it('uninstantiated nested components are validated too', async () => {
    await rejects('(component (component (import "NotKebab" (func))))', /is not in kebab case/);
  });
});

describe('validation: core module types', () => {
  it('rejects duplicate exports and oversized memories', async () => {
    await rejects('(component (core type (module (export "a" (func)) (export "a" (func)))))', /export name `a` already defined/);
    await rejects('(component (core type (module (import "" "" (memory 70000)))))', /memory size must be at most/);
  });

  it('a memory with a custom page size may have as many pages as its address space holds', async () => {
    await accepts('(component (core type (module (import "" "m" (memory 100000 (pagesize 1))))))');
    await rejects('(component (core type (module (import "" "m" (memory 70000)))))', /memory size must be at most 65536 pages/);
  });

  it('an outer alias in a module type names an existing function type of the enclosing component', async () => {
    await rejects('(component (core type (module (alias outer 1 0 (type)))))', /outer core type index 0 out of range/);
    await rejects('(component (core type (module)) (core type (module (alias outer 1 0 (type)))))', /is a module type, not a function type/);
    await accepts('(component (core type (func)) (core type (module (alias outer 1 0 (type)) (import "" "f" (func (type 0))))))');
  });

  it('inside a module type, 0x50 opens a GC subtype', async () => {
    await accepts('(component (core type (module (type (sub (func))) (import "" "f" (func (type 0))))))');
  });

  it('rejects duplicate two-level imports of a core module', async () => {
    await rejects('(component (core module (import "" "a" (func)) (import "" "a" (func))))', /duplicate import name `:a`/);
  });

  it('flattens pointers as i64 with a 64-bit memory, as wasmparser does; the glue then says it does not support it', async () => {
    const lower = (params: string) => `(component
      (import "f" (func $f (param "s" string)))
      (core module $Mem (memory (export "mem") i64 1))
      (core instance $mem (instantiate $Mem))
      (core func $f' (canon lower (func $f) (memory (core memory $mem "mem"))))
      (core module $M (import "" "f" (func (param ${params}))))
      (core instance (instantiate $M (with "" (instance (export "f" (func $f')))))))`;
    await rejects(lower('i32 i32'), /expected \(i32 i32\) -> \(\), found \(i64 i64\) -> \(\)/);
    await rejects(lower('i64 i64'), /f: canonical options naming a 64-bit memory are not supported by weft/);
  });
});
