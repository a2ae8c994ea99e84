;; Two components linked through the runner: the first is registered under an
;; import name, and the second imports it as an instance.
(component $provider
  (core module $M
    (global $n (mut i32) (i32.const 0))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "bump") (result i32)
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (global.get $n)))
  (core instance $m (instantiate $M))
  (func (export "add-two") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add")))
  (func (export "bump") (result u32) (canon lift (core func $m "bump")))
)
(assert_return (invoke "bump") (u32.const 1))
(register "test:math/ops")

(component $consumer
  (import "test:math/ops" (instance $ops
    (export "add-two" (func (param "a" u32) (param "b" u32) (result u32)))
    (export "bump" (func (result u32)))))
  (core func $add (canon lower (func $ops "add-two")))
  (core func $bump (canon lower (func $ops "bump")))
  (core module $M
    (import "ops" "add" (func $add (param i32 i32) (result i32)))
    (import "ops" "bump" (func $bump (result i32)))
    (func (export "sum3") (param i32 i32 i32) (result i32)
      (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "bump-twice") (result i32)
      (drop (call $bump))
      (call $bump)))
  (core instance $m (instantiate $M
    (with "ops" (instance (export "add" (func $add)) (export "bump" (func $bump))))))
  (func (export "sum3") (param "a" u32) (param "b" u32) (param "c" u32) (result u32)
    (canon lift (core func $m "sum3")))
  (func (export "bump-twice") (result u32) (canon lift (core func $m "bump-twice")))
)
(assert_return (invoke "sum3" (u32.const 1) (u32.const 2) (u32.const 39)) (u32.const 42))
;; the consumer calls into the very instance that was registered, so its state is shared
(assert_return (invoke "bump-twice") (u32.const 3))
(assert_return (invoke $provider "bump") (u32.const 4))

;; an import that nobody registered cannot be satisfied
(assert_unlinkable
  (component
    (import "test:missing/iface" (instance $x (export "f" (func (result u32)))))
    (core func $f (canon lower (func $x "f")))
    (core module $M (import "x" "f" (func (result i32))))
    (core instance (instantiate $M (with "x" (instance (export "f" (func $f)))))))
  "missing")
