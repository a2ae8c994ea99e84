;; p3/sync-calls.wat — async-calls.wat's sync-inc alone, in a component that uses no
;; Preview 3 feature: what a plain synchronous export costs when no async runtime is
;; emitted at all.
;;
;; Equivalent WIT:
;;
;;   package local:p3-bench;
;;
;;   world sync-calls {
;;     export sync-inc: func(x: u32) -> u32;          // x + 1
;;   }
(component
  (core module $M
    (func (export "sync-inc") (param $x i32) (result i32)
      (i32.add (local.get $x) (i32.const 1))))
  (core instance $m (instantiate $M))
  (func (export "sync-inc") (param "x" u32) (result u32)
    (canon lift (core func $m "sync-inc"))))
