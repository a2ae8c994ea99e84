;; A core module with two memories (wasm multi-memory): stores through one must
;; not show in the other, and a lowered string lands in the memory named by the
;; canonical options, which here is the module's second memory.
(component
  (core module $M
    (memory $a 1)
    (memory $b (export "mem") 1)
    (global $next (mut i32) (i32.const 16))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get 3)))
      (local.get $p))
    (func (export "put") (param $x i32)
      (i32.store $a (i32.const 0) (local.get $x))
      (i32.store $b (i32.const 0) (i32.mul (local.get $x) (i32.const 2))))
    (func (export "get-a") (result i32) (i32.load $a (i32.const 0)))
    (func (export "get-b") (result i32) (i32.load $b (i32.const 0)))
    (func (export "len-in-b") (param $ptr i32) (param $len i32) (result i32)
      (i32.add (local.get $len) (i32.load8_u $b (local.get $ptr)))))
  (core instance $m (instantiate $M))
  (func (export "put") (param "x" u32) (canon lift (core func $m "put")))
  (func (export "get-a") (result u32) (canon lift (core func $m "get-a")))
  (func (export "get-b") (result u32) (canon lift (core func $m "get-b")))
  (func (export "len-in-b") (param "s" string) (result u32)
    (canon lift (core func $m "len-in-b") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))

(assert_return (invoke "get-a") (u32.const 0))
(invoke "put" (u32.const 21))
(assert_return (invoke "get-a") (u32.const 21))
(assert_return (invoke "get-b") (u32.const 42))
;; "abc": 3 bytes, the first is 'a' (97).
(assert_return (invoke "len-in-b" (str.const "abc")) (u32.const 100))
