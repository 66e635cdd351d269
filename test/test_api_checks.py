"""Error paths of the public embedding API modes (--emit=obj, lib, c) that
the other command-line tests leave out: imports the API cannot bind, and
--name values the API reserves.  Each case writes a small .wat and needs
only the w2c binary (--emit=c runs no C compiler).

Contract: emit.h (emit_check_imports, emit_prefix_problem), w2c(1).
Invalid input exits 1 with one "error:" line per problem and leaves no
output behind.
"""
import pytest

import conftest

API_MODES = ("c", "obj", "lib")
OUT = {"c": "m.c", "obj": "m.o", "lib": "libm.a"}


def w2c(*args):
    return conftest.w2c(*args, text=True, errors="replace")


def compile_wat(tmp_path, wat, emit, *extra):
    """w2c on the module text wat with --emit=emit: (result, output)."""
    src = tmp_path / "m.wat"
    src.write_text(wat)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return w2c(src, f"--emit={emit}", "-o", out / OUT[emit], *extra), out


def refused(tmp_path, wat, emit, message, *extra):
    r, out = compile_wat(tmp_path, wat, emit, *extra)
    assert r.returncode == 1, f"status {r.returncode}\n{r.stderr}"
    errors = [ln for ln in r.stderr.splitlines() if "error:" in ln]
    assert len(errors) == 1 and message in errors[0], r.stderr
    assert list(out.iterdir()) == [], "a refused module left output"
    return errors[0]


# ---- imports the public API cannot bind ----------------------------------

@pytest.mark.parametrize("emit", API_MODES)
@pytest.mark.parametrize("kind,decl", [
    ("memory", "(memory 1)"), ("table", "(table 1 funcref)")])
def test_api_cannot_import_memory_or_table(w2c_bin, tmp_path, emit, kind,
                                           decl):
    wat = f'(module (import "env" "thing" {decl}))'
    line = refused(tmp_path, wat, emit,
                   f'import "env" "thing": --emit={emit} cannot import a '
                   f'{kind}; export it from the module instead')
    assert line.startswith(f"{tmp_path}/m.wat:1:9: error: "), line


def test_api_imports_only_functions_from_wasi(w2c_bin, tmp_path):
    wat = ('(module (import "wasi_snapshot_preview1" "g" (global i32))\n'
           '  (memory (export "memory") 1))')
    refused(tmp_path, wat, "c",
            'import "wasi_snapshot_preview1" "g": only functions can be '
            'imported from wasi_snapshot_preview1')


WASI_NO_MEMORY = """(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func (param i32 i32 i32 i32) (result i32)))
  (memory 1))
"""


def test_api_wasi_needs_the_memory_exported_once(w2c_bin, tmp_path):
    """Said once, at the first WASI import that reaches memory."""
    line = refused(tmp_path, WASI_NO_MEMORY, "c",
                   'import "wasi_snapshot_preview1" "fd_write": WASI '
                   'imports need the module\'s memory exported as "memory"')
    assert line.startswith(f"{tmp_path}/m.wat:2:3: error: "), line


def test_api_wasi_without_memory_is_fine_when_it_needs_none(w2c_bin,
                                                             tmp_path):
    wat = ('(module (import "wasi_snapshot_preview1" "proc_exit"\n'
           '  (func (param i32))))')
    r, out = compile_wat(tmp_path, wat, "c")
    assert r.returncode == 0, r.stderr
    assert "wasi_proc_exit" in (out / "m.c").read_text()


def test_api_wasi_function_checked_like_an_executable(w2c_bin, tmp_path):
    wat = ('(module (import "wasi_snapshot_preview1" "fd_write"\n'
           '  (func (param i32) (result i32)))\n'
           '  (memory (export "memory") 1))')
    refused(tmp_path, wat, "c", 'import "wasi_snapshot_preview1" '
            '"fd_write": type mismatch: expected (i32 i32 i32 i32) -> i32, '
            'got (i32) -> i32')
    wat = ('(module (import "wasi_snapshot_preview1" "no_such_call"\n'
           '  (func))\n  (memory (export "memory") 1))')
    refused(tmp_path, wat, "c", 'import "wasi_snapshot_preview1" '
            '"no_such_call": this WASI function is not supported yet')


# ---- --name values the public API reserves -------------------------------

PLAIN = '(module (func (export "run")))'


@pytest.mark.parametrize("name,why", [
    ("w2c", "is reserved for the types of the C API"),
    ("w2c_status", "is reserved for the types of the C API"),
    ("guest", "is reserved for the runtime"),
    ("guest_x", "is reserved for the runtime"),
    ("f3", "would clash with names inside the generated C"),
    ("elem12", "would clash with names inside the generated C"),
    ("func", "would clash with names inside the generated C"),
    ("SIG", "would clash with names inside the generated C"),
])
def test_api_reserved_names(w2c_bin, tmp_path, name, why):
    refused(tmp_path, PLAIN, "c", f"--name: '{name}' {why}",
            f"--name={name}")


