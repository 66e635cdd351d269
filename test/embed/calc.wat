;; calc.wat - a plugin written in the text format for the embedding tests
;; (test_embed.py), built with w2c --emit=lib --name=calc.
;;
;; Imports (bound by the host through calc_imports):
;;   "env" "combine"  (i32 i32) -> i32, called by step
;;   "env" "base"     immutable i32 global, read by step each time
;;   "env" "tally"    mutable i64 global that step adds to
;; Exports: memory (1 page, at most 8), the mutable global "counter", the
;; immutable global "magic", arithmetic (step, divmod, hypot, nearestf,
;; checksum, depth, grow, pages) and one function per trap kind (load,
;; boom, forever, divmod with a zero divisor, icall with a bad index).
;; The function names ($ids) are the export names, so trap messages name
;; them.
(module $calc
  (import "env" "combine" (func $combine (param i32 i32) (result i32)))
  (import "env" "base" (global $base i32))
  (import "env" "tally" (global $tally (mut i64)))

  (type $to_i32 (func (param i32) (result i32)))
  (type $to_i64 (func (param i32) (result i64)))

  (memory (export "memory") 1 8)
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $magic (export "magic") i64 (i64.const 0x0123456789abcdef))

  ;; slot 0: $twice (i32 -> i32), slot 1: $widen (i32 -> i64), slot 2: null
  (table 3 funcref)
  (elem (i32.const 0) $twice $widen)

  (data (i32.const 0) "calc")

  ;; counter += x; tally += x * base; return combine(counter, x)
  (func $step (export "step") (param $x i32) (result i32)
    (global.set $counter (i32.add (global.get $counter) (local.get $x)))
    (global.set $tally
      (i64.add (global.get $tally)
        (i64.extend_i32_u (i32.mul (local.get $x) (global.get $base)))))
    (call $combine (global.get $counter) (local.get $x)))

  ;; unsigned quotient and remainder (traps on a zero divisor)
  (func $divmod (export "divmod") (param $a i64) (param $b i64)
    (result i64 i64)
    (i64.div_u (local.get $a) (local.get $b))
    (i64.rem_u (local.get $a) (local.get $b)))

  ;; sqrt(a*a + b*b) + floor(a) + ceil(b) + trunc(a) + nearest(b)
  (func $hypot (export "hypot") (param $a f64) (param $b f64) (result f64)
    (f64.add
      (f64.add
        (f64.sqrt (f64.add (f64.mul (local.get $a) (local.get $a))
                           (f64.mul (local.get $b) (local.get $b))))
        (f64.add (f64.floor (local.get $a)) (f64.ceil (local.get $b))))
      (f64.add (f64.trunc (local.get $a)) (f64.nearest (local.get $b)))))

  ;; nearest(x) + sqrt(|x|) + floor(x) + ceil(x) + trunc(x), in f32
  (func $nearestf (export "nearestf") (param $x f32) (result f32)
    (f32.add
      (f32.add (f32.nearest (local.get $x))
               (f32.sqrt (f32.abs (local.get $x))))
      (f32.add (f32.floor (local.get $x))
               (f32.add (f32.ceil (local.get $x))
                        (f32.trunc (local.get $x))))))

  ;; FNV-1a (32-bit) of memory[ptr, ptr + len)
  (func $checksum (export "checksum") (param $ptr i32) (param $len i32)
    (result i32)
    (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $h
          (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $ptr)))
                   (i32.const 0x01000193)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $h))

  ;; n nested calls: depth(n) = n
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $depth (i32.sub (local.get $n) (i32.const 1)))))))

  (func $grow (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))

  (func $pages (export "pages") (result i32)
    (memory.size))

  ;; traps
  (func $load (export "load") (param $addr i32) (result i32)
    (i32.load (local.get $addr)))

  (func $boom (export "boom")
    (unreachable))

  ;; never returns: recurses until the depth limit or the stack runs out
  (func $forever (export "forever") (param $n i32) (result i32)
    (i32.add (call $forever (i32.add (local.get $n) (i32.const 1)))
             (i32.const 1)))

  ;; table[i](x) as an (i32) -> i32 function: slot 1 has the wrong type,
  ;; slot 2 is null, slot 3 is past the end
  (func $icall (export "icall") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $to_i32) (local.get $x) (local.get $i)))

  (func $twice (param $x i32) (result i32)
    (i32.shl (local.get $x) (i32.const 1)))

  (func $widen (param $x i32) (result i64)
    (i64.extend_i32_u (local.get $x))))
