;; The bundled example: a component exporting an interface `example:hello/greeter`.
;;
;;   package example:hello;
;;   interface greeter {
;;     record summary { count: u32, mean: f64 }
;;     greet: func(name: string) -> string;
;;     summarize: func(values: list<f64>) -> summary;
;;   }
;;   world hello { export greeter; export add: func(a: u32, b: u32) -> u32; }
;;
;; Assemble with `jco parse hello.wat -o hello.wasm` (run.mjs checks the two agree).
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 16) "Hello, ")
    (data (i32.const 23) "!")
    (global $next (mut i32) (i32.const 1024))

    ;; Bump allocator; a realloc copies the old bytes into the new block.
    (func $realloc (export "cabi_realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
      (local $ret i32)
      (local.set $ret (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $ret) (local.get $size)))
      (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
        (then (drop (memory.grow (i32.const 1)))))
      (if (local.get $old)
        (then (memory.copy (local.get $ret) (local.get $old)
                (select (local.get $old-size) (local.get $size) (i32.lt_u (local.get $old-size) (local.get $size))))))
      (local.get $ret))

    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))

    ;; greet(ptr, len) -> retptr: "Hello, " + name + "!"
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $len) (i32.const 8))))
      (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
      (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33))
      (i32.store (i32.const 0) (local.get $out))
      (i32.store (i32.const 4) (i32.add (local.get $len) (i32.const 8)))
      (i32.const 0))

    ;; summarize(ptr, len) -> retptr to { count: u32, mean: f64 }
    (func (export "stats") (param $ptr i32) (param $len i32) (result i32)
      (local $i i32) (local $sum f64)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $sum (f64.add (local.get $sum)
            (f64.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (i32.store (i32.const 32) (local.get $len))
      (f64.store (i32.const 40) (f64.div (local.get $sum) (f64.convert_i32_u (local.get $len))))
      (i32.const 32))

    ;; Every call's allocations are dead once its results are read.
    (func (export "reset") (param i32) (global.set $next (i32.const 1024))))

  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  (type $summary (record (field "count" u32) (field "mean" f64)))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc) (post-return (core func $i "reset"))))
  (func $summarize (param "values" (list f64)) (result $summary)
    (canon lift (core func $i "stats") (memory $mem) (realloc $realloc) (post-return (core func $i "reset"))))
  (instance $greeter
    (export "summary" (type $summary))
    (export "greet" (func $greet))
    (export "summarize" (func $summarize)))
  (export "example:hello/greeter" (instance $greeter))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))
