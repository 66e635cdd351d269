"""The cache of compiled runtime objects (man/w2c.1, ENVIRONMENT and FILES).

w2c builds rt/ and wasi-rt/ once per (w2c, C compiler, flags, runtime
contents) into <cache>/rt-<16 hex digits>/ and links later executables
against those objects.  <cache> is $W2C_CACHE_DIR, else
$XDG_CACHE_HOME/w2c, else $HOME/.cache/w2c; W2C_CACHE_DIR=off disables it.
Every test uses its own cache directory under tmp_path and runs the
executable it built (test/demo/hello.wasm greets its arguments).
"""
import os
import re
import shutil
import subprocess

import pytest

import conftest
from conftest import ROOT, TEST

HELLO = TEST / "demo" / "hello.wasm"
ENTRY = re.compile(r"rt-[0-9a-f]{16}")


def base_env(tmp_path, **extra):
    """The environment without any cache setting, plus extra; HOME points
    into tmp_path so a test never writes the user's cache."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("W2C_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


def build(tmp_path, env, *args, out="hello"):
    """w2c -v -O0 [args] hello.wasm -o tmp_path/out, which must work and
    greet; returns w2c's stderr."""
    exe = tmp_path / out
    r = conftest.w2c("-v", "-O0", *args, HELLO, "-o", exe, env=env,
                     text=True)
    assert r.returncode == 0, r.stderr
    p = conftest.run([exe, "cache"], text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("hello, cache!\n"), p.stdout
    return r.stderr


def entries(cache):
    """The complete entries (rt-<key>) in cache, sorted."""
    if not cache.is_dir():
        return []
    return sorted(p.name for p in cache.iterdir() if ENTRY.fullmatch(p.name))


def leftovers(cache):
    """Anything in cache that is not an entry (private build directories)."""
    if not cache.is_dir():
        return []
    return sorted(p.name for p in cache.iterdir()
                  if not ENTRY.fullmatch(p.name))


def snapshot(entry):
    """(inode, mtime) of the entry and of every file in it."""
    files = sorted(entry.iterdir())
    assert files, f"{entry} is empty"
    return [(p.name, p.stat().st_ino, p.stat().st_mtime_ns)
            for p in [entry, *files]]


def test_second_build_reuses_the_entry(w2c_bin, tmp_path):
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))
    err = build(tmp_path, env)
    [name] = entries(cache)
    assert f"w2c: runtime objects: built {cache / name}" in err, err
    assert leftovers(cache) == []
    before = snapshot(cache / name)

    err = build(tmp_path, env, out="again")
    assert f"w2c: runtime objects: cached {cache / name}\n" in err, err
    assert entries(cache) == [name]
    assert snapshot(cache / name) == before
    # The cached objects are linked, and no runtime source is compiled.
    assert str(cache / name) in err
    assert "rt/mem.c" not in err and "wasi-rt/fd.c" not in err, err
    # The module's C still compiles fresh.
    assert re.search(r"^w2c: .* -c \S+/again\.c -o ", err, re.M), err


def test_flags_give_new_entries(w2c_bin, tmp_path):
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))
    build(tmp_path, env)
    assert len(entries(cache)) == 1
    build(tmp_path, env, "--cflags=-DW2C_TEST_KEY=1")
    assert len(entries(cache)) == 2
    build(tmp_path, env, "--cflags=-DW2C_TEST_KEY=2")
    assert len(entries(cache)) == 3
    build(tmp_path, env, "-O1")
    assert len(entries(cache)) == 4
    build(tmp_path, env, "-g")
    assert len(entries(cache)) == 5
    # Each one is found again.
    err = build(tmp_path, env, "--cflags=-DW2C_TEST_KEY=1")
    assert "w2c: runtime objects: cached " in err, err
    assert len(entries(cache)) == 5
    assert leftovers(cache) == []


def test_runtime_edit_gives_new_entry(w2c_bin, tmp_path):
    """The key hashes the runtime's sources and headers."""
    rtdir = tmp_path / "runtime"
    for sub in ("rt", "wasi-rt"):
        shutil.copytree(ROOT / sub, rtdir / sub)
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache),
                   W2C_RUNTIME_DIR=str(rtdir))
    build(tmp_path, env)
    assert len(entries(cache)) == 1
    with open(rtdir / "wasi-rt" / "wasi.h", "a") as f:
        f.write("/* edited */\n")
    err = build(tmp_path, env)
    assert "w2c: runtime objects: built " in err, err
    assert len(entries(cache)) == 2
    with open(rtdir / "rt" / "trap.c", "a") as f:
        f.write("/* edited */\n")
    build(tmp_path, env)
    assert len(entries(cache)) == 3


def test_damaged_entry_is_not_used(w2c_bin, tmp_path):
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))
    build(tmp_path, env)
    [name] = entries(cache)
    entry = cache / name
    objs = sorted(entry.iterdir())

    # An object missing, one empty: not an entry w2c made.
    objs[0].unlink()
    objs[1].write_bytes(b"")
    err = build(tmp_path, env)
    assert "runtime objects: cached" not in err, err
    assert leftovers(cache) == []

    # Junk under the entry's name.
    shutil.rmtree(entry)
    entry.write_text("junk\n")
    err = build(tmp_path, env)
    assert "runtime objects: cached" not in err, err
    assert leftovers(cache) == []

    # An empty directory is replaced by a real entry.
    entry.unlink()
    entry.mkdir()
    build(tmp_path, env)
    err = build(tmp_path, env)
    assert f"runtime objects: cached {entry}" in err, err


