;; golden: the public C API (--emit=c): host function and global imports,
;; a multi-value import (results through pointers), exports of every kind
;; (functions with several results, memory, table, globals), limits.
;; plugin.wasm: wat2wasm --debug-names plugin.wat; expected C: make check UPDATE=1
(module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
  (import "host" "scale" (global $scale i32))
  (import "host" "calls" (global $calls (mut i64)))
  (memory (export "memory") 1 16)
  (table (export "callbacks") 2 funcref)
  (global $total (export "total") (mut f64) (f64.const 0))
  (global $version (export "version") i32 (i32.const 3))
  (data (i32.const 8) "plugin\00")
  (elem (i32.const 0) $add)

  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (call $log (local.get $a) (local.get $b))
    (i32.mul (i32.add (local.get $a) (local.get $b)) (global.get $scale)))

  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (call $divmod (local.get $a) (local.get $b)))

  (func (export "accumulate") (param $x f64) (result f64)
    (global.set $total (f64.add (global.get $total) (local.get $x)))
    (global.get $total))

  (func (export "crash") unreachable))
