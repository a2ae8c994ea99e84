;; Components that must be rejected before they can run.

;; two exports with the same name
(assert_invalid
  (component
    (core module $M (func (export "f")))
    (core instance $m (instantiate $M))
    (func $f (canon lift (core func $m "f")))
    (export "a" (func $f))
    (export "a" (func $f)))
  "conflicts with previous name")

;; a string lift needs a memory
(assert_invalid
  (component
    (core module $M (func (export "f") (result i32) (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result string) (canon lift (core func $m "f"))))
  "canonical option `memory` is required")

;; not a component: wrong magic
(assert_malformed
  (component binary "\00asx\0d\00\01\00")
  "magic header not detected")

;; a core module header where a component is expected
(assert_malformed
  (component binary "\00asm\01\00\00\00")
  "component")

;; truncated section
(assert_malformed
  (component binary "\00asm\0d\00\01\00\07\05\01")
  "unexpected end")

;; text the assembler refuses
(assert_malformed
  (component quote "(func (export \"f\") (canon lift (core func $nope)))")
  "unknown core func")
