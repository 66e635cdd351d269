"""The w2c command line: options, exit statuses, output files.

Contract: DESIGN.md "Command line" and man/w2c.1.  Exit statuses: 0 ok,
1 invalid input, 2 bad usage or I/O error, 3 the C compiler failed.

Usage tests need only the w2c binary.  Tests that compile use the bundled
test/demo/hello.wasm, or small C programs compiled with
clang --target=wasm32-wasi (skipped when that is not installed and
W2C_ALLOW_MISSING_TOOLS=1, see conftest.py).
"""
import os
import re
import stat
import struct

import pytest

import conftest
from conftest import TEST, clang_wasm, have_wasm_clang


HELLO = TEST / "demo" / "hello.wasm"

def run(cmd, **kw):
    """conftest.run with text output (str, not bytes)."""
    kw.setdefault("text", True)
    return conftest.run(cmd, **kw)


def w2c(*args, **kw):
    kw.setdefault("text", True)
    return conftest.w2c(*args, **kw)


needs_clang = pytest.mark.skipif(not have_wasm_clang() and
                                 conftest.MISSING_TOOLS_OK,
                                 reason="clang --target=wasm32-wasi missing")


def usage_fails(*args, expect=None):
    r = w2c(*args)
    assert r.returncode == 2, \
        f"w2c {' '.join(map(str, args))}: status {r.returncode}, " \
        f"expected 2\n{r.stderr}"
    if expect is not None:
        assert expect in r.stderr, r.stderr
    assert r.stdout == ""
    return r


def wasm_from_c(tmp_path, name, source, opt="-O2"):
    src = tmp_path / (name + ".c")
    src.write_text(source)
    return clang_wasm(src, tmp_path / (name + ".wasm"), opt=opt)


# ---- information ---------------------------------------------------------


def test_help(w2c_bin):
    r = run([w2c_bin, "--help"])
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: w2c ")
    for opt in ["-o FILE", "--emit=exe|obj|c", "-O0", "-O3", "-g", "--cc=",
                "--cflags=", "--ldflags=", "--name=", "--keep", "--env=",
                "--max-memory=", "--max-call-depth=", "--offsets",
                "--bounds=", "-v", "--version", "--help"]:
        assert opt in r.stdout, f"--help does not mention {opt}"


def test_help_wins_over_missing_arguments(w2c_bin):
    r = run([w2c_bin, "-O1", "--help"])
    assert r.returncode == 0 and "usage:" in r.stdout


def test_version(w2c_bin):
    r = run([w2c_bin, "--version"])
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"w2c \d+\.\d+\.\d+", lines[0]), lines
    assert len(lines) == 2 and "WebAssembly" in lines[1]


# ---- usage errors (status 2) -----------------------------------------------


def test_unknown_option(w2c_bin):
    r = usage_fails("--foo", HELLO, "-o", "x",
                    expect="w2c: unknown option '--foo'")
    assert "try 'w2c --help'" in r.stderr


def test_unknown_option_with_value(w2c_bin):
    usage_fails("--foo=bar", HELLO, "-o", "x",
                expect="w2c: unknown option '--foo'")


def test_unknown_short_option(w2c_bin):
    usage_fails("-Z", HELLO, "-o", "x", expect="unknown option '-Z'")
    usage_fails("-O4", HELLO, "-o", "x", expect="unknown option '-O4'")


def test_missing_output(w2c_bin):
    usage_fails(HELLO, expect="-o")


def test_missing_output_value(w2c_bin):
    usage_fails(HELLO, "-o")


def test_no_input(w2c_bin, tmp_path):
    usage_fails("-o", tmp_path / "x", expect="no input file")


def test_two_inputs(w2c_bin, tmp_path):
    usage_fails(HELLO, HELLO, "-o", tmp_path / "x",
                expect="more than one input file")


def test_missing_input_file(w2c_bin, tmp_path):
    missing = tmp_path / "nope.wasm"
    r = usage_fails(missing, "-o", tmp_path / "x")
    assert str(missing) in r.stderr and "No such file" in r.stderr
    assert not (tmp_path / "x").exists()


def test_input_is_a_directory(w2c_bin, tmp_path):
    usage_fails(tmp_path, "-o", tmp_path / "x")


