"""The w2c command line: options, exit statuses, output files.

Contract: DESIGN.md "Command line" and man/w2c.1.  Exit statuses: 0 ok,
1 invalid input, 2 bad usage or I/O error, 3 the C compiler failed.

Usage tests need only the w2c binary.  Tests that compile use the bundled
test/demo/hello.wasm, or small C programs compiled with
clang --target=wasm32-wasi (skipped when that is not installed and
W2C_ALLOW_MISSING_TOOLS=1, see conftest.py).  The --target tests need the
cross compilers test/deps.sh installs (TRIPLE-gcc) but never run their
output.
"""
import os
import re
import resource
import shutil
import stat
import struct
import subprocess

import pytest

import conftest
from conftest import (TEST, clang_wasm, make_env, make_in_tree, nm_symbols,
                      require_programs)


HELLO = TEST / "demo" / "hello.wasm"
EMBED = TEST / "embed"

def run(cmd, **kw):
    """conftest.run with text output (str, not bytes)."""
    kw.setdefault("text", True)
    return conftest.run(cmd, **kw)


def w2c(*args, **kw):
    kw.setdefault("text", True)
    return conftest.w2c(*args, **kw)


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
    for opt in ["-o FILE", "--emit=exe|obj|lib|c", "-O0", "-O3", "-g",
                "--target=TRIPLE", "--cc=",
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
    assert "--target=TRIPLE" in lines[1]


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
    "--target=", "--target=aarch64", "--target=-linux-gnu",
    "--target=aarch64-linux-", "--target=aarch64--linux",
    "--target=aarch64 linux-gnu", "--target=../bin/x-y", "--target=a;b-c",
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


def test_bounds_default_and_choice(w2c_bin, tmp_path):
    """guard is the default for executables on this 64-bit host, check
    for the embedding API (its host did not ask for a signal handler)."""
    guard = "#define WRT_GUARD 1"
    for args, want in [([], False), (["--bounds=guard"], True),
                       (["--bounds=check"], False)]:
        out = tmp_path / ("b%d.c" % len(args))
        r = w2c("--emit=c", *args, HELLO, "-o", out)
        assert r.returncode == 0, r.stderr
        assert (guard in out.read_text()) == want, args
    for args, want in [([], True), (["--bounds=check"], False)]:
        exe = tmp_path / ("e%d" % len(args))
        r = w2c("--keep", *args, HELLO, "-o", exe)
        assert r.returncode == 0, r.stderr
        assert (guard in (tmp_path / (exe.name + ".c")).read_text()) == want
        r = run([exe])
        assert r.returncode == 0 and r.stdout.startswith("hello"), r


def test_bounds_guard_without_address_space(w2c_bin, tmp_path):
    """A guard executable whose 8 GiB reservation cannot be made (ulimit
    -v) fails at start with a trap that says so; a check one runs."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))
    for bounds, ok in [("guard", False), ("check", True)]:
        exe = tmp_path / bounds
        r = w2c("--bounds=" + bounds, HELLO, "-o", exe)
        assert r.returncode == 0, r.stderr
        r = subprocess.run([str(exe)], capture_output=True, text=True,
                           preexec_fn=limit, timeout=60)
        if ok:
            assert r.returncode == 0 and r.stdout.startswith("hello"), r
        else:
            assert r.returncode == 134, r
            assert "wasm trap: memory allocation failed" in r.stderr, r


@pytest.mark.parametrize("target", ["i686-linux-gnu", "arm-linux-gnueabihf",
                                    "powerpc-linux-gnu", "arm-none-eabi",
                                    "x86_64-linux-gnux32"])
def test_bounds_guard_needs_64bit_hosted(w2c_bin, tmp_path, target):
    emit = "--emit=c"
    r = usage_fails(emit, "--bounds=guard", "--target=" + target, HELLO,
                    "-o", tmp_path / "x.c")
    assert "--bounds=guard needs a hosted 64-bit target" in r.stderr
    assert target in r.stderr and "--bounds=check" in r.stderr
    assert not (tmp_path / "x.c").exists()
    # without --bounds such a target gets check bounds
    if "none" not in target:
        r = w2c(emit, "--target=" + target, HELLO, "-o", tmp_path / "y.c")
        assert r.returncode == 0, r.stderr
        assert "WRT_GUARD" not in (tmp_path / "y.c").read_text()


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
    # The module's C API header is written beside the object.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.h",
                                                          "hello.o"]
    header = (tmp_path / "hello.h").read_text()
    assert "#ifndef" in header and "hello_" in header


def test_emit_obj_references_the_plain_runtime(w2c_bin, tmp_path):
    """The object is the module alone: it refers to the runtime by its
    unprefixed names (libw2c-rt.a) and defines only the module's names."""
    r = w2c("--emit=obj", "-O0", HELLO, "-o", tmp_path / "m.o",
            "--name=mod")
    assert r.returncode == 0, r.stderr
    undef = nm_symbols(tmp_path / "m.o", "-u")
    assert [n for n in undef if n.startswith("wrt_")], undef
    assert not [n for n in undef if n.startswith("mod_")], undef
    defined = nm_symbols(tmp_path / "m.o", "-g", "--defined-only")
    assert defined and all(n.startswith("mod_") for n in defined), defined


@pytest.mark.parametrize("out,header", [
    ("gen", "gen.h"), ("x.obj", "x.obj.h"), ("a.b.o", "a.b.h"),
])
def test_emit_obj_header_name(w2c_bin, tmp_path, out, header):
    r = w2c("--emit=obj", "-O0", HELLO, "-o", tmp_path / out)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out,
                                                                 header])


