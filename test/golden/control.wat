;; golden: br_table, multi-value blocks and results, select, dead code
;; after br/return/unreachable, branches that carry values.
;; control.wasm: wat2wasm --debug-names control.wat; expected C: make check UPDATE=1
(module
  (func $classify (export "classify") (param $x i32) (result i32)
    (block $other
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $two $other (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102))
      (i32.const 7)        ;; dead: skipped by the emitter
      (drop))
    (i32.const -1))

  (func $divmod (export "divmod") (param $a i32) (param $b i32)
    (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))

  (func $swap (export "swap") (param i64 f64) (result f64 i64)
    (local.get 0) (local.get 1)
    (block (param i64 f64) (result f64 i64)
      (local.set 1)
      (local.set 0)
      (local.get 1)
      (local.get 0)))

  (func $pick (export "pick") (param $c i32) (result f32)
    (select (f32.const 1.5) (f32.const -0.25) (local.get $c)))

  (func $first_even (export "first_even") (param $p i32) (param $n i32)
    (result i32)
    (block $found (result i32)
      (loop $scan
        (br_if $found (i32.const -1) (i32.eqz (local.get $n)))
        (br_if $found (local.get $p)
          (i32.eqz (i32.and (local.get $p) (i32.const 1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $scan))
      (unreachable)))

  (func $sum_pair (export "sum_pair") (param i32 i32) (result i32)
    (call $divmod (local.get 0) (local.get 1))
    (i32.add)))
