;; deferred.wast - the emitter prints values that cannot trap (constants,
;; local.get, global.get, arithmetic) where they are used instead of where
;; they are pushed.  Each case here reads a local or global, writes it
;; before the value is used, and expects the value from before the write;
;; plus comparisons (C int) inside unsigned arithmetic, and constant shift
;; counts.  Run by test/test_deferred.py with both bounds strategies.

(module
  (memory 1)
  (data (i32.const 0) "\2a\00\00\00")
  (global $g (mut i32) (i32.const 1))
  (global $h (mut i32) (i32.const 5))
  (global $k (mut i32) (i32.const 0))

  (func $bump (global.set $g (i32.add (global.get $g) (i32.const 10))))
  (func $bump_ret (param i32) (result i32)
    (global.set $k (i32.add (global.get $k) (i32.const 1)))
    (local.get 0))

  (func (export "old_local") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 7))
    (local.get 0)
    (i32.sub))

  (func (export "tee") (param i32) (result i32)
    (local.get 0)
    (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
    (i32.mul))

  (func (export "global_call") (result i32)
    (global.get $g)
    (call $bump)
    (global.get $g)
    (i32.sub))

  (func (export "global_set") (result i32)
    (global.get $h)
    (global.set $h (i32.const 100))
    (global.get $h)
    (i32.sub))

  (func (export "call_arg") (result i32)
    ;; the argument is read before the call writes $k
    (global.get $k)
    (call $bump_ret (i32.add (global.get $k) (i32.const 40)))
    (i32.add))

  (func (export "cmp_sub") (param i32 i32) (result i64)
    (i64.extend_i32_u
      (i32.sub (i32.lt_s (local.get 0) (local.get 1))
               (i32.gt_s (local.get 0) (local.get 1)))))

  (func (export "cmp_convert") (param i32) (result f64)
    (f64.convert_i32_u (i32.sub (i32.eqz (local.get 0)) (i32.const 1))))

  (func (export "cmp_shift") (param i32 i32) (result i32)
    (i32.shr_u (i32.sub (i32.const 0) (i32.lt_u (local.get 0) (local.get 1)))
               (i32.const 28)))

  (func (export "cmp_div") (param i32 i32) (result i32)
    (i32.div_u (i32.sub (i32.ge_u (local.get 0) (local.get 1)) (i32.const 2))
               (i32.const 2)))

  (func (export "across_block") (param i32) (result i32)
    (local.get 0)
    (block (local.set 0 (i32.const 1)))
    (local.get 0)
    (i32.add))

  (func (export "across_if") (param i32) (result i32)
    (local.get 0)
    (if (local.get 0) (then (local.set 0 (i32.const 100))))
    (local.get 0)
    (i32.sub))

  (func (export "br_if_value") (param i32) (result i32)
    (block (result i32)
      (i32.add (local.get 0) (i32.const 1))
      (local.set 0 (i32.const 50))
      (br_if 0 (local.get 0))
      (drop)
      (i32.const -1)))

  (func (export "select_old") (param i32 i32) (result i32)
    (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))
    (select)
    (local.set 0 (i32.const 1000))
    (local.get 0)
    (i32.add))

  (func (export "select_cmp") (param i32 i32) (result i32)
    ;; both arms are comparisons (C int): the difference is still u32
    (i32.shr_u
      (i32.sub (i32.const 0)
        (select (i32.lt_u (local.get 0) (local.get 1))
                (i32.gt_u (local.get 0) (local.get 1))
                (local.get 0)))
      (i32.const 31)))

  (func (export "load_set") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.load (i32.const 0)))
    (local.get 0)
    (i32.sub))

  (func (export "load_tee") (param i32) (result i32)
    (local.get 0)
    (local.tee 0 (i32.load (local.get 0)))
    (i32.sub))

  (func (export "block_param") (param i32) (result i32)
    (local.get 0)
    (block (param i32) (result i32)
      (local.set 0 (i32.const 9))
      (local.get 0)
      (i32.add)))

  (func (export "loop_param") (param i32) (result i32)
    (local.get 0)
    (loop (param i32) (result i32)
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (i32.add (local.get 0))
      (br_if 0 (local.get 0))))

  (func (export "shifts") (param i32 i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.shl (local.get 0) (i32.const 33)))
      (i64.shr_s (local.get 1) (i64.const 65))))

  (func (export "add_negative") (param i32 i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.add (local.get 0) (i32.const -3)))
      (i64.add (local.get 1) (i64.const -5))))

  (func (export "long_chain") (param i32 i32 i32) (result i32)
    ;; longer than one deferred expression may grow
    (local.get 0)
    (i32.xor (i32.add (i32.mul (local.get 0) (local.get 1))
                      (i32.mul (local.get 1) (local.get 2)))
             (i32.add (i32.mul (local.get 2) (local.get 0))
                      (i32.rotl (local.get 1) (local.get 2))))
    (local.set 0 (i32.const 0))
    (i32.add (local.get 0))
    (i32.add))

  (func (export "trap_order") (param i32) (result i32)
    (i32.add (i32.div_s (local.get 0) (i32.const 0))
             (i32.load (i32.const 70000))))

  (func (export "trap_order2") (param i32) (result i32)
    (i32.add (i32.load (i32.const 70000))
             (i32.div_s (local.get 0) (i32.const 0))))

  (func (export "dropped_load") (param i32)
    (drop (i32.eqz (i32.load (local.get 0)))))
)

