;; Guest traps surface as thrown errors, and invalid values produced by the guest
;; trap when lifted.
(component definition $T
  (core module $M
    (memory (export "mem") 1)
    (func (export "boom") (result i32) unreachable)
    (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
    (func (export "surrogate") (result i32) (i32.const 0xd800))
    (func (export "too-big-char") (result i32) (i32.const 0x110000))
    ;; a string whose bytes lie past the end of memory
    (func (export "oob-string") (result i32)
      (i32.store (i32.const 0) (i32.const 65530))
      (i32.store (i32.const 4) (i32.const 100))
      (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "boom") (result u32) (canon lift (core func $m "boom")))
  (func (export "div") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "div")))
  (func (export "surrogate") (result char) (canon lift (core func $m "surrogate")))
  (func (export "too-big-char") (result char) (canon lift (core func $m "too-big-char")))
  (func (export "oob-string") (result string)
    (canon lift (core func $m "oob-string") (memory (core memory $m "mem")) string-encoding=utf8))
)
(component instance $t $T)
(assert_return (invoke "div" (u32.const 84) (u32.const 2)) (u32.const 42))
(assert_trap (invoke "boom") "unreachable")
;; the trap poisoned the instance
(assert_trap (invoke "div" (u32.const 84) (u32.const 2)) "cannot enter component instance")
(component instance $t $T)
(assert_trap (invoke "div" (u32.const 1) (u32.const 0)) "integer divide by zero")
(component instance $t $T)
(assert_trap (invoke "surrogate") "invalid `char` bit pattern")
(component instance $t $T)
(assert_trap (invoke "too-big-char") "invalid `char` bit pattern")
(component instance $t $T)
(assert_trap (invoke "oob-string") "string content out-of-bounds")

;; a start function that traps makes instantiation fail
(assert_trap
  (component
    (core module $M (func $start unreachable) (start $start))
    (core instance (instantiate $M)))
  "unreachable")
