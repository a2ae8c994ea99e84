;; A component that declares Preview 3 types and built-ins still runs its
;; Preview 2 functions; only a call that reaches an unimplemented built-in traps.
(component
  (type $ST (stream u32))
  (canon stream.new $ST (core func $stream.new))
  (canon task.cancel (core func $task.cancel))
  (core module $M
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "task.cancel" (func $task.cancel))
    (func (export "answer") (result i32) (i32.const 42))
    (func (export "make-stream") (result i32) (i32.wrap_i64 (call $stream.new))))
  (core instance $m (instantiate $M (with "" (instance
    (export "stream.new" (func $stream.new)) (export "task.cancel" (func $task.cancel))))))
  (func (export "answer") (result u32) (canon lift (core func $m "answer")))
  (func (export "make-stream") (result u32) (canon lift (core func $m "make-stream"))))
(assert_return (invoke "answer") (u32.const 42))
(assert_trap (invoke "make-stream") "not supported")
