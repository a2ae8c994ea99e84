;; p3/stream-copy.wat — bytes host -> guest -> host, through a stream<u8> and through a
;; list<u8>.
;;
;; Equivalent WIT:
;;
;;   package local:p3-bench;
;;
;;   world stream-copy {
;;     export copy-stream: async func(s: stream<u8>) -> stream<u8>;
;;     export copy-list: func(l: list<u8>) -> list<u8>;
;;   }
;;
;; copy-stream is callback-lifted: it returns a new stream at once, then reads up to 64 KiB
;; at a time into its memory with async stream.read and writes each piece out with async
;; stream.write, WAITing on a waitable set whenever an operation blocks, until the input
;; ends. One copy runs at a time (its state lives in globals).
;;
;; copy-list hands back the list it was given: the bytes cross into the guest's memory and
;; out again, as in copy-stream, without a copy inside the guest in either.
;;
;; Memory: 16.. the list result pair, 64 KiB.. the stream buffer, 128 KiB.. the one list
;; argument of a copy-list call (cabi_realloc always answers that address, growing memory
;; to fit).
(component
  (core module $Mem
    (memory (export "mem") 2)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $need i32)
      (local.set $need (i32.sub
        (i32.shr_u (i32.add (i32.add (i32.const 131072) (local.get 3)) (i32.const 65535)) (i32.const 16))
        (memory.size)))
      (if (i32.gt_s (local.get $need) (i32.const 0))
        (then (if (i32.eq (memory.grow (local.get $need)) (i32.const -1)) (then unreachable))))
      (i32.const 131072)))
  (core instance $mem (instantiate $Mem))
  (type $S (stream u8))
  (canon waitable-set.new (core func $waitable-set.new))
  (canon waitable-set.drop (core func $waitable-set.drop))
  (canon waitable.join (core func $waitable.join))
  (canon stream.new $S (core func $stream.new))
  (canon stream.read $S async (memory (core memory $mem "mem")) (core func $stream.read))
  (canon stream.write $S async (memory (core memory $mem "mem")) (core func $stream.write))
  (canon stream.drop-readable $S (core func $stream.drop-readable))
  (canon stream.drop-writable $S (core func $stream.drop-writable))
  (canon task.return (result $S) (core func $return-stream))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "waitable-set.new" (func $waitable-set.new (result i32)))
    (import "" "waitable-set.drop" (func $waitable-set.drop (param i32)))
    (import "" "waitable.join" (func $waitable.join (param i32 i32)))
    (import "" "stream.new" (func $stream.new (result i64)))
    (import "" "stream.read" (func $stream.read (param i32 i32 i32) (result i32)))
    (import "" "stream.write" (func $stream.write (param i32 i32 i32) (result i32)))
    (import "" "stream.drop-readable" (func $stream.drop-readable (param i32)))
    (import "" "stream.drop-writable" (func $stream.drop-writable (param i32)))
    (import "" "return-stream" (func $return-stream (param i32)))
    (global $in (mut i32) (i32.const 0))
    (global $out (mut i32) (i32.const 0))
    (global $ws (mut i32) (i32.const 0))
    ;; Bytes read but not yet written, and where they start.
    (global $pending (mut i32) (i32.const 0))
    (global $at (mut i32) (i32.const 0))
    ;; The input's writer dropped (or the output's reader did): nothing more to copy.
    (global $eof (mut i32) (i32.const 0))

    ;; A copy result is count << 4 | status; status DROPPED (1) ends that direction.
    (func $got (param $r i32)
      (global.set $pending (i32.shr_u (local.get $r) (i32.const 4)))
      (global.set $at (i32.const 65536))
      (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1)) (then (global.set $eof (i32.const 1)))))
    (func $wrote (param $r i32)
      (local $k i32)
      (local.set $k (i32.shr_u (local.get $r) (i32.const 4)))
      (global.set $pending (i32.sub (global.get $pending) (local.get $k)))
      (global.set $at (i32.add (global.get $at) (local.get $k)))
      (if (i32.eq (i32.and (local.get $r) (i32.const 15)) (i32.const 1))
        (then (global.set $pending (i32.const 0)) (global.set $eof (i32.const 1)))))
    ;; Copies until an operation blocks (WAIT on the set: 2 | set << 4) or the input ends (EXIT).
    (func $run (result i32)
      (local $r i32)
      (loop $l
        (if (global.get $pending)
          (then
            (local.set $r (call $stream.write (global.get $out) (global.get $at) (global.get $pending)))
            (if (i32.eq (local.get $r) (i32.const -1))
              (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))
            (call $wrote (local.get $r))
            (br $l)))
        (if (global.get $eof)
          (then
            (call $waitable.join (global.get $in) (i32.const 0))
            (call $waitable.join (global.get $out) (i32.const 0))
            (call $stream.drop-readable (global.get $in))
            (call $stream.drop-writable (global.get $out))
            (call $waitable-set.drop (global.get $ws))
            (return (i32.const 0))))
        (local.set $r (call $stream.read (global.get $in) (i32.const 65536) (i32.const 65536)))
        (if (i32.eq (local.get $r) (i32.const -1))
          (then (return (i32.or (i32.const 2) (i32.shl (global.get $ws) (i32.const 4))))))
        (call $got (local.get $r))
        (br $l))
      unreachable)
    (func (export "copy-stream") (param $s i32) (result i32)
      (local $ends i64)
      (local.set $ends (call $stream.new))
      (global.set $in (local.get $s))
      (global.set $out (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (global.set $pending (i32.const 0))
      (global.set $eof (i32.const 0))
      (call $return-stream (i32.wrap_i64 (local.get $ends)))
      (global.set $ws (call $waitable-set.new))
      (call $waitable.join (global.get $in) (global.get $ws))
      (call $waitable.join (global.get $out) (global.get $ws))
      (call $run))
    ;; Events: STREAM_READ (2) or STREAM_WRITE (3), the copy result as payload.
    (func (export "copy-stream-cb") (param $ev i32) (param $i i32) (param $r i32) (result i32)
      (if (i32.eq (local.get $ev) (i32.const 2))
        (then (call $got (local.get $r)))
        (else
          (if (i32.ne (local.get $ev) (i32.const 3)) (then unreachable))
          (call $wrote (local.get $r))))
      (call $run))

    (func (export "copy-list") (param $p i32) (param $n i32) (result i32)
      (i32.store (i32.const 16) (local.get $p))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "waitable-set.new" (func $waitable-set.new))
    (export "waitable-set.drop" (func $waitable-set.drop))
    (export "waitable.join" (func $waitable.join))
    (export "stream.new" (func $stream.new))
    (export "stream.read" (func $stream.read))
    (export "stream.write" (func $stream.write))
    (export "stream.drop-readable" (func $stream.drop-readable))
    (export "stream.drop-writable" (func $stream.drop-writable))
    (export "return-stream" (func $return-stream))))))
  (func (export "copy-stream") async (param "s" (stream u8)) (result (stream u8))
    (canon lift (core func $m "copy-stream") async (callback (core func $m "copy-stream-cb"))))
  (func (export "copy-list") (param "l" (list u8)) (result (list u8))
    (canon lift (core func $m "copy-list") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc")))))
