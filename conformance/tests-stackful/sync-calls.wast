;; A core function calls an async function synchronously, twice: the callee yields before it
;; answers, so the caller's thread waits on its own stack (asyncify in Node, JSPI in
;; Chromium). A synchronous function may yield, but may not wait on another instance before
;; it returns.
(component
  (component $Callee
    (core module $M
      (import "" "task.return" (func $task.return (param i32)))
      (import "" "context.set" (func $context.set (param i32)))
      (import "" "context.get" (func $context.get (result i32)))
      (global $yields (mut i32) (i32.const 0))
      (func (export "times-ten") (param $x i32) (result i32)
        (call $context.set (local.get $x))
        (i32.const 1 (; YIELD ;)))
      ;; yields three times, then answers
      (func (export "times-ten-cb") (param i32 i32 i32) (result i32)
        (global.set $yields (i32.add (global.get $yields) (i32.const 1)))
        (if (i32.lt_u (global.get $yields) (i32.const 3)) (then (return (i32.const 1 (; YIELD ;)))))
        (global.set $yields (i32.const 0))
        (call $task.return (i32.mul (call $context.get) (i32.const 10)))
        (i32.const 0 (; EXIT ;))))
    (canon task.return (result u32) (core func $task.return))
    (canon context.set i32 0 (core func $context.set))
    (canon context.get i32 0 (core func $context.get))
    (core instance $m (instantiate $M (with "" (instance
      (export "task.return" (func $task.return))
      (export "context.set" (func $context.set))
      (export "context.get" (func $context.get))))))
    (func (export "times-ten") async (param "x" u32) (result u32)
      (canon lift (core func $m "times-ten") async (callback (core func $m "times-ten-cb")))))
  (component $Caller
    (import "times-ten" (func $times-ten async (param "x" u32) (result u32)))
    (canon lower (func $times-ten) (core func $times-ten'))
    (canon thread.yield (core func $yield))
    (core module $M
      (import "" "times-ten" (func $times-ten (param i32) (result i32)))
      (import "" "yield" (func $yield (result i32)))
      (func (export "twice") (param $x i32) (result i32)
        (i32.add
          (call $times-ten (local.get $x))
          (call $times-ten (i32.add (local.get $x) (i32.const 1)))))
      (func (export "yield-42") (result i32)
        (drop (call $yield))
        (i32.const 42)))
    (core instance $m (instantiate $M (with "" (instance
      (export "times-ten" (func $times-ten'))
      (export "yield" (func $yield))))))
    (func (export "twice") async (param "x" u32) (result u32) (canon lift (core func $m "twice")))
    (func (export "sync-twice") (param "x" u32) (result u32) (canon lift (core func $m "twice")))
    (func (export "sync-yield") (result u32) (canon lift (core func $m "yield-42"))))
  (instance $callee (instantiate $Callee))
  (instance $caller (instantiate $Caller (with "times-ten" (func $callee "times-ten"))))
  (func (export "twice") (alias export $caller "twice"))
  (func (export "sync-twice") (alias export $caller "sync-twice"))
  (func (export "sync-yield") (alias export $caller "sync-yield")))
(assert_return (invoke "twice" (u32.const 1)) (u32.const 30))
(assert_return (invoke "twice" (u32.const 100)) (u32.const 2010))
(assert_return (invoke "sync-yield") (u32.const 42))
(assert_trap (invoke "sync-twice" (u32.const 1)) "cannot block a synchronous task before returning")
