"""Large modules: output split across C files (--part-size), -j, distcc.

The modules come from test/large_module.py: many functions with loops,
memory accesses, calls and call_indirect, whose _start prints a checksum,
so a split build can be compared with a one-file build.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import require_programs, run, w2c
from large_module import generate

# about 150 KB of code, two functions many times the usual size, in
# parts of 32 KiB
CODE = 150 * 1024
PART_BYTES = 32 * 1024
PART = "32K"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """(the module, the checksum its one-file build prints)."""
    d = tmp_path_factory.mktemp("split")
    wasm = d / "big.wasm"
    wasm.write_bytes(generate(CODE, huge=2, huge_scale=40))
    r = w2c("-O0", "--part-size=0", wasm, "-o", d / "one", text=True)
    assert r.returncode == 0, r.stderr
    out = run([d / "one"], text=True)
    assert out.returncode == 0 and re.fullmatch(r"[0-9a-f]{8}\n",
                                                out.stdout), out
    return wasm, out.stdout


def parts_of(c_file):
    """The part files beside c_file (X.c: X-1.c, X-2.c, ...), in order."""
    c_file = Path(c_file)
    stem = c_file.name[:-2]
    found = sorted(c_file.parent.glob(stem + "-*.c"),
                   key=lambda p: int(p.name[len(stem) + 1:-2]))
    return found


def part_stats(part):
    """(functions, code bytes) from a part's header comment."""
    m = re.search(r"/\* part \d+ of \d+: (\d+) functions, (\d+) bytes of "
                  r"Wasm code \*/", part.read_text())
    assert m, part
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_split_runs_like_one_file(big, tmp_path, jobs):
    wasm, expected = big
    r = w2c("-O0", "-j", jobs, "--part-size=" + PART, "--keep", "-v", wasm,
            "-o", tmp_path / "app", text=True)
    assert r.returncode == 0, r.stderr
    parts = parts_of(tmp_path / "app.c")
    assert len(parts) >= 4, r.stderr
    # -v: the split, each part's translation and each compiler's time
    assert re.search(rf"^w2c: phase split: \d+ bytes of code in \d+ "
                     rf"functions, {len(parts)} parts$", r.stderr,
                     re.M), r.stderr
    for k, p in enumerate(parts, 1):
        assert re.search(rf"^w2c: phase part {k} \(\d+ functions, \d+ "
                         rf"bytes of code\): [0-9.]+ ms", r.stderr, re.M)
        assert re.search(rf"^w2c: phase cc {re.escape(str(p))}: [0-9.]+ ms$",
                         r.stderr, re.M), r.stderr
    out = run([tmp_path / "app"], text=True)
    assert out.returncode == 0 and out.stdout == expected


