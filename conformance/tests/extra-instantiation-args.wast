;; Instantiation arguments that match no import are ignored, as the spec says.
(component
  (component $Inner
    (core module $M (func (export "f") (result i32) (i32.const 5)))
    (core instance $m (instantiate $M))
    (func (export "f") (result u32) (canon lift (core func $m "f"))))
  (component $Unused)
  (instance $i (instantiate $Inner (with "not-imported" (component $Unused))))
  (export "f" (func $i "f")))
(assert_return (invoke "f") (u32.const 5))
