;; golden: loads and stores, a data segment with bytes that need escapes,
;; memory.size/grow, bulk memory, globals (own, imported, exported).
;; memory.wasm: wat2wasm --debug-names memory.wat; expected C: make check UPDATE=1
(module
  (import "env" "base" (global $base i32))
  (memory (export "memory") 1 16)
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $top (mut i64) (i64.const 0x123456789abcdef))
  (data (i32.const 16) "Hi \"w2c\"\n\00\01\7f\ff??=\\ end")
  (data $passive "passive bytes")

  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func (export "load_store") (param $p i32) (result i64)
    (i32.store8 offset=1 (local.get $p) (i32.const 0xab))
    (i64.store32 offset=4 (local.get $p) (global.get $top))
    (f64.store offset=8 (local.get $p) (f64.const 0.1))
    (i64.add
      (i64.load16_s offset=0 (local.get $p))
      (i64.load offset=8 align=4 (local.get $p))))

  (func (export "grow") (param $n i32) (result i32)
    (drop (memory.grow (local.get $n)))
    (memory.size))

  (func (export "bulk") (param $dst i32)
    (memory.fill (local.get $dst) (i32.const 0x2a) (i32.const 8))
    (memory.copy (i32.add (local.get $dst) (i32.const 8))
                 (global.get $base) (i32.const 4))
    (memory.init $passive (local.get $dst) (i32.const 0) (i32.const 7))
    (data.drop $passive)))