def test_parts_balanced_by_code_size(big, tmp_path):
    wasm, _ = big
    r = w2c("--emit=c", "--part-size=" + PART, "-v", wasm, "-o",
            tmp_path / "app.c", text=True)
    assert r.returncode == 0, r.stderr
    total = int(re.search(r"w2c: phase split: (\d+) bytes",
                          r.stderr).group(1))
    stats = [part_stats(p) for p in parts_of(tmp_path / "app.c")]
    sizes = [s for _, s in stats]
    counts = [n for n, _ in stats]
    assert sum(sizes) == total
    assert len(stats) == -(-total // PART_BYTES)
    # even code, although the huge functions make the counts uneven
    assert max(sizes) <= 1.2 * min(sizes), stats
    assert max(counts) >= min(counts) + 5, stats
    # the main file holds no Wasm function, the parts all of them
    main = (tmp_path / "app.c").read_text()
    assert "W2C_HIDDEN" in main and "/* func " not in main
    assert sum(p.read_text().count("/* func ") for p in
               parts_of(tmp_path / "app.c")) == sum(counts)


def test_huge_function_gets_its_own_part(tmp_path):
    # one function far over the part size, many small ones
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(generate(64 * 1024, huge=1, huge_scale=120, seed=3))
    r = w2c("--emit=c", "--part-size=16K", wasm, "-o", tmp_path / "m.c",
            text=True)
    assert r.returncode == 0, r.stderr
    stats = [part_stats(p) for p in parts_of(tmp_path / "m.c")]
    assert (1, max(s for _, s in stats)) in stats, stats
    assert max(s for _, s in stats) > 16 * 1024
    rest = [s for n, s in stats if n > 1]
    assert rest and max(rest) <= 1.3 * min(rest), stats


def test_output_is_deterministic(big, tmp_path):
    wasm, _ = big
    outs = []
    for jobs in ("1", "2", "2"):
        d = tmp_path / f"j{jobs}-{len(outs)}"
        d.mkdir()
        r = w2c("--emit=c", "--name=app", "-j", jobs, "--part-size=" + PART,
                wasm, "-o", d / "app.c", text=True)
        assert r.returncode == 0, r.stderr
        outs.append({p.name: p.read_bytes() for p in d.iterdir()})
    assert len(outs[0]) >= 6          # app.c, app.h and the parts
    assert outs[0] == outs[1] == outs[2]
    assert not any(".w2c-tmp" in n for n in outs[0])


def test_small_module_stays_one_file(tmp_path):
    wasm = tmp_path / "s.wasm"
    wasm.write_bytes(generate(8 * 1024))
    r = w2c("--emit=c", "-j", "2", wasm, "-o", tmp_path / "s.c", text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["s.c", "s.h", "s.wasm"]
    assert "W2C_HIDDEN" not in (tmp_path / "s.c").read_text()


def test_split_object_hides_shared_names(big, tmp_path):
    """Two split modules in one link: their shared functions carry the
    module prefix and hidden visibility, so nothing clashes."""
    require_programs("readelf")
    wasm, _ = big
    for name in ("left", "right"):
        r = w2c("--emit=obj", "--name=" + name, "-O0",
                "--part-size=" + PART, wasm, "-o", tmp_path / f"{name}.o",
                text=True)
        assert r.returncode == 0, r.stderr
    r = run(["cc", "-r", "-nostdlib", tmp_path / "left.o",
             tmp_path / "right.o", "-o", tmp_path / "both.o"], text=True)
    assert r.returncode == 0, r.stderr
    syms = run(["readelf", "-sW", tmp_path / "both.o"], text=True).stdout
    shared = [line.split() for line in syms.splitlines()
              if re.search(r"\b(left|right)_w2c_", line)]
    assert len(shared) > 10
    assert all(s[4] == "GLOBAL" and s[5] == "HIDDEN" for s in shared
               if s[6] != "UND"), shared[:5]
    assert any(s[7].startswith("left_w2c_f") for s in shared)
    assert any(s[7].startswith("right_w2c_SIG_") for s in shared)


def test_split_library_and_api(big, tmp_path):
    """--emit=lib splits too; its header stays one file."""
    wasm, _ = big
    r = w2c("--emit=lib", "--name=big", "-O0", "--part-size=" + PART,
            "--keep", wasm, "-o", tmp_path / "libbig.a", text=True)
    assert r.returncode == 0, r.stderr
    members = run(["ar", "t", tmp_path / "libbig.a"], text=True).stdout
    assert "0-big.o" in members.split()
    assert "0-big-1.o" in members.split() and "0-big-4.o" in members.split()
    assert sorted(p.name for p in tmp_path.glob("*.h")) == ["big.h"]


@pytest.mark.parametrize("arg", [["-j", "0"], ["-j", "x"], ["-j0"],
                                 ["-j", "-1"], ["-j", "2x"],
                                 ["-j", "100000"], ["-j"]])
def test_bad_jobs(tmp_path, arg):
    wasm = tmp_path / "s.wasm"
    wasm.write_bytes(generate(4096))
    args = [wasm, "-o", tmp_path / "x", *arg] if arg == ["-j"] \
        else [*arg, wasm, "-o", tmp_path / "x"]
    r = w2c(*args, text=True)
    assert r.returncode == 2, r.stderr
    assert "-j" in r.stderr and "try 'w2c --help'" in r.stderr, r.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("val", ["x", "-1", "1G", "12Q", ""])
def test_bad_part_size(tmp_path, val):
    wasm = tmp_path / "s.wasm"
    wasm.write_bytes(generate(4096))
    r = w2c("--part-size=" + val, wasm, "-o", tmp_path / "x", text=True)
    assert r.returncode == 2, r.stderr
    assert "--part-size" in r.stderr


def test_cc_failure_in_one_part(big, tmp_path):
    """A compiler that fails on part 2 only: exit 3, its message shown,
    no output left behind."""
    wasm, _ = big
    cc = tmp_path / "fussy-cc"
    cc.write_text("#!/bin/sh\n"
                  "for a in \"$@\"; do case $a in *-2.c)\n"
                  "  echo \"fussy-cc: I refuse $a\" >&2; exit 1;;\n"
                  "esac; done\nexec cc \"$@\"\n")
    cc.chmod(0o755)
    out = tmp_path / "app"
    out.write_text("old")
    r = w2c("-O0", "-j", "2", f"--cc={cc}", "--part-size=" + PART, wasm,
            "-o", out, text=True)
    assert r.returncode == 3, r.stderr
    assert re.search(r"fussy-cc: I refuse \S+/app-2\.c", r.stderr), r.stderr
    assert "w2c: error: C compiler failed (status 1)" in r.stderr
    assert not out.exists()


# ---- distcc ------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_split_build_through_distcc(big, tmp_path):
    """Build through a distccd on loopback with local fallback disabled:
    the parts compile remotely (distccd's log says so) and the result runs
    like the one-file build."""
    require_programs("distcc", "distccd")
    if not Path("/usr/lib/distcc/gcc").exists():
        pytest.fail("distccd has no masquerade link /usr/lib/distcc/gcc "
                    "(run update-distcc-symlinks)")
    wasm, expected = big
    port = free_port()
    # as root distccd runs as nobody, who must be able to write its log
    logdir = Path(tempfile.mkdtemp(prefix="w2c-distccd-"))
    logdir.chmod(0o755)
    log = logdir / "distccd.log"
    log.touch(0o666)
    log.chmod(0o666)
    cmd = ["distccd", "--no-detach", "--daemon", "--listen", "127.0.0.1",
           "--port", str(port), "--allow", "127.0.0.1", "--jobs", "2",
           "--log-file", str(log), "--log-level", "info"]
    if os.geteuid() == 0:
        cmd += ["--user", "nobody"]
    env = dict(os.environ, DISTCC_HOSTS=f"127.0.0.1:{port}/2",
               DISTCC_FALLBACK="0", DISTCC_SKIP_LOCAL_RETRY="1",
               DISTCC_DIR=str(tmp_path / "distcc-dir"))
    (tmp_path / "distcc-dir").mkdir()
    daemon = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                assert daemon.poll() is None, daemon.stderr.read()
                assert time.monotonic() < deadline, "distccd did not start"
                time.sleep(0.1)
        r = w2c("-O0", "-v", "-j", "2", "--cc=distcc gcc",
                "--part-size=" + PART, wasm, "-o", tmp_path / "app",
                env=env, text=True)
        assert r.returncode == 0, r.stderr
        assert "w2c: distcc gcc " in r.stderr
    finally:
        daemon.terminate()
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
    text = log.read_text(errors="replace")
    shutil.rmtree(logdir)
    # "... COMPILE_OK exit:0 sig:0 core:0 ret:0 time:NNms CC FILE"
    remote = set(re.findall(r"COMPILE_OK exit:0 .* (\S+/app-\d+\.c)$",
                            text, re.M))
    assert len(remote) >= 4, text[-3000:]
    out = run([tmp_path / "app"], text=True)
    assert out.returncode == 0 and out.stdout == expected
