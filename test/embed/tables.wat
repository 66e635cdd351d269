;; tables.wat - exported tables for host_tables.c: a funcref table the
;; host reads and writes, called through by call_at, and an externref
;; table the module hands back unchanged.
(module
  (type $get (func (result i32)))
  (func $seven (type $get) (i32.const 7))
  (func $eleven (type $get) (i32.const 11))
  (func $wrong (param i32) (result i32) (local.get 0))
  (table $funcs (export "funcs") 4 8 funcref)
  (elem (table $funcs) (i32.const 0) func $seven $eleven $wrong)
  (table $things (export "things") 2 externref)
  (func (export "call_at") (param i32) (result i32)
    (call_indirect $funcs (type $get) (local.get 0)))
  (func (export "thing_at") (param i32) (result externref)
    (table.get $things (local.get 0)))
  (func (export "grow_funcs") (param i32) (result i32)
    (table.grow $funcs (ref.null func) (local.get 0))))