def test_emit_obj_failure_removes_old_output(w2c_bin, tmp_path):
    obj = tmp_path / "stale.o"
    r = w2c("--emit=obj", "-O0", HELLO, "-o", obj)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "stale.h").exists()
    r = w2c("--emit=obj", "--cc=false", HELLO, "-o", obj)
    assert r.returncode == 3, r.stderr
    assert list(tmp_path.iterdir()) == []


# ---- static libraries (--emit=lib) -----------------------------------------
#
# Every library here is named "demo" and built with -O0, so they share one
# runtime cache entry (the runtime compiles with the library's prefix).

LIB_FLAGS = ("--emit=lib", "-O0")


def check_demo_lib(lib, header):
    """lib is an archive whose every external definition starts with
    demo_, module and runtime; header its C API."""
    assert lib.read_bytes()[:8] == b"!<arch>\n"
    members = run(["ar", "t", lib]).stdout.split()
    assert members[0] == "0-demo.o", members
    assert "1-mem.o" in members and len(members) > 10, members
    defined = nm_symbols(lib, "-g", "--defined-only")
    stray = [n for n in defined if not n.startswith("demo_")]
    assert stray == [], stray
    # The runtime is in there, renamed, and so are the module's functions.
    assert "demo_wrt_call" in defined and "demo_wasi_fd_write" in defined
    text = header.read_text()
    assert "#ifndef" in text and "demo_" in text
    assert "#include \"wrt.h\"" not in text


def test_emit_lib_writes_archive_and_header(w2c_bin, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = w2c(*LIB_FLAGS, HELLO, "-o", out / "libdemo.a",
            env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == ["demo.h", "libdemo.a"]
    no_leftovers(scratch)
    check_demo_lib(out / "libdemo.a", out / "demo.h")


def test_emit_lib_default_output(w2c_bin, tmp_path):
    """Without -o: lib<input>.a in the working directory; the default
    --name comes from it (libX.a gives X)."""
    (tmp_path / "in").mkdir()
    wasm = tmp_path / "in" / "demo.wasm"
    shutil.copy(HELLO, wasm)
    work = tmp_path / "work"
    work.mkdir()
    r = run([conftest.W2C.resolve(), *conftest.EXTRA_FLAGS, *LIB_FLAGS,
             wasm], cwd=work)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in work.iterdir()) == ["demo.h", "libdemo.a"]
    check_demo_lib(work / "libdemo.a", work / "demo.h")


def test_emit_lib_header_is_named_after_the_name(w2c_bin, tmp_path):
    """X.h carries the prefix of what it declares: --name decides it."""
    r = w2c(*LIB_FLAGS, "--name=demo", HELLO, "-o", tmp_path / "libplug.a")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.h",
                                                          "libplug.a"]
    check_demo_lib(tmp_path / "libplug.a", tmp_path / "demo.h")