@pytest.mark.parametrize("args,what", [
    (["--emit=lib"], "--emit=lib"),
    (["--emit", "lib"], "--emit=lib"),
    (["--target=aarch64-linux-gnu"], "--target"),
    (["--target", "aarch64-linux-gnu"], "--target"),
    (["--bounds=guard"], "--bounds=guard"),
    (["-j", "4"], "-j"),
    (["-j4"], "-j"),
])
def test_not_supported_yet(w2c_bin, tmp_path, args, what):
    r = usage_fails(*args, HELLO, "-o", tmp_path / "x")
    assert what in r.stderr and "not supported yet" in r.stderr, r.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("arg", [
    "--name=1abc", "--name=a-b", "--name=", "--name=a b", "--name=é",
    "--max-memory=1000", "--max-memory=65535", "--max-memory=0",
    "--max-memory=abc", "--max-memory=64Q", "--max-memory=-65536",
    "--max-memory=", "--max-memory=99999999999999999999G",
    "--max-call-depth=0", "--max-call-depth=-1", "--max-call-depth=x",
    "--max-call-depth=2147483649", "--max-call-depth=", "--max-call-depth=1k",
    "--env=NOEQUALS", "--env==value", "--env=",
    "--dir=", "--dir=::/x", "--dir=/tmp::", "--pass-env=", "--pass-env=A=B",
    "--listen=", "--listen=8080", "--listen=:8080", "--listen=host:",
    "--listen=host:65536", "--listen=host:http", "--listen=::1:80",
    "--listen=[::1]",
    "--emit=foo", "--emit=", "--bounds=fast",
    "--keep=yes", "--offsets=1", "--cc=", "--cc= ",
])
def test_bad_option_value(w2c_bin, tmp_path, arg):
    usage_fails(arg, HELLO, "-o", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_option_value_missing_at_end(w2c_bin, tmp_path):
    usage_fails(HELLO, "-o", tmp_path / "x", "--name",
                expect="needs a value")


# ---- invalid input (status 1) ----------------------------------------------


WAT_APP = """\
;; a command module in the text format: prints "wat ok" and exits 7
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "wat ok\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))   ;; iov.buf
    (i32.store (i32.const 4) (i32.const 7))    ;; iov.len
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)
                          (i32.const 8)))
    (call $exit (i32.const 7))))
"""


def test_text_format_compiles(w2c_bin, tmp_path):
    wat = tmp_path / "app.wat"
    wat.write_text(WAT_APP)
    r = w2c(wat, "-o", tmp_path / "app", "-O0", text=True)
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "app"], text=True)
    assert (r.returncode, r.stdout) == (7, "wat ok\n")


def test_text_format_error_is_located(w2c_bin, tmp_path):
    wat = tmp_path / "bad.wat"
    wat.write_text("(module\n  (func\n    i32.ad))\n")
    r = w2c(wat, "-o", tmp_path / "bad", text=True)
    assert r.returncode == 1
    assert r.stderr.startswith(f"{wat}:3:5: error: "), r.stderr
    assert "i32.ad" in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "bad").exists()


def test_bad_binary_is_invalid_input(w2c_bin, tmp_path):
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\0asm\x02\0\0\0")
    r = w2c(bad, "-o", tmp_path / "bad")
    assert r.returncode == 1
    assert r.stderr.startswith(f"{bad}:0x"), r.stderr
    assert not (tmp_path / "bad").exists()


def test_truncated_binary_is_invalid_input(w2c_bin, tmp_path):
    bad = tmp_path / "short.wasm"
    bad.write_bytes(b"\0as")
    r = w2c(bad, "-o", tmp_path / "short")
    assert r.returncode == 1 and "error:" in r.stderr


# ---- --emit=c and output files ---------------------------------------------


