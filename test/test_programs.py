"""Program tests: C programs compiled to wasm32-wasi and run through w2c.

Every test/programs/NAME.c is a WASI command program.  Beside it may be:
  NAME.stdin    fed to the program's standard input (else /dev/null)
  NAME.args     its arguments, one per line (an empty line is an empty
                argument)
  NAME.status   the exit status it must give, when not 0
A first-line comment `/* clang: FLAGS */` adds FLAGS to the wasm build
only (the native reference build never sees them).

For each program and each of -O0 and -O2, the program is compiled with
clang --target=wasm32-wasi, translated by w2c into an executable, and run
with the same arguments and input as the native reference build
(NATIVE_CC -O2, built and run once per program).  Standard output,
standard error and exit status must be identical.  Where node is
installed, the same .wasm also runs under node's WASI (test/node_wasi.mjs)
and its standard output and exit status must match too.

With W2C_TEST_TARGET=TRIPLE (conftest.py), w2c builds for that cross
target and its executables run under qemu-user; the reference is still
the native build on this machine, since a program's output must not depend
on the machine.  test/test_cross.py runs the same checks for a few targets
within `make check`, through Builder.w2c's target argument.

All builds and runs are started up front on a pool of worker threads (one
per core) so that the file runs in parallel without pytest-xdist; each
test then waits for its own result.  Every run has a time limit.
"""
import concurrent.futures
import contextlib
import difflib
import os
import re
import shlex
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import conftest
import targets
from conftest import NATIVE_CC, TEST, clang_wasm, run

PROGRAMS = TEST / "programs"
NODE_RUNNER = TEST / "node_wasi.mjs"
OPTS = ("-O0", "-O2")
RUN_TIMEOUT = 60
BUILD_TIMEOUT = 300
# No fused multiply-add anywhere: the wasm build could otherwise fuse while
# folding constants and a native build for an FMA target while compiling.
FP_FLAGS = ["-ffp-contract=off"]


def program_names():
    return sorted(p.stem for p in PROGRAMS.glob("*.c"))


NAMES = program_names()


class Program:
    """What the files beside NAME.c say about running it."""

    def __init__(self, name):
        self.name = name
        self.src = PROGRAMS / (name + ".c")
        first = self.src.read_text().split("\n", 1)[0]
        m = re.match(r"\s*/\*\s*clang:(.*?)\*/", first)
        self.clang_flags = shlex.split(m.group(1)) if m else []
        # "/* w2c-unsupported: SIMD */" anywhere in the first lines: a
        # feature w2c does not implement yet.  When the module uses it, w2c
        # must reject it (status 1, message naming it) and the test checks
        # exactly that; remove the line when the feature lands.
        head = "\n".join(self.src.read_text().split("\n")[:5])
        m = re.search(r"/\*\s*w2c-unsupported:\s*(.*?)\s*\*/", head)
        self.unsupported = m.group(1) if m else None
        args = PROGRAMS / (name + ".args")
        self.args = []
        if args.exists():
            text = args.read_text(encoding="utf-8")
            if text.endswith("\n"):
                text = text[:-1]
            self.args = text.split("\n")
        stdin = PROGRAMS / (name + ".stdin")
        self.stdin = stdin if stdin.exists() else None
        status = PROGRAMS / (name + ".status")
        self.status = int(status.read_text().strip()) if status.exists() \
            else 0


class Outcome:
    """One run: its output as bytes and its exit status."""

    def __init__(self, what, stdout, stderr, status):
        self.what = what
        self.stdout = stdout
        self.stderr = stderr
        self.status = status


def run_program(what, cmd, prog, cwd, tag="", env=None):
    """Run cmd with prog's arguments and input (env: variables added to
    ours).  Output goes to files, not pipes: node makes a pipe
    non-blocking and its WASI then drops writes that would block."""
    out, err = Path(cwd, f"{what}{tag}.out"), Path(cwd, f"{what}{tag}.err")
    stdin = open(prog.stdin, "rb") if prog.stdin else subprocess.DEVNULL
    try:
        with open(out, "wb") as fo, open(err, "wb") as fe:
            # arguments as UTF-8 bytes, whatever the locale
            r = subprocess.run([str(c) for c in cmd] +
                               [a.encode("utf-8") for a in prog.args],
                               stdin=stdin, stdout=fo, stderr=fe,
                               timeout=RUN_TIMEOUT, cwd=str(cwd),
                               env={**os.environ, **env} if env else None)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{prog.name}: {what} did not finish within "
                    f"{RUN_TIMEOUT} s", pytrace=False)
    finally:
        if prog.stdin:
            stdin.close()
    return Outcome(what, out.read_bytes(), err.read_bytes(), r.returncode)