@pytest.mark.parametrize("out,prefix", [
    ("libfoo.a", "foo"), ("foo.a", "foo"), ("lib.a", "lib"),
    ("libmy-plug.a", "my_plug"), ("lib9x.a", "wasm_9x"),
    ("libwasi.a", "wasm_wasi"), ("libfoo", "foo"),
    ("lib" + "n" * 50 + ".a", "n" * 40),
])
def test_emit_lib_default_name(w2c_bin, tmp_path, out, prefix):
    """The prefix the runtime is compiled with, seen in -v's commands (the
    compiler is `false`, so nothing is built)."""
    r = w2c("-v", "--cc=false", *LIB_FLAGS, HELLO, "-o", tmp_path / out)
    assert r.returncode == 3, r.stderr
    assert f" -DWRT_PREFIX={prefix} -fPIC -fno-math-errno " in r.stderr, \
        r.stderr
    assert list(tmp_path.iterdir()) == []


def test_emit_lib_verbose_shows_flags_and_ar(w2c_bin, tmp_path):
    lib = tmp_path / "libdemo.a"
    r = w2c("-v", *LIB_FLAGS, HELLO, "-o", lib)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^w2c: .* -O0 .* -DWRT_PREFIX=demo -fPIC "
                     r"-fno-math-errno .*-c \S+\.c -o \S+/0-demo\.o$",
                     r.stderr, re.M), r.stderr
    m = re.search(r"^w2c: ar rcs (\S+) \S+/0-demo\.o \S+/1-mem\.o ",
                  r.stderr, re.M)
    assert m, r.stderr
    assert re.fullmatch(re.escape(str(lib)) + r"\.w2c-tmp\d+", m.group(1))
    assert re.search(r"^w2c: phase ar: \d+\.\d+ ms$", r.stderr, re.M)
    assert " -lm" not in r.stderr        # nothing is linked


def test_emit_lib_uses_ar_from_the_environment(w2c_bin, tmp_path):
    require_programs("ar")
    ar = shutil.which("ar")
    r = w2c("-v", *LIB_FLAGS, HELLO, "-o", tmp_path / "libdemo.a",
            env={**os.environ, "AR": ar})
    assert r.returncode == 0, r.stderr
    assert f"\nw2c: {ar} rcs " in r.stderr, r.stderr


def test_emit_lib_replaces_an_old_archive(w2c_bin, tmp_path):
    """ar adds to an existing archive; w2c always writes a fresh one."""
    lib = tmp_path / "libdemo.a"
    run(["ar", "rcs", lib, HELLO])           # a member that must go
    assert "hello.wasm" in run(["ar", "t", lib]).stdout
    r = w2c(*LIB_FLAGS, HELLO, "-o", lib)
    assert r.returncode == 0, r.stderr
    assert "hello.wasm" not in run(["ar", "t", lib]).stdout
    check_demo_lib(lib, tmp_path / "demo.h")