def test_emit_c_writes_c_and_header(w2c_bin, tmp_path):
    out = tmp_path / "hello.c"
    r = w2c("--emit=c", HELLO, "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    hdr = tmp_path / "hello.h"
    assert out.exists() and hdr.exists()
    assert '#include "hello.h"' in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.c", "hello.h"]


def test_emit_c_output_without_dot_c(w2c_bin, tmp_path):
    out = tmp_path / "gen"
    r = w2c("--emit", "c", HELLO, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.exists() and (tmp_path / "gen.h").exists()
    assert '#include "gen.h"' in out.read_text()


def test_emit_c_deterministic(w2c_bin, tmp_path):
    outs = []
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        out = tmp_path / d / "m.c"
        r = w2c("--emit=c", HELLO, "-o", out, "--name=demo")
        assert r.returncode == 0, r.stderr
        outs.append((out.read_bytes(), (tmp_path / d / "m.h").read_bytes()))
    assert outs[0] == outs[1]
    assert str(tmp_path).encode() not in outs[0][0]


def test_name_option_and_default(w2c_bin, tmp_path):
    r = w2c("--emit=c", HELLO, "-o", tmp_path / "x.c", "--name", "zork_mod")
    assert r.returncode == 0, r.stderr
    assert "zork_mod" in (tmp_path / "x.h").read_text()
    # default: the output's base name made into an identifier
    r = w2c("--emit=c", HELLO, "-o", tmp_path / "my-app.c")
    assert r.returncode == 0, r.stderr
    assert "my_app" in (tmp_path / "my-app.h").read_text()


@pytest.mark.parametrize("out,prefix", [
    ("a-very-long-output-file-name-for-testing-names-and-more.c",
     "a_very_long_output_file_name_for_testing"),
    ("wasi.c", "wasm_wasi"), ("wasi_ctx.c", "wasm_wasi_ctx"),
    ("wrt.c", "wasm_wrt"), ("9lives.c", "wasm_9lives"),
])
def test_default_name_is_always_usable(w2c_bin, tmp_path, out, prefix):
    r = w2c("--emit=c", HELLO, "-o", tmp_path / out)
    assert r.returncode == 0, r.stderr
    header = (tmp_path / out).with_suffix(".h").read_text()
    assert f"typedef struct {prefix}_instance {prefix}_instance;" in header


@pytest.mark.parametrize("name", ["wasi", "wrt", "wasi_ctx", "wrt_x"])
def test_runtime_prefixes_are_reserved(w2c_bin, tmp_path, name):
    r = w2c("--emit=c", HELLO, "-o", tmp_path / "x.c", "--name", name)
    assert r.returncode == 1 and "reserved for the runtime" in r.stderr


def test_output_attached_to_dash_o(w2c_bin, tmp_path):
    out = tmp_path / "att.c"
    r = w2c("--emit=c", HELLO, f"-o{out}")
    assert r.returncode == 0, r.stderr
    assert out.exists()


def test_offsets_comments(w2c_bin, tmp_path):
    r = w2c("--emit=c", HELLO, "-o", tmp_path / "plain.c")
    assert r.returncode == 0, r.stderr
    r = w2c("--emit=c", "--offsets", HELLO, "-o", tmp_path / "offs.c")
    assert r.returncode == 0, r.stderr
    assert "/* @0x" not in (tmp_path / "plain.c").read_text()
    assert "/* @0x" in (tmp_path / "offs.c").read_text()


def test_accepted_limit_values(w2c_bin, tmp_path):
    for arg in ["--max-memory=64K", "--max-memory=65536",
                "--max-memory=100000", "--max-memory=1MiB",
                "--max-memory=2G", "--max-call-depth=1",
                "--max-call-depth=2147483648", "--bounds=check"]:
        r = w2c("--emit=c", arg, HELLO, "-o", tmp_path / "lim.c")
        assert r.returncode == 0, f"{arg}: {r.stderr}"


def test_emit_c_unwritable_output(w2c_bin, tmp_path):
    r = w2c("--emit=c", HELLO, "-o", tmp_path / "no" / "such" / "dir.c")
    assert r.returncode == 2
    assert "cannot write" in r.stderr


# ---- executables and objects -----------------------------------------------


def no_leftovers(tmpdir):
    assert list(tmpdir.iterdir()) == [], "w2c left files in TMPDIR"


def test_exe_runs_demo(w2c_bin, tmp_path):
    exe = tmp_path / "hello"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = w2c("-O0", HELLO, "-o", exe,
            env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 0, r.stderr
    no_leftovers(scratch)
    assert os.stat(exe).st_mode & stat.S_IXUSR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello", "scratch"]
    r = run([exe, "world", "a b", ""])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:3] == ["hello, world!", "hello, a b!",
                                         "hello, !"]
    assert "fib(30) = 832040" in r.stdout


def test_verbose_prints_phases_and_commands(w2c_bin, tmp_path):
    r = w2c("-v", "-O0", HELLO, "-o", tmp_path / "v")
    assert r.returncode == 0, r.stderr
    for phase in ["read", "validate", "emit", "cc", "link"]:
        assert re.search(rf"^w2c: phase {phase}: \d+\.\d+ ms$", r.stderr,
                         re.M), f"no {phase} timing in:\n{r.stderr}"
    assert " -O0 " in r.stderr and "-lm" in r.stderr


def test_keep_keeps_generated_c(w2c_bin, tmp_path):
    exe = tmp_path / "kept"
    r = w2c("--keep", "-O0", HELLO, "-o", exe)
    assert r.returncode == 0, r.stderr
    c, h = tmp_path / "kept.c", tmp_path / "kept.h"
    assert exe.exists() and c.exists() and h.exists()
    assert '#include "kept.h"' in c.read_text()


def test_no_keep_leaves_only_the_output(w2c_bin, tmp_path):
    r = w2c("-O0", HELLO, "-o", tmp_path / "only")
    assert r.returncode == 0, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["only"]


def test_emit_obj_is_a_relocatable_object(w2c_bin, tmp_path):
    obj = tmp_path / "hello.o"
    r = w2c("--emit=obj", "-O0", HELLO, "-o", obj)
    assert r.returncode == 0, r.stderr
    data = obj.read_bytes()
    assert data[:4] == b"\x7fELF", "not an ELF file"
    little = data[5] == 1
    (e_type,) = struct.unpack("<H" if little else ">H", data[16:18])
    assert e_type == 1, "not a relocatable object (ET_REL)"
    assert [p.name for p in tmp_path.iterdir()] == ["hello.o"]


def test_debug_flag(w2c_bin, tmp_path):
    r = w2c("-g", "-v", "--emit=obj", "-O0", HELLO, "-o", tmp_path / "g.o")
    assert r.returncode == 0, r.stderr
    assert " -g " in r.stderr


def test_cflags_and_ldflags_reach_the_compiler(w2c_bin, tmp_path):
    r = w2c("-v", "-O0", "--cflags=-DW2C_ONE -DW2C_TWO", "--cflags=-DW2C_3",
            "--ldflags", "-L/nonexistent-dir", HELLO, "-o", tmp_path / "f")
    assert r.returncode == 0, r.stderr
    for flag in ["-DW2C_ONE", "-DW2C_TWO", "-DW2C_3", "-L/nonexistent-dir"]:
        assert flag in r.stderr


# ---- the C compiler failing (status 3) -------------------------------------


def test_cc_false(w2c_bin, tmp_path):
    out = tmp_path / "x"
    r = w2c("--cc=false", HELLO, "-o", out)
    assert r.returncode == 3
    assert re.search(r"^w2c: error: C compiler failed \(status 1\): false ",
                     r.stderr, re.M), r.stderr
    assert not out.exists()


def test_cc_missing(w2c_bin, tmp_path):
    r = w2c("--cc=/nonexistent/cc", HELLO, "-o", tmp_path / "x")
    assert r.returncode == 3
    assert "/nonexistent/cc" in r.stderr


def test_cc_bad_flag(w2c_bin, tmp_path):
    out = tmp_path / "x"
    r = w2c("--cflags=-fno-such-flag-for-w2c", HELLO, "-o", out)
    assert r.returncode == 3
    assert "-fno-such-flag-for-w2c" in r.stderr   # the compiler's own words
    assert "C compiler failed" in r.stderr
    assert not out.exists()


def test_failed_link_leaves_no_output(w2c_bin, tmp_path):
    """A compiler that writes the output and then fails: w2c removes it."""
    fake = tmp_path / "fakecc"
    fake.write_text('#!/bin/sh\n'
                    'out=\nwhile [ $# -gt 0 ]; do\n'
                    '  [ "$1" = -o ] && out=$2; shift\ndone\n'
                    'echo junk > "$out"\nexit 1\n')
    fake.chmod(0o755)
    out = tmp_path / "x"
    for mode in ["--emit=exe", "--emit=obj"]:
        r = w2c("--cc", str(fake), mode, HELLO, "-o", out)
        assert r.returncode == 3, r.stderr
        assert not out.exists(), mode


def test_cc_from_environment(w2c_bin, tmp_path):
    env = {**os.environ, "CC": "false"}
    r = w2c(HELLO, "-o", tmp_path / "x", env=env)
    assert r.returncode == 3 and "false" in r.stderr


def test_failure_cleans_tmpdir(w2c_bin, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = w2c("--cc=false", HELLO, "-o", tmp_path / "x",
            env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 3
    no_leftovers(scratch)


def test_keep_survives_cc_failure(w2c_bin, tmp_path):
    r = w2c("--cc=false", "--keep", HELLO, "-o", tmp_path / "k")
    assert r.returncode == 3
    assert (tmp_path / "k.c").exists() and (tmp_path / "k.h").exists()
    assert not (tmp_path / "k").exists()


def test_runtime_dir_override(w2c_bin, tmp_path):
    env = {**os.environ, "W2C_RUNTIME_DIR": str(tmp_path / "none")}
    r = w2c(HELLO, "-o", tmp_path / "x", env=env)
    assert r.returncode == 2 and "W2C_RUNTIME_DIR" in r.stderr


# ---- what the options do at run time ---------------------------------------

ENV_PROG = r"""
#include <stdio.h>
extern char **environ;
int main(void) {
    for (char **e = environ; *e; e++)
        printf("%s\n", *e);
    return 0;
}
"""


@needs_clang
def test_env_grants_exactly_what_was_given(w2c_bin, tmp_path):
    wasm = wasm_from_c(tmp_path, "env", ENV_PROG)
    host_env = {**os.environ, "W2C_LEAK_CHECK": "secret"}
    r = w2c("-O0", wasm, "-o", tmp_path / "noenv")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "noenv"], env=host_env)
    assert (r.returncode, r.stdout) == (0, "")
    r = w2c("-O0", "--env=A=1", "--env", "GREETING=hello world", wasm,
            "-o", tmp_path / "env")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "env"], env=host_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "A=1\nGREETING=hello world\n"


MALLOC_PROG = r"""
#include <stdio.h>
#include <stdlib.h>
static char *volatile keep[64];
int main(void) {
    int n = 0;
    /* Stored in a volatile array so clang cannot drop the allocations. */
    while (n < 64 && (keep[n] = malloc(1 << 20)) != NULL)
        keep[n++][0] = 1;
    printf("%d\n", n);
    return 0;
}
"""


@needs_clang
def test_max_memory_makes_malloc_fail(w2c_bin, tmp_path):
    wasm = wasm_from_c(tmp_path, "grow", MALLOC_PROG)
    r = w2c("-O0", wasm, "-o", tmp_path / "free")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "free"])
    assert (r.returncode, r.stdout) == (0, "64\n"), r.stderr
    r = w2c("-O0", "--max-memory=8M", wasm, "-o", tmp_path / "capped")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "capped"])
    assert r.returncode == 0, r.stderr
    assert 0 < int(r.stdout) < 8, r.stdout


