;; The part of the Preview 3 async ABI that completes without blocking: an async
;; lift hands its result to task.return, an async lower gets RETURNED (2) with the
;; result stored at its return pointer. A lift that never calls task.return traps.
(component
  (component $C
    (core module $M
      (import "" "task.return" (func $task.return (param i32)))
      (func (export "answer") (call $task.return (i32.const 42)))
      (func (export "forget")))
    (canon task.return (result u32) (core func $task.return))
    (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $task.return))))))
    (func (export "answer") async (result u32) (canon lift (core func $m "answer") async))
    (func (export "forget") async (result u32) (canon lift (core func $m "forget") async)))
  (component $D
    (import "c" (instance $c
      (export "answer" (func async (result u32)))
      (export "forget" (func async (result u32)))))
    (core module $Memory (memory (export "mem") 1))
    (core instance $memory (instantiate $Memory))
    (core func $answer (canon lower (func $c "answer") async (memory (core memory $memory "mem"))))
    (core module $Main
      (import "" "mem" (memory 1))
      (import "" "answer" (func $answer (param i32) (result i32)))
      (func (export "status") (result i32) (call $answer (i32.const 8)))
      (func (export "value") (result i32) (drop (call $answer (i32.const 8))) (i32.load (i32.const 8))))
    (core instance $main (instantiate $Main (with "" (instance
      (export "mem" (memory $memory "mem")) (export "answer" (func $answer))))))
    (func (export "status") (result u32) (canon lift (core func $main "status")))
    (func (export "value") (result u32) (canon lift (core func $main "value"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (export "status" (func $d "status"))
  (export "value" (func $d "value"))
  (export "answer" (func $c "answer"))
  (export "forget" (func $c "forget")))
(assert_return (invoke "status") (u32.const 2))
(assert_return (invoke "value") (u32.const 42))
(assert_return (invoke "answer") (u32.const 42))
(assert_trap (invoke "forget") "task.return")