def test_emit_lib_failed_compile_leaves_nothing(w2c_bin, tmp_path):
    lib = tmp_path / "libdemo.a"
    r = w2c(*LIB_FLAGS, HELLO, "-o", lib)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.h",
                                                          "libdemo.a"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    # The old archive and header do not survive a failed build.
    r = w2c(*LIB_FLAGS, "--cc=false", HELLO, "-o", lib,
            env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 3, r.stderr
    assert "C compiler failed" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["scratch"]
    no_leftovers(scratch)


def fake_tool(path, status):
    """A tool that writes junk to the archive it is given (ar's third
    word, the compiler's -o) and exits with status."""
    path.write_text('#!/bin/sh\n'
                    'out=$2\nwhile [ $# -gt 0 ]; do\n'
                    '  [ "$1" = -o ] && out=$2; shift\ndone\n'
                    f'echo junk > "$out"\nexit {status}\n')
    path.chmod(0o755)
    return path


def test_emit_lib_failed_ar_leaves_nothing(w2c_bin, tmp_path):
    fake = fake_tool(tmp_path / "fakear", 1)
    out = tmp_path / "out"
    out.mkdir()
    r = w2c(*LIB_FLAGS, HELLO, "-o", out / "libdemo.a",
            env={**os.environ, "AR": str(fake)})
    assert r.returncode == 3, r.stderr
    assert re.search(r"^w2c: error: archiver failed \(status 1\): \S+fakear "
                     r"rcs ", r.stderr, re.M), r.stderr
    assert list(out.iterdir()) == []
    r = w2c(*LIB_FLAGS, HELLO, "-o", out / "libdemo.a",
            env={**os.environ, "AR": str(tmp_path / "no-such-ar")})
    assert r.returncode == 3, r.stderr
    assert "cannot run archiver" in r.stderr and "no-such-ar" in r.stderr
    assert list(out.iterdir()) == []


def test_emit_lib_keep(w2c_bin, tmp_path):
    lib = tmp_path / "libdemo.a"
    r = w2c(*LIB_FLAGS, "--keep", HELLO, "-o", lib)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["demo.h", "libdemo.a", "libdemo.a.c"]
    assert '#include "demo.h"' in (tmp_path / "libdemo.a.c").read_text()
    check_demo_lib(lib, tmp_path / "demo.h")


def test_emit_lib_header_cannot_replace_the_output(w2c_bin, tmp_path):
    r = w2c(*LIB_FLAGS, "--name=demo", HELLO, "-o", tmp_path / "demo.h")
    assert r.returncode == 2
    assert "would replace the output" in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("grant", ["--dir=/tmp", "--env=A=1",
                                   "--pass-env=HOME",
                                   "--listen=127.0.0.1:0"])
@pytest.mark.parametrize("mode", ["lib", "obj"])
def test_grants_rejected_for_libraries_and_objects(w2c_bin, tmp_path,
                                                  grant, mode):
    usage_fails(f"--emit={mode}", grant, HELLO, "-o", tmp_path / "x",
                expect=f"do not apply to --emit={mode}")
    assert list(tmp_path.iterdir()) == []


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
    for mode in ["--emit=exe", "--emit=obj", "--emit=lib"]:
        r = w2c("--cc", str(fake), mode, HELLO, "-o", out)
        assert r.returncode == 3, r.stderr
        assert not out.exists(), mode
        assert not (tmp_path / "x.h").exists(), mode


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


# ---- cross-compiling (--target) ---------------------------------------------
#
# Nothing here runs a cross executable (test_cross.py and `make check-cross`
# run them under qemu-user): outputs are checked from their ELF headers.
# The suite's W2C_TEST_FLAGS (sanitizers) are left out: they are meant for
# programs that run here.

# triple: (ELF class, byte order, e_machine)
ELF_TARGETS = {
    "aarch64-linux-gnu": (64, "little", 183),       # EM_AARCH64
    "arm-linux-gnueabihf": (32, "little", 40),      # EM_ARM
    "riscv64-linux-gnu": (64, "little", 243),       # EM_RISCV
    "i686-linux-gnu": (32, "little", 3),            # EM_386
    "s390x-linux-gnu": (64, "big", 22),             # EM_S390
    "powerpc-linux-gnu": (32, "big", 20),           # EM_PPC
}
ET_REL, ET_EXEC, ET_DYN = 1, 2, 3
SSE2 = " -msse2 -mfpmath=sse "
NO_CC = ("w2c: error: no C compiler for target {0} ({0}-gcc not found; "
         "install it or give --cc)\n")


def w2c_cross(*args, **kw):
    """w2c without the suite's W2C_TEST_FLAGS, text output."""
    kw.setdefault("text", True)
    return conftest.run([conftest.W2C, *args], **kw)


def elf_header(data):
    """(class 32|64, "little"|"big", e_type, e_machine) of an ELF image,
    read from its header as file(1) does."""
    assert data[:4] == b"\x7fELF", "not an ELF file"
    bits = {1: 32, 2: 64}[data[4]]
    order = {1: "little", 2: "big"}[data[5]]
    e_type, e_machine = struct.unpack("<HH" if order == "little" else ">HH",
                                      data[16:20])
    return bits, order, e_type, e_machine


def ar_members(path):
    """[(name, contents)] of an ar archive, its symbol and name tables
    left out."""
    data = path.read_bytes()
    assert data[:8] == b"!<arch>\n", "not an ar archive"
    pos, members = 8, []
    while pos + 60 <= len(data):
        name = data[pos:pos + 16].decode().rstrip()
        size = int(data[pos + 48:pos + 58].decode())
        if name not in ("/", "//", "/SYM64/"):
            members.append((name.rstrip("/"),
                            data[pos + 60:pos + 60 + size]))
        pos += 60 + size + (size & 1)
    return members


def commands(stderr):
    """The commands w2c -v printed (lines "w2c: PROGRAM ARGS..."), as
    strings with a blank at each end, so " -flag " finds whole words."""
    return [f" {ln[5:]} " for ln in stderr.splitlines()
            if ln.startswith("w2c: ") and not ln.startswith(
                ("w2c: phase ", "w2c: runtime objects:", "w2c: error"))]


def wrapper(path, command):
    """An executable script that runs command with its arguments."""
    path.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("triple", list(ELF_TARGETS))
def test_target_obj_is_for_the_target(w2c_bin, tmp_path, triple):
    require_programs(f"{triple}-gcc")
    obj = tmp_path / "hello.o"
    r = w2c_cross("-v", "--emit=obj", "-O0", f"--target={triple}", HELLO,
                  "-o", obj)
    assert r.returncode == 0, r.stderr
    bits, order, machine = ELF_TARGETS[triple]
    assert elf_header(obj.read_bytes()) == (bits, order, ET_REL, machine)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.h",
                                                          "hello.o"]
    [cmd] = commands(r.stderr)
    assert cmd.startswith(f" {triple}-gcc -std=c99 -O0 "), cmd
    # Only x86 32-bit targets need float flags of their own.
    assert (SSE2 in cmd) == triple.startswith("i686-"), cmd


