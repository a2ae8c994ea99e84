;; p3/async-calls.wat — the round trip of a callback-lifted async export, next to a plain
;; synchronous export of the same signature (the baseline).
;;
;; Equivalent WIT:
;;
;;   package local:p3-bench;
;;
;;   world async-calls {
;;     export sync-inc: func(x: u32) -> u32;          // x + 1, no task machinery
;;     export async-inc: async func(x: u32) -> u32;   // x + 1 through task.return, then EXIT
;;     export yield-inc: async func(x: u32) -> u32;   // YIELD once, then x + 1 and EXIT
;;   }
;;
;; Both async exports are lifted `async (callback ...)`, the shape wit-bindgen gives Rust
;; async exports. yield-inc keeps x in context slot 0, which belongs to its task, so calls
;; may overlap.
(component
  (canon task.return (result u32) (core func $return-u32))
  (canon context.get i32 0 (core func $context.get))
  (canon context.set i32 0 (core func $context.set))
  (core module $M
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "context.get" (func $context.get (result i32)))
    (import "" "context.set" (func $context.set (param i32)))
    (func (export "sync-inc") (param $x i32) (result i32)
      (i32.add (local.get $x) (i32.const 1)))
    ;; EXIT = 0, YIELD = 1 (the callback ABI's codes).
    (func (export "async-inc") (param $x i32) (result i32)
      (call $return-u32 (i32.add (local.get $x) (i32.const 1)))
      (i32.const 0))
    (func (export "async-inc-cb") (param i32 i32 i32) (result i32)
      unreachable)
    (func (export "yield-inc") (param $x i32) (result i32)
      (call $context.set (local.get $x))
      (i32.const 1))
    ;; Resumed after the yield: event NONE (0), nothing else can arrive.
    (func (export "yield-inc-cb") (param $ev i32) (param i32 i32) (result i32)
      (if (local.get $ev) (then unreachable))
      (call $return-u32 (i32.add (call $context.get) (i32.const 1)))
      (i32.const 0)))
  (core instance $m (instantiate $M (with "" (instance
    (export "return-u32" (func $return-u32))
    (export "context.get" (func $context.get))
    (export "context.set" (func $context.set))))))
  (func (export "sync-inc") (param "x" u32) (result u32)
    (canon lift (core func $m "sync-inc")))
  (func (export "async-inc") async (param "x" u32) (result u32)
    (canon lift (core func $m "async-inc") async (callback (core func $m "async-inc-cb"))))
  (func (export "yield-inc") async (param "x" u32) (result u32)
    (canon lift (core func $m "yield-inc") async (callback (core func $m "yield-inc-cb")))))