@pytest.mark.parametrize("name", ["f", "f3x", "elem", "elemx", "SIGS",
                                  "funcs", "guests", "w2cx"])
def test_api_names_close_to_reserved_ones_are_fine(w2c_bin, tmp_path, name):
    r, out = compile_wat(tmp_path, PLAIN, "c", f"--name={name}")
    assert r.returncode == 0, r.stderr
    assert f"w2c_status {name}_run({name}_instance *inst);" in \
        (out / "m.h").read_text()


@pytest.mark.parametrize("name", ["w2c", "guest", "f3", "SIG"])
def test_api_reservations_do_not_apply_to_executables(w2c_bin, tmp_path,
                                                      name):
    """An executable's names never meet a host's: only the runtime's own
    prefixes are refused there.  The name passes and the C compiler runs
    (here one that fails: status 3, not 1)."""
    src = tmp_path / "m.wat"
    src.write_text('(module (func (export "_start")))')
    r = w2c(src, "-o", tmp_path / "m", f"--name={name}", "--cc=false")
    assert r.returncode == 3, r.stderr
    assert "--name" not in r.stderr, r.stderr


@pytest.mark.parametrize("emit,out,prefix", [
    ("c", "w2c.c", "wasm_w2c"), ("c", "guest.c", "wasm_guest"),
    ("c", "f3.c", "wasm_f3"), ("c", "SIG.c", "wasm_SIG"),
    ("lib", "libf3.a", "wasm_f3"), ("obj", "w2c_status.o",
                                    "wasm_w2c_status"),
])
def test_default_name_avoids_api_reservations(w2c_bin, tmp_path, emit, out,
                                              prefix):
    src = tmp_path / "m.wat"
    src.write_text(PLAIN)
    r = w2c(src, f"--emit={emit}", "-o", tmp_path / out, "--keep")
    assert r.returncode == 0, r.stderr
    header = next(p for p in tmp_path.glob("*.h"))
    assert f"typedef struct {prefix}_instance {prefix}_instance;" in \
        header.read_text()


# ---- export names the public API takes for itself -------------------------

def test_exports_named_like_the_api_get_x(w2c_bin, tmp_path):
    """Exports whose C names would be the API's own (P_on_trap, P_new_in,
    the table functions P_table_size/_get/_set and the type P_table) get
    "x_" in front, and the library with its header compiles as strict C
    into a host that uses every one of them."""
    wat = """(module
      (func (export "on_trap") (result i32) (i32.const 1))
      (func (export "new_in") (result i32) (i32.const 2))
      (func (export "table_set") (result i32) (i32.const 3))
      (func (export "table") (result i32) (i32.const 4))
      (table (export "get") 1 funcref)
      (table (export "size") 2 externref))"""
    r, out = compile_wat(tmp_path, wat, "lib", "--name=p")
    assert r.returncode == 0, r.stderr
    header = (out / "p.h").read_text()
    for proto in ["w2c_status p_x_on_trap(", "w2c_status p_x_new_in(",
                  "w2c_status p_x_table_set(", "w2c_status p_x_table(",
                  "p_table *p_x_table_get(p_instance *inst);",
                  "p_table *p_x_table_size(p_instance *inst);",
                  "w2c_status p_table_set(p_table *t,"]:
        assert proto in header, proto
    host = out / "host.c"
    host.write_text("""#include "p.h"
int main(void)
{
    p_instance *inst = p_new(NULL, NULL);
    uint32_t r = 0, sum = 0;
    if (inst == NULL || p_start(inst) != W2C_OK)
        return 1;
    if (p_x_on_trap(inst, &r) == W2C_OK) sum += r;
    if (p_x_new_in(inst, &r) == W2C_OK) sum += r;
    if (p_x_table_set(inst, &r) == W2C_OK) sum += r;
    if (p_x_table(inst, &r) == W2C_OK) sum += r;
    sum += 10 * p_table_size(p_x_table_get(inst));
    sum += 100 * p_table_size(p_x_table_size(inst));
    p_on_trap(inst, NULL, NULL);
    p_free(inst);
    return sum == 1 + 2 + 3 + 4 + 10 + 200 ? 0 : 2;
}
""")
    cc = conftest.run([conftest.NATIVE_CC, "-std=c99", "-Wall", "-Wextra",
                       "-pedantic", "-Werror", "host.c", "libm.a", "-o",
                       "host"], cwd=out, text=True)
    assert cc.returncode == 0, cc.stderr
    run = conftest.run([out / "host"], cwd=out, text=True)
    assert run.returncode == 0, run