(assert_return (invoke "old_local" (i32.const 10)) (i32.const 3))
(assert_return (invoke "tee" (i32.const 5)) (i32.const 30))
(assert_return (invoke "global_call") (i32.const -10))
(assert_return (invoke "global_set") (i32.const -95))
(assert_return (invoke "call_arg") (i32.const 40))
(assert_return (invoke "cmp_sub" (i32.const 5) (i32.const 3)) (i64.const 4294967295))
(assert_return (invoke "cmp_sub" (i32.const 3) (i32.const 5)) (i64.const 1))
(assert_return (invoke "cmp_convert" (i32.const 5)) (f64.const 4294967295))
(assert_return (invoke "cmp_convert" (i32.const 0)) (f64.const 0))
(assert_return (invoke "cmp_shift" (i32.const 1) (i32.const 2)) (i32.const 15))
(assert_return (invoke "cmp_shift" (i32.const 2) (i32.const 1)) (i32.const 0))
(assert_return (invoke "cmp_div" (i32.const 1) (i32.const 2)) (i32.const 2147483647))
(assert_return (invoke "across_block" (i32.const 5)) (i32.const 6))
(assert_return (invoke "across_if" (i32.const 5)) (i32.const -95))
(assert_return (invoke "across_if" (i32.const 0)) (i32.const 0))
(assert_return (invoke "br_if_value" (i32.const 4)) (i32.const 5))
(assert_return (invoke "select_old" (i32.const 3) (i32.const 9)) (i32.const 1003))
(assert_return (invoke "select_old" (i32.const 9) (i32.const 3)) (i32.const 1003))
(assert_return (invoke "select_cmp" (i32.const 1) (i32.const 2)) (i32.const 1))
(assert_return (invoke "select_cmp" (i32.const 0) (i32.const 2)) (i32.const 0))
(assert_return (invoke "load_set" (i32.const 50)) (i32.const 8))
(assert_return (invoke "load_tee" (i32.const 0)) (i32.const -42))
(assert_trap (invoke "load_tee" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "block_param" (i32.const 4)) (i32.const 13))
(assert_return (invoke "loop_param" (i32.const 3)) (i32.const 6))
(assert_return (invoke "shifts" (i32.const 3) (i64.const -64)) (i64.const -26))
(assert_return (invoke "add_negative" (i32.const 1) (i64.const 2)) (i64.const 4294967291))
(assert_return (invoke "long_chain" (i32.const 3) (i32.const 5) (i32.const 7)) (i32.const 682))
(assert_trap (invoke "trap_order" (i32.const 1)) "integer divide by zero")
(assert_trap (invoke "trap_order2" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "dropped_load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "dropped_load" (i32.const 0)))