def test_target_exe_for_aarch64(w2c_bin, tmp_path):
    require_programs("aarch64-linux-gnu-gcc")
    exe = tmp_path / "app"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    # $CC names a compiler for this machine: a cross build ignores it.
    env = {**os.environ, "CC": "false", "TMPDIR": str(scratch)}
    r = w2c_cross("-v", "-O0", "--target=aarch64-linux-gnu", HELLO,
                  "-o", exe, env=env)
    assert r.returncode == 0, r.stderr
    no_leftovers(scratch)
    assert os.stat(exe).st_mode & stat.S_IXUSR
    bits, order, e_type, machine = elf_header(exe.read_bytes())
    assert (bits, order, machine) == (64, "little", 183)
    assert e_type in (ET_EXEC, ET_DYN)
    cmds = commands(r.stderr)
    assert cmds and all(c.startswith(" aarch64-linux-gnu-gcc -std=c99 -O0 ")
                        for c in cmds), cmds
    assert cmds[-1].endswith(f" -o {exe} -lm -lpthread "), cmds[-1]
    assert SSE2 not in r.stderr


def test_target_lib_uses_the_target_archiver(w2c_bin, tmp_path):
    require_programs("aarch64-linux-gnu-gcc")
    lib = tmp_path / "libdemo.a"
    r = w2c_cross("-v", *LIB_FLAGS, "--target=aarch64-linux-gnu", HELLO,
                  "-o", lib)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^w2c: aarch64-linux-gnu-ar rcs \S+ \S+/0-demo\.o ",
                     r.stderr, re.M), r.stderr
    members = ar_members(lib)
    assert members[0][0] == "0-demo.o" and len(members) > 10, members
    for name, data in members:
        assert elf_header(data) == (64, "little", ET_REL, 183), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.h",
                                                          "libdemo.a"]
    # $AR wins over the target's archiver.
    ar = wrapper(tmp_path / "my-ar", "aarch64-linux-gnu-ar")
    r = w2c_cross("-v", *LIB_FLAGS, "--target=aarch64-linux-gnu", HELLO,
                  "-o", lib, env={**os.environ, "AR": str(ar)})
    assert r.returncode == 0, r.stderr
    assert f"\nw2c: {ar} rcs " in r.stderr, r.stderr
    assert "aarch64-linux-gnu-ar" not in r.stderr
    assert ar_members(lib)[0][0] == "0-demo.o"


