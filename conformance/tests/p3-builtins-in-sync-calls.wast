;; Preview 3 built-ins run in functions lifted without async: a waitable set and a
;; stream made in one call outlive it, and the instance's handle table numbers them in
;; order (handle 1 is the set; the stream's readable end is 2, its writable end 3).
(component
  (type $ST (stream u32))
  (canon waitable-set.new (core func $waitable-set.new))
  (canon stream.new $ST (core func $stream.new))
  (canon stream.drop-readable $ST (core func $stream.drop-readable))
  (core module $M
    (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
    (func (export "answer") (result i32) (i32.const 42))
    (func (export "make-set") (result i32) (call $waitable-set.new))
    (func (export "make-stream") (result i32) (i32.wrap_i64 (call $stream.new)))
    (func (export "drop-readable") (param i32) (call $stream.drop-readable (local.get 0))))
  (core instance $m (instantiate $M (with "" (instance
    (export "waitable-set.new" (func $waitable-set.new))
    (export "stream.new" (func $stream.new))
    (export "stream.drop-readable" (func $stream.drop-readable))))))
  (func (export "answer") (result u32) (canon lift (core func $m "answer")))
  (func (export "make-set") (result u32) (canon lift (core func $m "make-set")))
  (func (export "make-stream") (result u32) (canon lift (core func $m "make-stream")))
  (func (export "drop-readable") (param "h" u32) (canon lift (core func $m "drop-readable"))))
(assert_return (invoke "answer") (u32.const 42))
(assert_return (invoke "make-set") (u32.const 1))
(assert_return (invoke "make-stream") (u32.const 2))
(assert_return (invoke "drop-readable" (u32.const 2)))
(assert_trap (invoke "drop-readable" (u32.const 2)) "unknown handle index 2")
