;; golden: a WASI reactor under the public C API (--emit=c): WASI imports
;; bound to the instance's own context, the exported memory, the
;; _initialize export run by p_start, a multi-value export.
;; reactor.wasm: wat2wasm --debug-names reactor.wat; expected C: make check UPDATE=1
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "ready\0a")
  (global $ready (mut i32) (i32.const 0))

  (func (export "_initialize")
    (global.set $ready (i32.const 1)))

  ;; writes "ready\n" to fd 1; returns the WASI errno and the bytes written
  (func (export "greet") (result i32 i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 6))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
    (i32.load (i32.const 8))))