def test_target_emit_c_is_the_same_c(w2c_bin, tmp_path):
    """The generated C does not depend on the target, and writing it needs
    no compiler, not even one for the target."""
    outs = []
    for d, args in (("native", []), ("cross", ["--target=nosuch-linux-gnu"])):
        (tmp_path / d).mkdir()
        r = w2c_cross("--emit=c", *args, HELLO, "-o", tmp_path / d / "m.c")
        assert r.returncode == 0 and r.stderr == "", r.stderr
        outs.append(((tmp_path / d / "m.c").read_bytes(),
                     (tmp_path / d / "m.h").read_bytes()))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("mode", ["exe", "obj", "lib"])
def test_target_without_its_compiler(w2c_bin, tmp_path, mode):
    out = tmp_path / "out"
    out.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    r = w2c_cross("-v", f"--emit={mode}", "--target=nosuch-linux-gnu",
                  HELLO, "-o", out / "x",
                  env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 2, r.stderr
    assert r.stderr.endswith(NO_CC.format("nosuch-linux-gnu")), r.stderr
    assert commands(r.stderr) == [], "something ran"
    assert list(out.iterdir()) == []
    no_leftovers(scratch)


def test_target_without_its_archiver(w2c_bin, tmp_path):
    """A target with a compiler (here this machine's, under the target's
    name) but no archiver: --emit=lib says so, unless AR names one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper(bin_dir / "fake-linux-gnu-gcc", "cc")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    lib = tmp_path / "libdemo.a"
    r = w2c_cross(*LIB_FLAGS, "--target=fake-linux-gnu", HELLO, "-o", lib,
                  env=env)
    assert r.returncode == 2, r.stderr
    assert r.stderr == ("w2c: error: no archiver for target fake-linux-gnu "
                        "(fake-linux-gnu-ar not found; install it or set "
                        "AR)\n"), r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]
    r = w2c_cross("-v", *LIB_FLAGS, "--target=fake-linux-gnu", HELLO,
                  "-o", lib, env={**env, "AR": "ar"})
    assert r.returncode == 0, r.stderr
    assert re.search(r"^w2c: fake-linux-gnu-gcc -std=c99 ", r.stderr, re.M)
    assert "\nw2c: ar rcs " in r.stderr
    check_demo_lib(lib, tmp_path / "demo.h")


def test_target_cc_overrides_the_target_compiler(w2c_bin, tmp_path):
    """--cc runs as given; the target still decides the target's flags."""
    cc = wrapper(tmp_path / "my-cc", "cc")
    obj = tmp_path / "m.o"
    r = w2c_cross("-v", "--emit=obj", "-O0", "--target=nosuch-linux-gnu",
                  f"--cc={cc}", HELLO, "-o", obj)
    assert r.returncode == 0, r.stderr
    [cmd] = commands(r.stderr)
    assert cmd.startswith(f" {cc} -std=c99 -O0 "), cmd
    assert "nosuch" not in r.stderr and SSE2 not in cmd
    assert elf_header(obj.read_bytes())[2] == ET_REL
    r = w2c_cross("-v", "--emit=obj", "-O0", "--target=i686-linux-gnu",
                  f"--cc={cc}", HELLO, "-o", obj)
    assert r.returncode == 0, r.stderr
    [cmd] = commands(r.stderr)
    assert cmd.startswith(f" {cc} -std=c99 -O0 ") and SSE2 in cmd, cmd


@pytest.mark.parametrize("triple", ["arm-none-eabi", "aarch64-none-elf",
                                    "riscv32-unknown-elf"])
def test_freestanding_target_has_no_executables(w2c_bin, tmp_path, triple):
    r = usage_fails(f"--target={triple}", HELLO, "-o", tmp_path / "x")
    assert r.stderr == (f"w2c: error: --target={triple}: a freestanding "
                        "target has no executables; use --emit=lib, "
                        "--emit=obj or --emit=c\n"), r.stderr
    assert list(tmp_path.iterdir()) == []


def test_freestanding_library_flags(w2c_bin, tmp_path):
    """A bare-metal library: everything compiles with -ffreestanding and
    without -fPIC, and only the rt/ runtime goes in (no WASI)."""
    require_programs("arm-none-eabi-gcc")
    lib = tmp_path / "libcalc.a"
    r = w2c_cross("-v", "--emit=lib", "--target=arm-none-eabi",
                  EMBED / "calc.wat", "-o", lib,
                  env={**os.environ, "W2C_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 0, r.stderr
    cmds = commands(r.stderr)
    compiles = [c for c in cmds if " -c " in c]
    assert compiles and all(" -ffreestanding " in c and " -fPIC " not in c
                            and c.startswith(" arm-none-eabi-gcc ")
                            for c in compiles), cmds
    sources = sorted(c.split(" -c ")[1].split()[0].rsplit("/", 2)[-2]
                     for c in compiles[1:])
    assert sources == ["rt"] * 4, sources
    assert (tmp_path / "calc.h").exists()


def test_target_has_its_own_cache_entries(w2c_bin, tmp_path):
    """The runtime objects are cached per target: a cross build neither
    uses nor replaces this machine's entry, even when --cc runs the same
    command, and the target's flags reach the runtime compile."""
    require_programs("i686-linux-gnu-gcc")
    cache = tmp_path / "cache"
    env = {**os.environ, "W2C_CACHE_DIR": str(cache)}

    def build(*args):
        r = w2c_cross("-v", "-O0", *args, HELLO, "-o", tmp_path / "x",
                      env=env)
        assert r.returncode == 0, r.stderr
        m = re.search(r"^w2c: runtime objects: (built|cached) \S+/"
                      r"(rt-[0-9a-f]{16})$", r.stderr, re.M)
        assert m, r.stderr
        return m.group(1), m.group(2), r.stderr

    how, i686, err = build("--target=i686-linux-gnu")
    assert how == "built"
    runtime = [c for c in commands(err) if " -c " in c]
    assert len(runtime) > 10, runtime
    assert all(c.startswith(" i686-linux-gnu-gcc ") and SSE2 in c
               for c in runtime), runtime
    assert elf_header((tmp_path / "x").read_bytes())[3] == 3   # EM_386
    assert build("--target=i686-linux-gnu")[:2] == ("cached", i686)
    how, native, _ = build("--cc=cc")
    assert how == "built" and native != i686
    # The same compiler command for another target: another entry.
    how, other, _ = build("--cc=cc", "--target=nosuch-linux-gnu")
    assert how == "built" and other not in (native, i686)
    assert build("--cc=cc")[:2] == ("cached", native)
    assert sorted(p.name for p in cache.iterdir()) == sorted([i686, native,
                                                              other])


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


def makefile_var(var):
    """The words of the Makefile's `var = ...` (continuation lines
    joined)."""
    text = (conftest.ROOT / "Makefile").read_text().replace("\\\n", " ")
    m = re.search(rf"^{var} = (.*)$", text, re.M)
    assert m, f"{var} not found in the Makefile"
    return m.group(1).split()


def test_runtime_sources_all_listed():
    """Every rt/ and wasi-rt/ source is in the Makefile's list, which is
    both what `make install` copies and what w2c compiles into executables
    (driver.c gets it as W2C_RUNTIME_SOURCES)."""
    listed = set(makefile_var("RT_SRCS") + makefile_var("WASI_RT_SRCS"))
    present = {f"{d}/{p.name}" for d in ("rt", "wasi-rt")
               for p in (conftest.ROOT / d).glob("*.c")}
    assert present == listed, \
        f"not listed: {sorted(present - listed)}; " \
        f"missing: {sorted(listed - present)}"


# ---- make install: the runtime library and pkg-config -----------------------


def test_make_install_runtime_library_and_pkgconfig(tmp_path):
    """A quick check of what install adds for embedding (building generated
    C with it is left to the embedding tests)."""
    require_programs("pkg-config")
    prefix = tmp_path / "p"
    make_in_tree("install", f"PREFIX={prefix}")
    lib = prefix / "lib" / "libw2c-rt.a"
    pc = prefix / "lib" / "pkgconfig" / "w2c-rt.pc"
    assert lib.is_file() and pc.is_file()
    assert (prefix / "share" / "man" / "man3" / "w2c-embed.3").is_file()
    # The runtime, unprefixed: what --emit=obj and --emit=c code calls.
    defined = nm_symbols(lib, "-g", "--defined-only")
    assert "wrt_call" in defined and "wasi_fd_write" in defined
    assert all(n.startswith(("wrt_", "wasi_", "guest_")) for n in defined)

    env = make_env(PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    env.pop("PKG_CONFIG_LIBDIR", None)
    r = run(["pkg-config", "--cflags", "--libs", "w2c-rt"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [f"-I{prefix}/include/w2c",
                                f"-L{prefix}/lib", "-lw2c-rt",
                                "-lpthread", "-lm"]
    r = run(["pkg-config", "--modversion", "w2c-rt"], env=env)
    assert r.stdout.split() == makefile_var("W2C_VERSION"), r.stdout
    assert w2c("--version").stdout.startswith(f"w2c {r.stdout.strip()}\n")
    r = run(["pkg-config", "--variable=rt_sources", "w2c-rt"], env=env)
    assert r.returncode == 0, r.stderr
    srcs = makefile_var("RT_SRCS") + makefile_var("WASI_RT_SRCS")
    assert r.stdout.split() == [f"{prefix}/share/w2c/{s}" for s in srcs]
    assert all(os.path.isfile(p) for p in r.stdout.split())


def test_make_install_destdir_and_uninstall(tmp_path):
    dest = tmp_path / "dest"
    make_in_tree("install", f"DESTDIR={dest}", "PREFIX=/opt/w2c")
    root = dest / "opt" / "w2c"
    pc = root / "lib" / "pkgconfig" / "w2c-rt.pc"
    assert (root / "lib" / "libw2c-rt.a").is_file()
    assert (root / "bin" / "w2c").is_file()
    # The .pc names where the files end up, not where they were staged.
    text = pc.read_text()
    assert re.search(r"^prefix=/opt/w2c$", text, re.M), text
    assert re.search(r"^Libs: -L\$\{libdir\} -lw2c-rt -lpthread -lm$",
                     text, re.M), text
    assert str(dest) not in text
    make_in_tree("uninstall", f"DESTDIR={dest}", "PREFIX=/opt/w2c")
    left = [p for p in dest.rglob("*") if p.is_file()]
    assert left == [], left
