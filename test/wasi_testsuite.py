#!/usr/bin/env python3
"""The official wasi-testsuite programs through w2c: finding them, reading
their JSON specs, building, running and checking them, as FORMAT.md in the
suite's root describes.

test/test_wasi_testsuite.py runs them under pytest.  This file is also a
standalone runner, handy while working on the runtime:

    python3 test/wasi_testsuite.py [--w2c PATH] [-O0|-O1|...] [-j N] [-v]
                                   [--target TRIPLE] [PATTERN...]

builds every test whose "<language>/<name>" contains one of the PATTERNs
(all when none is given), runs it, prints PASS or FAIL (with why) per test,
then "N passed, N failed" and the time taken; exits 1 when any test fails.

The suite: $W2C_WASI_TESTSUITE, else ../shared/wasi-testsuite beside the
repository.  Every tests/<language>/testsuite/wasm32-wasip1/ directory in
it is a suite (its manifest.json names it); every X.wasm there is a test,
and X.json beside it, when present, its spec.  Only the flat spec style is
understood: a key this runner does not know (the operation style of the
preview3 tests, the old "dirs") fails the test instead of being ignored,
so that a new snapshot cannot pass by being half-read.

Running a test: its root fixture (when the spec names one) is copied to a
fresh directory, symlinks as symlinks, and granted as the guest's "/"
through W2C_DIR; each variable of the spec's env is granted through
W2C_ENV_<NAME>.  The process gets no other host environment than PATH and
a canary variable (W2C_TESTSUITE_CANARY=leak) that the environ tests would
notice if the runtime leaked host variables to the guest.

For a cross target (--target, default $W2C_TEST_TARGET; the triples of
test/targets.py) w2c builds with --target=TRIPLE and the test runs under
qemu-user, whose QEMU_LD_PREFIX is then part of that environment too.

Python 3 standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import targets

ROOT = Path(__file__).resolve().parent.parent

# The default corpus (../shared/wasi-testsuite) holds this many tests.
EXPECTED_TESTS = 72
# Seconds one run may take: every test finishes in well under one.
RUN_TIMEOUT = 60
# Seconds one w2c build may take (about 10 s of C compiler per module).
BUILD_TIMEOUT = 600
# The C optimisation level for the builds.  The tests themselves run in
# milliseconds, so the C compiler's time is all that counts: -O0 compiles
# a 180 KB Rust test in 2.5 s where -O1 takes 6 s.
DEFAULT_OPT = "-O0"
CANARY = ("W2C_TESTSUITE_CANARY", "leak")
# Exit status of a trapped program (DESIGN.md); also what abort() gives.
TRAP_STATUS = 134

SUITE_GLOB = "tests/*/testsuite/wasm32-wasip1"
MANIFEST_KEYS = {"name", "version"}
FLAT_KEYS = {"args", "env", "root", "exit_code", "stdout", "stderr"}
OPERATION_KEYS = {"operations", "proposals", "world", "servers"}


def suite_root():
    """Where the suite is, and whether that is the default corpus."""
    env = os.environ.get("W2C_WASI_TESTSUITE")
    if env:
        return Path(env), False
    return (ROOT / ".." / "shared" / "wasi-testsuite").resolve(), True


class SuiteError(Exception):
    """The suite cannot be used at all (missing, unreadable)."""


class SpecError(Exception):
    """A spec (or manifest) this runner does not understand."""


class Failure(Exception):
    """A test failed; the message says why."""


class Suite:
    """One directory of tests: tests/<language>/testsuite/wasm32-wasip1."""

    def __init__(self, path):
        self.path = path
        self.language = path.parent.parent.name
        self.name = str(path)
        self.error = None
        self.cases = []
        manifest = path / "manifest.json"
        if not manifest.exists():
            # as the reference runner does: the path names the suite
            return
        try:
            data = load_json(manifest)
            if not isinstance(data, dict):
                raise SpecError("not a JSON object")
            unknown = sorted(set(data) - MANIFEST_KEYS)
            if unknown:
                raise SpecError("unknown key(s) " + ", ".join(unknown))
            name = data.get("name", self.name)
            version = data.get("version", path.name)
            if not isinstance(name, str) or not isinstance(version, str):
                raise SpecError('"name" and "version" must be strings')
            if version != "wasm32-wasip1":
                raise SpecError(f'version "{version}": this runner knows '
                                "only wasm32-wasip1")
            self.name = name
        except SpecError as e:
            self.error = f"{manifest}: {e}"


class Case:
    """One test: X.wasm and what X.json (if any) says about running it."""

    def __init__(self, suite, wasm):
        self.suite = suite
        self.name = wasm.stem
        self.id = f"{suite.language}/{self.name}"
        self.wasm = wasm
        self.spec = wasm.with_suffix(".json")
        # the flat style's defaults (FORMAT.md)
        self.args = []
        self.env = {}
        self.root = None
        self.exit_code = 0
        self.stdout = None
        self.stderr = None
        # why this test cannot be run as specified, or None
        self.error = suite.error
        if self.error is None and self.spec.exists():
            try:
                self._read_spec()
            except SpecError as e:
                self.error = f"{self.spec}: {e}"

    def title(self):
        return f"{self.suite.name} / {self.name}"

    def _read_spec(self):
        data = load_json(self.spec)
        if not isinstance(data, dict):
            raise SpecError("not a JSON object")
        keys = set(data)
        ops = sorted(keys & OPERATION_KEYS)
        if ops:
            raise SpecError("operation-style spec (" + ", ".join(ops) +
                            "): this preview1 runner supports only the "
                            "flat style")
        if "dirs" in keys:
            raise SpecError('"dirs" is the format of snapshots before '
                            'upstream PR #264 (preopens named after each '
                            'directory); these binaries expect "root"')
        unknown = sorted(keys - FLAT_KEYS)
        if unknown:
            raise SpecError("unknown key(s) " + ", ".join(unknown))

        args = data.get("args", [])
        if not isinstance(args, list) or \
                not all(isinstance(a, str) for a in args):
            raise SpecError('"args" must be a list of strings')
        for a in args:
            if "\0" in a:
                raise SpecError(f"argument {a!r} holds a NUL byte, which "
                                "a process argument cannot")
        self.args = args

        env = data.get("env", {})
        if not isinstance(env, dict) or \
                not all(isinstance(v, str) for v in env.values()):
            raise SpecError('"env" must be an object of strings')
        for name, value in env.items():
            # W2C_ENV_<NAME>=VALUE can carry any name without "=" or NUL
            if not name or "=" in name or "\0" in name or "\0" in value:
                raise SpecError(f"env variable {name!r}={value!r} cannot "
                                "be granted through W2C_ENV_<NAME>")
        self.env = env

        root = data.get("root")
        if root is not None:
            if not isinstance(root, str):
                raise SpecError('"root" must be a string or null')
            self.root = self.spec.parent / root
            if not self.root.is_dir():
                raise SpecError(f'"root": {self.root} is not a directory')

        code = data.get("exit_code", 0)
        if not isinstance(code, int) or isinstance(code, bool):
            raise SpecError('"exit_code" must be an integer')
        self.exit_code = code

        for stream in ("stdout", "stderr"):
            text = data.get(stream)
            if text is not None and not isinstance(text, str):
                raise SpecError(f'"{stream}" must be a string')
            setattr(self, stream, text)


def load_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SpecError(f"cannot read: {e}")


def discover(root):
    """The suites under root, each with its cases, sorted by path."""
    if not root.is_dir():
        raise SuiteError(f"wasi-testsuite not found at {root} (set "
                         "W2C_WASI_TESTSUITE to where it is)")
    suites = []
    for path in sorted(root.glob(SUITE_GLOB)):
        if not path.is_dir():
            continue
        suite = Suite(path)
        suite.cases = [Case(suite, w) for w in sorted(path.glob("*.wasm"))]
        suites.append(suite)
    return suites


def build(w2c, case, outdir, opt=DEFAULT_OPT, flags=(), target=None):
    """Translate and compile case.wasm into outdir (for the cross target
    when one is given); returns the executable.  Raises Failure with w2c's
    diagnostics when that fails."""
    outdir.mkdir(parents=True, exist_ok=True)
    exe = outdir / case.name
    cmd = [str(w2c), *flags, *targets.w2c_flags(target), str(case.wasm),
           opt, "-o", str(exe)]
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"w2c did not finish within {BUILD_TIMEOUT} s: "
                      + shlex.join(cmd))
    except OSError as e:
        raise Failure(f"cannot run w2c ({w2c}): {e}")
    if r.returncode != 0 or not exe.exists():
        raise Failure(f"w2c exited with status {r.returncode}: "
                      + shlex.join(cmd) + "\n"
                      + tail(r.stderr or r.stdout, lines=40, chars=6000))
    return exe


class Outcome:
    """What one run gave: exit status (negative: killed by that signal),
    output as bytes; status None when it timed out."""

    def __init__(self, status, stdout, stderr):
        self.status = status
        self.stdout = stdout
        self.stderr = stderr


def copy_root(src, dst):
    """A private copy of a fixture directory.  Symlinks stay symlinks,
    empty directories are kept, and everything is made writable by its
    owner: the corpus may be installed read-only, but a git checkout of
    upstream (which the tests are written against) is writable, and tests
    create files in it (writeable/ in the C fixture)."""
    shutil.copytree(src, dst, symlinks=True)
    for d, dirs, files in os.walk(dst):
        for name in [None, *files]:
            p = d if name is None else os.path.join(d, name)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                continue
            add = stat.S_IWUSR | (stat.S_IXUSR | stat.S_IRUSR
                                  if stat.S_ISDIR(st.st_mode) else 0)
            os.chmod(p, stat.S_IMODE(st.st_mode) | add)


def grant_env(case, root_copy, target=None):
    """The whole host environment of the test process (with the
    emulator's variables for a cross target)."""
    env = {"PATH": os.environ.get("PATH", os.defpath), CANARY[0]: CANARY[1]}
    env.update(targets.target_runner(target)[1])
    if root_copy is not None:
        host = str(root_copy)
        # W2C_DIR separates grants with ";" and host from guest with "::"
        if ";" in host or "::" in host:
            raise Failure(f"temporary directory {host} holds ';' or '::', "
                          "which W2C_DIR cannot carry")
        env["W2C_DIR"] = host + "::/"
    for name, value in case.env.items():
        env["W2C_ENV_" + name] = value
    return env


def run(case, exe, workdir, target=None):
    """Run the built test once in workdir (a fresh directory) as FORMAT.md
    says, under qemu-user for a cross target; returns its Outcome."""
    if case.error:
        raise Failure(case.error)
    workdir.mkdir(parents=True, exist_ok=True)
    root_copy = None
    if case.root is not None:
        root_copy = workdir / "root"
        copy_root(case.root, root_copy)
    env = grant_env(case, root_copy, target)
    # the program's argv[0] is the test's name, wherever it was built
    if targets.is_native(target):
        argv, executable = [case.name], str(exe)
    else:
        argv, executable = targets.runner_argv(target, exe, case.name), None
    argv = [a.encode("utf-8") for a in argv + case.args]
    try:
        r = subprocess.run(argv, executable=executable, env=env,
                           cwd=str(workdir), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return Outcome(None, e.stdout or b"", e.stderr or b"")
    except OSError as e:
        raise Failure(f"cannot start {exe}: {e}")
    return Outcome(r.returncode, r.stdout, r.stderr)


def describe_status(status):
    if status is None:
        return f"did not finish within {RUN_TIMEOUT} s (killed)"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"killed by {name}"
    if status == TRAP_STATUS:
        return f"exit status {status} (a wasm trap, or abort)"
    return f"exit status {status}"


def first_mismatch(stream, expected, got):
    """None when got starts with expected (the reference runner reads only
    len(expected) characters), else a description of the first
    difference."""
    want = expected.encode("utf-8")
    if got.startswith(want):
        return None
    at = next((i for i in range(min(len(want), len(got)))
               if want[i] != got[i]), min(len(want), len(got)))
    lo = max(0, at - 20)
    if at >= len(got):
        what = f"ends after {len(got)} bytes"
    else:
        what = f"differs at byte {at}"
    return (f"{stream} {what}: expected it to start with {expected!r}; "
            f"around there expected {want[lo:at + 20]!r}, "
            f"got {got[lo:at + 20]!r}")


def check(case, out):
    """The problems with one run, in the order found; empty on a pass.  A
    timeout, a signal and a trap never pass unless that very status is
    the expected one (status equality: a trap's 134 is never 0 and no
    test here expects it)."""
    problems = []
    if out.status != case.exit_code:
        problems.append(f"{describe_status(out.status)}, expected "
                        f"exit status {case.exit_code}")
    for stream in ("stdout", "stderr"):
        expected = getattr(case, stream)
        if expected is not None:
            m = first_mismatch(stream, expected, getattr(out, stream))
            if m:
                problems.append(m)
    return problems


def tail(data, lines=20, chars=3000):
    text = data.decode("utf-8", errors="replace").rstrip("\n")
    if not text:
        return "  (empty)"
    kept = text.splitlines()[-lines:]
    out = "\n".join(kept)[-chars:]
    more = "  ...\n" if len(out) < len(text) else ""
    return more + "\n".join("  " + ln for ln in out.splitlines())


def report(case, out, problems):
    """The failure message for a run with problems."""
    msg = [f"{case.title()}: FAIL", *("  " + p for p in problems)]
    msg.append("stderr (tail):")
    msg.append(tail(out.stderr))
    if case.stdout is None and out.stdout:
        msg.append("stdout (tail):")
        msg.append(tail(out.stdout, lines=10, chars=1500))
    return "\n".join(msg)


def build_and_run(w2c, case, workdir, opt=DEFAULT_OPT, flags=(),
                  target=None):
    """Everything for one test; raises Failure unless it passes."""
    if case.error:
        raise Failure(case.error)
    exe = build(w2c, case, workdir / "bin", opt, flags, target)
    out = run(case, exe, workdir / "run", target)
    problems = check(case, out)
    if problems:
        raise Failure(report(case, out, problems))


def remove_tree(path):
    """rmtree that also removes what a test left read-only."""
    def onerror(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            if not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=onerror)
    else:
        shutil.rmtree(path, onerror=onerror)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run the wasi-testsuite programs through w2c.")
    ap.add_argument("--w2c", default=os.environ.get(
        "W2C", str(ROOT / "build" / "w2c")), help="w2c binary (default "
        "$W2C, else build/w2c)")
    ap.add_argument("-O", dest="opt", default=DEFAULT_OPT[2:],
                    metavar="LEVEL", help="C optimisation level "
                    f"(default {DEFAULT_OPT[2:]})")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1,
                    help="parallel jobs (default: one per core)")
    ap.add_argument("-v", action="store_true",
                    help="show the whole failure messages")
    ap.add_argument("--target", default=os.environ.get("W2C_TEST_TARGET"),
                    help="build for this cross target and run under "
                    "qemu-user (default $W2C_TEST_TARGET): "
                    + ", ".join(targets.TARGETS))
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory and say where it is")
    ap.add_argument("patterns", nargs="*", metavar="PATTERN",
                    help='run only tests whose "language/name" holds one')
    a = ap.parse_args(argv)
    flags = shlex.split(os.environ.get("W2C_TEST_FLAGS", ""))
    target, status = targets.check_target_arg(a.target, "wasi_testsuite")
    if status:
        return status
    root, _ = suite_root()
    try:
        suites = discover(root)
    except SuiteError as e:
        print(f"wasi_testsuite: {e}", file=sys.stderr)
        return 1
    cases = [c for s in suites for c in s.cases
             if not a.patterns or any(p in c.id for p in a.patterns)]
    if not cases:
        print("wasi_testsuite: no tests selected", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="w2c-wasi-testsuite-"))
    start = time.monotonic()

    def one(case):
        try:
            build_and_run(a.w2c, case, work / case.id, "-O" + a.opt, flags,
                          target)
            return None
        except Failure as e:
            return str(e)

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, a.j)) as pool:
        for case, why in zip(cases, pool.map(one, cases)):
            if why is None:
                print(f"PASS  {case.id}", flush=True)
                continue
            failed += 1
            lines = why.splitlines()
            if not a.v and len(lines) > 12:
                lines = lines[:12] + ["  ... (-v shows all)"]
            print(f"FAIL  {case.id}\n" +
                  "\n".join("      " + ln for ln in lines), flush=True)
    print(f"{len(cases) - failed} passed, {failed} failed")
    print(f"time: {time.monotonic() - start:.1f} s")
    if a.keep:
        print(f"work directory: {work}")
    else:
        remove_tree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
