;; map<K,V> crosses between two inner components; each side sees it as
;; list<tuple<K,V>> in memory. $Sum adds the values of a map<string, u32>.
(component
  (component $Sum
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 256))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      ;; entries are (ptr, len, value): 12 bytes each
      (func (export "sum") (param $p i32) (param $n i32) (result i32)
        (local $acc i32)
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (i32.load offset=8 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 12)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $acc)))
    (core instance $m (instantiate $M))
    (func (export "sum") (param "m" (map string u32)) (result u32)
      (canon lift (core func $m "sum") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $Fwd
    (import "sum" (func $sum (param "m" (map string u32)) (result u32)))
    (core module $Mem
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 256))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $next (i32.add (local.get $r) (local.get 3)))
        (local.get $r)))
    (core instance $mem (instantiate $Mem))
    (core func $sum' (canon lower (func $sum) (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "sum" (func $sum (param i32 i32) (result i32)))
      (func (export "fwd") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1))))
    (core instance $m (instantiate $M (with "" (instance (export "sum" (func $sum'))))))
    (func (export "sum-list") (param "l" (list (tuple string u32))) (result u32)
      (canon lift (core func $m "fwd") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc")))))
  (instance $s (instantiate $Sum))
  (instance $f (instantiate $Fwd (with "sum" (func $s "sum"))))
  (export "sum-list" (func $f "sum-list")))
(assert_return (invoke "sum-list" (list.const)) (u32.const 0))
(assert_return
  (invoke "sum-list" (list.const
    (tuple.const (str.const "a") (u32.const 1))
    (tuple.const (str.const "b") (u32.const 2))
    (tuple.const (str.const "c") (u32.const 39))))
  (u32.const 42))
;; between components every entry arrives, a key given twice included
(assert_return
  (invoke "sum-list" (list.const
    (tuple.const (str.const "a") (u32.const 1))
    (tuple.const (str.const "a") (u32.const 10))))
  (u32.const 11))
