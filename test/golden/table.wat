;; golden: imports, call_indirect, ref.func, tables of funcref and
;; externref, active/passive/declarative element segments, table ops.
;; table.wasm: wat2wasm --debug-names table.wat; expected C: make check UPDATE=1
(module
  (import "env" "log" (func $log (param i32 f64)))
  (type $binop (func (param i32 i32) (result i32)))
  (table $fns 4 funcref)
  (table $refs 2 externref)
  (elem (table $fns) (i32.const 0) func $add $sub)
  (elem $later func $mul $add)
  (elem declare func $log)

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))

  (func (export "apply") (param $i i32) (param $a i32) (param $b i32)
    (result i32)
    (call_indirect $fns (type $binop)
      (local.get $a) (local.get $b) (local.get $i)))

  (func (export "setup") (result i32)
    (table.init $fns $later (i32.const 2) (i32.const 0) (i32.const 2))
    (elem.drop $later)
    (table.set $fns (i32.const 3) (ref.func $log))
    (table.copy $fns $fns (i32.const 0) (i32.const 1) (i32.const 1))
    (call $log (i32.const 1) (f64.const -0x1p-1074))
    (table.size $fns))

  (func (export "keep") (param $r externref) (result i32)
    (table.fill $refs (i32.const 0) (local.get $r) (i32.const 2))
    (drop (table.grow $refs (ref.null extern) (i32.const 1)))
    (ref.is_null (table.get $refs (i32.const 2)))))