RECURSE_PROG = r"""
#include <stdio.h>
#include <stdlib.h>
static volatile int sink;
/* The store after the call keeps clang from turning this into a loop. */
__attribute__((noinline)) static int down(int n) {
    int r;
    if (n == 0)
        return 0;
    r = down(n - 1);
    sink = r;
    return r + 1;
}
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    printf("%d\n", down(n));
    return 0;
}
"""


@needs_clang
def test_max_call_depth_traps_earlier(w2c_bin, tmp_path):
    wasm = wasm_from_c(tmp_path, "recurse", RECURSE_PROG, opt="-O1")
    r = w2c("-O0", wasm, "-o", tmp_path / "deep")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "deep", "5000"])
    assert (r.returncode, r.stdout) == (0, "5000\n"), r.stderr
    r = w2c("-O0", "--max-call-depth=1000", wasm, "-o", tmp_path / "shallow")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "shallow", "500"])
    assert (r.returncode, r.stdout) == (0, "500\n"), r.stderr
    r = run([tmp_path / "shallow", "5000"])
    assert r.returncode == 134, (r.returncode, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("shallow: wasm trap: call stack exhausted"), \
        r.stderr


@needs_clang
def test_exit_status_and_arguments(w2c_bin, tmp_path):
    wasm = wasm_from_c(tmp_path, "argx", r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        printf("[%s]", argv[i]);
    printf("\n");
    return argc == 3 && strcmp(argv[2], "*") == 0 ? 42 : 7;
}
""")
    exe = tmp_path / "argx"
    r = w2c("-O0", wasm, "-o", exe)
    assert r.returncode == 0, r.stderr
    r = run([exe, "a  b", "*"])
    assert r.returncode == 42
    assert r.stdout == f"[{exe}][a  b][*]\n"


def test_runtime_sources_all_listed():
    """Every rt/ and wasi-rt/ source is in the Makefile's list, which is
    both what `make install` copies and what w2c compiles into executables
    (driver.c gets it as W2C_RUNTIME_SOURCES)."""
    text = (conftest.ROOT / "Makefile").read_text().replace("\\\n", " ")
    listed = set()
    for var in ("RT_SRCS", "WASI_RT_SRCS"):
        m = re.search(rf"^{var} = (.*)$", text, re.M)
        assert m, f"{var} not found in the Makefile"
        listed |= set(m.group(1).split())
    present = {f"{d}/{p.name}" for d in ("rt", "wasi-rt")
               for p in (conftest.ROOT / d).glob("*.c")}
    assert present == listed, \
        f"not listed: {sorted(present - listed)}; " \
        f"missing: {sorted(listed - present)}"
