;; golden: how constants print: i32/i64 in decimal, negative as (u32)-n,
;; bit patterns in hex; floats as the shortest exact decimal, NaN and
;; infinities through WRT_F32/WRT_F64 with their exact bits.
;; consts.wasm: wat2wasm --debug-names consts.wat; expected C: make check UPDATE=1
(module
  (global $g f64 (f64.const -0x1.8p+1))
  (func (export "ints") (result i32 i32 i32 i64 i64 i64)
    (i32.const 42) (i32.const -8) (i32.const 0x80000000)
    (i64.const 4294967295) (i64.const -1) (i64.const 0x7ff8000000000001))
  (func (export "f32s") (result f32 f32 f32 f32 f32 f32)
    (f32.const 0.1) (f32.const -0.0) (f32.const 1e30)
    (f32.const 0x1p-149) (f32.const nan:0x200000) (f32.const -inf))
  (func (export "f64s") (result f64 f64 f64 f64 f64)
    (f64.const 3) (f64.const 0.1) (f64.const 0x1.fffffffffffffp+1023)
    (f64.const -nan) (global.get $g)))