def test_cache_off(w2c_bin, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = base_env(tmp_path, W2C_CACHE_DIR="off", TMPDIR=str(scratch),
                   XDG_CACHE_HOME=str(tmp_path / "xdg"))
    err = build(tmp_path, env)
    assert "W2C_CACHE_DIR=off" in err, err
    assert "rt/mem.c" in err, err        # the runtime compiled this time
    assert not (tmp_path / "off").exists()
    assert not (tmp_path / "xdg").exists()
    assert not (tmp_path / "home").exists()
    assert list(scratch.iterdir()) == []


def test_default_locations(w2c_bin, tmp_path):
    xdg = tmp_path / "xdg"
    build(tmp_path, base_env(tmp_path, XDG_CACHE_HOME=str(xdg)))
    assert len(entries(xdg / "w2c")) == 1
    assert not (tmp_path / "home").exists()
    # A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
    build(tmp_path, base_env(tmp_path, XDG_CACHE_HOME="relative"))
    assert len(entries(tmp_path / "home" / ".cache" / "w2c")) == 1


def test_cache_that_cannot_be_created(w2c_bin, tmp_path):
    (tmp_path / "file").write_text("")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = base_env(tmp_path, W2C_CACHE_DIR=str(tmp_path / "file" / "cache"),
                   TMPDIR=str(scratch))
    err = build(tmp_path, env)
    assert "w2c: runtime objects: building in " in err, err
    assert "cannot write the cache" in err, err
    assert list(scratch.iterdir()) == []


def test_unwritable_cache(w2c_bin, tmp_path):
    """A cache that cannot be written (its path runs through a regular
    file, which stops root too) only costs the caching: the build works
    and -v says why."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = blocker / "cache"
    err = build(tmp_path, base_env(tmp_path, W2C_CACHE_DIR=str(cache)))
    assert f"cannot write the cache {cache}: Not a directory" in err, err
    assert blocker.read_text() == ""


def test_read_only_cache_directory(w2c_bin, tmp_path):
    """The same for a directory without write permission, where that
    binds (not for root, whom permissions do not stop: there the entry is
    simply written)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        err = build(tmp_path, base_env(tmp_path, W2C_CACHE_DIR=str(cache)))
        if os.geteuid() == 0:
            assert len(entries(cache)) == 1, err
        else:
            assert "cannot write the cache" in err, err
            assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_failed_runtime_build_stores_nothing(w2c_bin, tmp_path):
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))
    r = conftest.w2c("--cflags=-fno-such-flag-for-w2c", HELLO,
                     "-o", tmp_path / "x", env=env, text=True)
    assert r.returncode == 3, r.stderr
    assert not (tmp_path / "x").exists()
    assert entries(cache) == [] and leftovers(cache) == []


def test_parallel_builds_share_one_entry(w2c_bin, tmp_path):
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))
    procs = [subprocess.Popen([str(w2c_bin), *conftest.EXTRA_FLAGS, "-O0",
                               str(HELLO), "-o", str(tmp_path / f"p{i}")],
                              env=env, stderr=subprocess.PIPE, text=True)
             for i in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert len(entries(cache)) == 1
    assert leftovers(cache) == []
    for i in range(4):
        r = conftest.run([tmp_path / f"p{i}", "cache"], text=True)
        assert r.returncode == 0 and r.stdout.startswith("hello, cache!\n")


def test_library_prefix_gives_own_entry(w2c_bin, tmp_path):
    """--emit=lib compiles the runtime with -DWRT_PREFIX=<name> (and -fPIC,
    -fno-math-errno): one entry per name, found again like any other."""
    cache = tmp_path / "cache"
    env = base_env(tmp_path, W2C_CACHE_DIR=str(cache))

    def lib(name):
        out = tmp_path / f"lib{name}.a"
        r = conftest.w2c("-v", "-O0", "--emit=lib", HELLO, "-o", out,
                         env=env, text=True)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / f"{name}.h").exists()
        return r.stderr

    err = lib("one")
    [one] = entries(cache)
    assert f"w2c: runtime objects: built {cache / one}" in err, err
    nm = conftest.run(["nm", "-g", "--defined-only", *sorted(
        (cache / one).iterdir())], text=True)
    assert nm.returncode == 0, nm.stderr
    assert " T one_wrt_call\n" in nm.stdout, nm.stdout
    assert " T wrt_call\n" not in nm.stdout, nm.stdout

    err = lib("one")
    assert f"w2c: runtime objects: cached {cache / one}\n" in err, err
    assert "rt/mem.c" not in err, err
    assert entries(cache) == [one]

    err = lib("two")
    assert "w2c: runtime objects: built " in err, err
    assert len(entries(cache)) == 2
    assert leftovers(cache) == []