class Once:
    """Compute each keyed value once, whichever thread asks first; other
    threads asking for the same key wait for it.  Exceptions (including
    pytest's skip and fail) are remembered and raised to every asker."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cells = {}

    def get(self, key, fn):
        with self._lock:
            cell = self._cells.get(key)
            owner = cell is None
            if owner:
                cell = self._cells[key] = {"done": threading.Event()}
        if owner:
            try:
                cell["value"] = fn()
            except BaseException as e:  # noqa: B902 - re-raised to askers
                cell["error"] = e
            cell["done"].set()
        else:
            cell["done"].wait()
        if "error" in cell:
            raise cell["error"]
        return cell["value"]


def node_status():
    """None when node can run WASI preview1 modules, else why not."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed"
    probe = ("const {WASI}=require('node:wasi');"
             "new WASI({version:'preview1',args:[],env:{}});")
    try:
        r = run([node, "--no-warnings", "-e", probe], timeout=60, text=True)
    except subprocess.TimeoutExpired:
        return "node did not answer a WASI probe within 60 s"
    if r.returncode != 0:
        v = run([node, "--version"], text=True).stdout.strip()
        major = re.match(r"v(\d+)", v)
        if major and int(major.group(1)) < 20:
            return f"node {v} has no node:wasi preview1 (needs node >= 20)"
        raise AssertionError("node's WASI does not work:\n" + r.stderr)
    return None


class Builder:
    """Builds and runs, each done once, shared by the tests."""

    def __init__(self, root):
        self.root = root
        self.once = Once()
        self.progs = {n: Program(n) for n in NAMES}

    def dir(self, name):
        d = self.root / name
        d.mkdir(exist_ok=True)
        return d

    def node(self):
        return self.once.get(("node?",), node_status)

    def native(self, name):
        def build_and_run():
            prog, d = self.progs[name], self.dir(name)
            exe = d / "native"
            r = run([NATIVE_CC, "-O2", *FP_FLAGS, "-o", exe, prog.src, "-lm"],
                    timeout=BUILD_TIMEOUT, text=True)
            if r.returncode != 0:
                pytest.fail(f"{name}: native build ({NATIVE_CC}) failed:\n"
                            + r.stderr, pytrace=False)
            return run_program("native", [exe], prog, d)
        return self.once.get(("native", name), build_and_run)

    def wasm(self, name, opt):
        def build():
            prog = self.progs[name]
            out = self.dir(name) / f"{name}{opt}.wasm"
            return clang_wasm(prog.src, out, opt,
                              extra=[*FP_FLAGS, *prog.clang_flags])
        return self.once.get(("wasm", name, opt), build)

    def w2c(self, name, opt, target=None, flags=None):
        """w2c's executable from the opt (clang) build of name, run.  For
        a cross target (a triple of test/targets.py) the executable is
        built with --target and runs under qemu-user.  flags: the other
        w2c options (default: the suite's W2C_TEST_FLAGS)."""
        flags = conftest.EXTRA_FLAGS if flags is None else flags

        def translate_and_run():
            if target is not None:
                conftest.require_target_tools(target)
            wasm = self.wasm(name, opt)
            d = self.dir(name)
            what = "w2c"
            if target is not None:
                what = "w2c-" + targets.short_name(target)
            if target is not None or list(flags) != conftest.EXTRA_FLAGS:
                # a directory of its own for each target and flags
                sub = targets.short_name(target) + "".join(
                    re.sub(r"[^A-Za-z0-9=.+-]", "_", f) for f in flags)
                d = d / sub[:100]
                d.mkdir(exist_ok=True)
            exe = d / f"{name}{opt}.w2c"
            r = run([conftest.W2C, *flags, *targets.w2c_flags(target),
                     wasm, "-o", exe], timeout=BUILD_TIMEOUT)
            err = r.stderr.decode(errors="replace")
            feature = self.progs[name].unsupported
            if feature and r.returncode == 1:
                # DESIGN.md: an unimplemented feature is rejected with a
                # clear message naming it, never miscompiled
                assert f"{feature}" in err and "not supported" in err, err
                assert not exe.exists()
                return None
            if r.returncode != 0:
                pytest.fail(f"{name} ({opt}): {what} build: w2c exited "
                            f"{r.returncode}:\n" + err[-4000:], pytrace=False)
            prefix, env = targets.target_runner(target)
            return run_program(what, [*prefix, exe], self.progs[name], d,
                               opt, env)
        return self.once.get(("w2c", name, opt, target, tuple(flags)),
                             translate_and_run)

    def on_node(self, name, opt):
        def run_node():
            why = self.node()
            if why:
                pytest.skip(why)
            wasm = self.wasm(name, opt)
            return run_program("node", [shutil.which("node"), NODE_RUNNER,
                                        wasm], self.progs[name],
                               self.dir(name), opt)
        return self.once.get(("node", name, opt), run_node)


