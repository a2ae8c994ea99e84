;; bench.wat — call-overhead benchmark component (component-model text format).
;;
;; The core module does (almost) no work, so that the cost measured is the
;; host-side glue (lifting/lowering) rather than guest computation.
;;
;; Equivalent WIT:
;;
;;   package local:bench;
;;
;;   interface host {
;;     host-inc: func(n: u32) -> u32;
;;   }
;;
;;   world bench {
;;     import host;
;;     record point { x: f64, y: f64 }
;;     export noop: func();
;;     export add: func(a: u32, b: u32) -> u32;
;;     export echo-string: func(s: string) -> string;
;;     export sum-bytes: func(b: list<u8>) -> u32;      // returns the length
;;     export echo-bytes: func(b: list<u8>) -> list<u8>;
;;     export make-point: func(x: f64, y: f64) -> point;
;;     export call-host: func(n: u32) -> u32;           // calls host-inc n times
;;     export make-bytes: func(n: u32) -> list<u8>;     // n bytes of guest memory
;;     variant shape { circle(f64), square(f64), empty }
;;     export round-trip: func(s: shape, o: option<u32>) -> result<shape, u32>;
;;     resource counter {
;;       constructor(start: u32);
;;       bump: func(by: u32) -> u32;
;;     }
;;   }
;;
;; Memory model: a bump allocator (cabi_realloc) starting at $heap_base.
;; Every export that receives a list/string has a post-return function that
;; resets the bump pointer, so repeated calls never grow memory past one
;; argument's worth of bytes.  Return areas live at fixed addresses below the heap;
;; counter resources live in 256 recycled i32 cells at 4096..5120 (the benchmark keeps
;; only one alive at a time, so reuse is safe and the resource needs no destructor).
;;
;; Assemble:  jco parse bench.wat -o bench.wasm
;; (Written in wasm-tools' strict component-index syntax: canonical options name
;; core items as `(realloc (core func ...))` / `(post-return (core func ...))`.)
(component
  ;; ---- import: local:bench/host ------------------------------------------
  (import "local:bench/host" (instance $host
    (export "host-inc" (func (param "n" u32) (result u32)))
  ))

  (core func $host-inc (canon lower (func $host "host-inc")))

  (type $counter (resource (rep i32)))
  (core func $counter-new (canon resource.new $counter))

  ;; ---- core module: trivial bodies ---------------------------------------
  (core module $m
    (import "host" "host-inc" (func $host-inc (param i32) (result i32)))
    (import "res" "counter-new" (func $counter-new (param i32) (result i32)))

    (memory (export "memory") 1)

    ;; return areas: 16..24 (ptr,len pairs), 32..48 (point: two f64),
    ;; 64..88 (result<shape, u32>)
    (global $heap_base i32 (i32.const 8192))
    (global $next (mut i32) (i32.const 8192))
    (global $next_cell (mut i32) (i32.const 0))

    ;; cabi_realloc(old_ptr, old_size, align, new_size) -> ptr
    ;; Bump allocator; only fresh allocations are supported (old_ptr == 0).
    (func $realloc (export "cabi_realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $ret i32)
      (local $end i32)
      (if (local.get $old) (then (unreachable)))
      ;; ret = align_up(next, align)
      (local.set $ret
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ret) (local.get $size)))
      ;; grow memory if needed
      (block $done
        (loop $grow
          (br_if $done
            (i32.le_u (local.get $end)
                      (i32.mul (memory.size) (i32.const 65536))))
          (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1))
            (then (unreachable)))
          (br $grow)))
      (global.set $next (local.get $end))
      (local.get $ret))

    ;; post-return shared by every export that took a list/string argument
    (func $reset (param i32)
      (global.set $next (global.get $heap_base)))
    (export "cabi_post_echo-string" (func $reset))
    (export "cabi_post_sum-bytes" (func $reset))
    (export "cabi_post_echo-bytes" (func $reset))
    (export "cabi_post_make-bytes" (func $reset))

    (func (export "noop"))

    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))

    ;; echo-string(ptr, len) -> retptr: return the argument buffer unchanged
    (func (export "echo-string") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))

    ;; sum-bytes(ptr, len) -> len
    (func (export "sum-bytes") (param i32 i32) (result i32)
      (local.get 1))

    ;; echo-bytes(ptr, len) -> retptr
    (func (export "echo-bytes") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))

    ;; make-point(x, y) -> retptr to { x: f64, y: f64 }
    (func (export "make-point") (param f64 f64) (result i32)
      (f64.store (i32.const 32) (local.get 0))
      (f64.store (i32.const 40) (local.get 1))
      (i32.const 32))

    ;; call-host(n): acc = 0; repeat n times: acc = host-inc(acc); return acc
    (func (export "call-host") (param $n i32) (result i32)
      (local $acc i32)
      (block $done
        (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (call $host-inc (local.get $acc)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
      (local.get $acc))

    ;; make-bytes(n) -> retptr to (ptr, n) of freshly allocated, unwritten bytes
    (func (export "make-bytes") (param $n i32) (result i32)
      (i32.store (i32.const 16)
        (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))

    ;; round-trip(shape-case, shape-payload, option-case, option-payload) -> retptr:
    ;; ok(same case, payload + the option's value when present)
    (func (export "round-trip") (param $sd i32) (param $sv f64) (param $od i32) (param $ov i32)
      (result i32)
      (i32.store8 (i32.const 64) (i32.const 0))
      (i32.store8 (i32.const 72) (local.get $sd))
      (f64.store (i32.const 80)
        (f64.add (local.get $sv)
          (select (f64.convert_i32_u (local.get $ov)) (f64.const 0) (local.get $od))))
      (i32.const 64))

    ;; [constructor]counter(start) -> handle
    (func (export "counter-new") (param $start i32) (result i32)
      (local $cell i32)
      (local.set $cell
        (i32.add (i32.const 4096)
          (i32.shl (i32.and (global.get $next_cell) (i32.const 255)) (i32.const 2))))
      (global.set $next_cell (i32.add (global.get $next_cell) (i32.const 1)))
      (i32.store (local.get $cell) (local.get $start))
      (call $counter-new (local.get $cell)))

    ;; [method]counter.bump(rep, by) -> new value
    (func (export "counter-bump") (param $rep i32) (param $by i32) (result i32)
      (local $v i32)
      (local.set $v (i32.add (i32.load (local.get $rep)) (local.get $by)))
      (i32.store (local.get $rep) (local.get $v))
      (local.get $v))
  )

  (core instance $i (instantiate $m
    (with "host" (instance (export "host-inc" (func $host-inc))))
    (with "res" (instance (export "counter-new" (func $counter-new))))
  ))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  ;; ---- named record type -------------------------------------------------
  ;; A WIT world-level type is encoded as an imported type equal to its definition.
  (type $point-def (record (field "x" f64) (field "y" f64)))
  (import "point" (type $point (eq $point-def)))
  (type $shape-def (variant (case "circle" f64) (case "square" f64) (case "empty")))
  (import "shape" (type $shape (eq $shape-def)))

  ;; ---- exports -------------------------------------------------------------
  (func (export "noop")
    (canon lift (core func $i "noop")))

  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))

  (func (export "echo-string") (param "s" string) (result string)
    (canon lift (core func $i "echo-string")
      (memory $mem) (realloc (core func $realloc)) string-encoding=utf8
      (post-return (core func $i "cabi_post_echo-string"))))

  (func (export "sum-bytes") (param "b" (list u8)) (result u32)
    (canon lift (core func $i "sum-bytes")
      (memory $mem) (realloc (core func $realloc))
      (post-return (core func $i "cabi_post_sum-bytes"))))

  (func (export "echo-bytes") (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "echo-bytes")
      (memory $mem) (realloc (core func $realloc))
      (post-return (core func $i "cabi_post_echo-bytes"))))

  (func (export "make-point") (param "x" f64) (param "y" f64) (result $point)
    (canon lift (core func $i "make-point") (memory $mem)))

  (func (export "call-host") (param "n" u32) (result u32)
    (canon lift (core func $i "call-host")))

  (func (export "make-bytes") (param "n" u32) (result (list u8))
    (canon lift (core func $i "make-bytes")
      (memory $mem) (realloc (core func $realloc))
      (post-return (core func $i "cabi_post_make-bytes"))))

  (func (export "round-trip") (param "s" $shape) (param "o" (option u32))
    (result (result $shape (error u32)))
    (canon lift (core func $i "round-trip") (memory $mem)))

  ;; A WIT world cannot export a resource directly: it lives in interface local:bench/res.
  (func $counter-ctor (param "start" u32) (result (own $counter))
    (canon lift (core func $i "counter-new")))
  (func $counter-bump (param "self" (borrow $counter)) (param "by" u32) (result u32)
    (canon lift (core func $i "counter-bump")))
  ;; The nested component gives the resource and its functions their names inside the
  ;; exported instance, which is how a WIT interface export is encoded.
  (component $res-iface
    (import "import-type-counter" (type $c (sub resource)))
    (import "import-constructor-counter" (func $ctor (param "start" u32) (result (own $c))))
    (import "import-method-counter-bump"
      (func $bump (param "self" (borrow $c)) (param "by" u32) (result u32)))
    (export $ce "counter" (type $c))
    (export "[constructor]counter" (func $ctor) (func (param "start" u32) (result (own $ce))))
    (export "[method]counter.bump" (func $bump)
      (func (param "self" (borrow $ce)) (param "by" u32) (result u32))))
  (instance $res (instantiate $res-iface
    (with "import-type-counter" (type $counter))
    (with "import-constructor-counter" (func $counter-ctor))
    (with "import-method-counter-bump" (func $counter-bump))))
  (export "local:bench/res" (instance $res))
)