def show(data, limit=60):
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[:limit] if len(lines) <= limit else \
        lines[:limit] + [f"... {len(lines) - limit} more lines"]


def compare(name, opt, ref, got, check_stderr=True):
    """Fail with a short diff unless got matches the reference run."""
    problems = []
    if got.status != ref.status:
        problems.append(f"exit status {got.status}, native {ref.status}")
    if got.stdout != ref.stdout:
        diff = difflib.unified_diff(
            [s + "\n" for s in show(ref.stdout, 100000)],
            [s + "\n" for s in show(got.stdout, 100000)],
            "native stdout", f"{got.what} stdout", n=1)
        problems.append("stdout differs:\n" + "".join(list(diff)[:60]))
    if check_stderr and got.stderr != ref.stderr:
        problems.append("stderr differs:\nnative:\n  " +
                        "\n  ".join(show(ref.stderr, 20)) +
                        f"\n{got.what}:\n  " +
                        "\n  ".join(show(got.stderr, 20)))
    elif got.status != ref.status and got.stderr:
        problems.append(f"{got.what} stderr:\n  " +
                        "\n  ".join(show(got.stderr, 20)))
    if problems:
        pytest.fail(f"{name} ({opt}) under {got.what}: " +
                    "\n".join(problems), pytrace=False)


_SHARED = []


def shared_builder(tmp_path_factory):
    """The one Builder of the session: test_cross.py uses it too, so the
    native references and the wasm builds are made once."""
    if not _SHARED:
        _SHARED.append(Builder(tmp_path_factory.mktemp("programs")))
    return _SHARED[0]


@contextlib.contextmanager
def prefetch(jobs):
    """Start jobs ((fn, *args), each a Builder method whose result is
    remembered) on a pool of worker threads, one per core; on leaving,
    cancel what has not started and wait for the rest.  The tests collect
    the results (and failures) through the same methods."""
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, os.cpu_count() or 1),
        thread_name_prefix="program-build")

    def quietly(fn, *args):
        try:
            fn(*args)
        except BaseException:  # noqa: B902 - the test reports it
            pass

    futures = [pool.submit(quietly, *job) for job in jobs]
    try:
        yield
    finally:
        for f in futures:
            f.cancel()
        pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def builder(request, tmp_path_factory):
    """The shared builder; starts every selected test's work on a thread
    pool straight away, in test order."""
    b = shared_builder(tmp_path_factory)
    jobs = []
    w2c_ok = conftest.W2C.exists()
    # under pytest-xdist every worker sees all items but runs only some:
    # there each test builds what it needs itself
    items = [] if hasattr(request.config, "workerinput") else \
        request.session.items
    for item in items:
        if item.module is not request.module or \
                not hasattr(item, "callspec"):
            continue
        p = item.callspec.params
        name, opt = p.get("name"), p.get("opt")
        fn = item.originalname
        if fn == "test_native_reference":
            jobs.append((b.native, name))
        elif fn == "test_w2c" and w2c_ok:
            jobs.append((b.native, name))
            jobs.append((b.w2c, name, opt, conftest.TEST_TARGET))
        elif fn == "test_node":
            jobs.append((b.native, name))
            jobs.append((b.on_node, name, opt))
    with prefetch(jobs):
        yield b


@pytest.mark.parametrize("name", NAMES)
def test_native_reference(builder, name):
    """The program itself: its native build gives the expected status."""
    ref = builder.native(name)
    prog = builder.progs[name]
    assert ref.status == prog.status, \
        f"native {name} exited {ref.status}, expected {prog.status}:\n" + \
        ref.stderr.decode(errors="replace")
    assert ref.stdout, f"native {name} printed nothing"


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("name", NAMES)
def test_w2c(builder, w2c_bin, name, opt):
    """w2c's executable behaves exactly like the native build (built for
    W2C_TEST_TARGET and run under qemu-user when that is set)."""
    ref = builder.native(name)
    got = builder.w2c(name, opt, conftest.TEST_TARGET)
    if got is None:
        return      # rejected as its w2c-unsupported line says (checked)
    compare(name, opt, ref, got)


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("name", NAMES)
def test_node(builder, name, opt):
    """Cross-check of the programs themselves: node's WASI agrees with
    the native build (stdout and status; node owns its stderr)."""
    ref = builder.native(name)
    got = builder.on_node(name, opt)
    compare(name, opt, ref, got, check_stderr=False)
