#!/usr/bin/env python3
"""Cross targets the tests know, and how to run their programs.

An executable built with `w2c --target=TRIPLE` runs here under qemu-user
(no binfmt_misc needed): the emulator goes in front of the program and
QEMU_LD_PREFIX names the Debian cross sysroot its dynamic loader and C
library come from.  conftest.py (the program and wasi-testsuite tests),
test/spec/run.py and test/test_cross.py all take the table from here.

As a script this is `make check-cross`:

    python3 test/targets.py [--w2c PATH] [--spec-runner PATH]
                            [TARGET...]

runs, for each TARGET (a triple of the table, or "native"; all six cross
targets when none is given), the whole spec suite (test/spec/run.py), the
C program tests (test/test_programs.py) and the wasi-testsuite
(test/test_wasi_testsuite.py) with W2C_TEST_TARGET=TARGET, keeps each
part's output in build/cross/TARGET-PART.log, and ends with a table of
the pass counts.  The exit status is 1 when anything failed.

Python 3 standard library only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# triple: (short name, qemu-user emulator, QEMU_LD_PREFIX)
TARGETS = {
    "aarch64-linux-gnu": ("aarch64", "qemu-aarch64",
                          "/usr/aarch64-linux-gnu"),
    "arm-linux-gnueabihf": ("arm", "qemu-arm", "/usr/arm-linux-gnueabihf"),
    "riscv64-linux-gnu": ("riscv64", "qemu-riscv64",
                          "/usr/riscv64-linux-gnu"),
    "i686-linux-gnu": ("i686", "qemu-i386", "/usr/i686-linux-gnu"),
    "s390x-linux-gnu": ("s390x", "qemu-s390x", "/usr/s390x-linux-gnu"),
    "powerpc-linux-gnu": ("powerpc", "qemu-ppc", "/usr/powerpc-linux-gnu"),
}

# The name that means "this machine, no emulator" wherever a target is
# asked for (W2C_TEST_TARGET unset or empty means the same).
NATIVE = "native"


def is_native(triple):
    return not triple or triple == NATIVE


def _entry(triple):
    try:
        return TARGETS[triple]
    except KeyError:
        raise ValueError(f"unknown test target {triple!r}; known: "
                         + ", ".join([NATIVE, *TARGETS])) from None


def short_name(triple):
    """"aarch64" for aarch64-linux-gnu; "native" for the host."""
    return NATIVE if is_native(triple) else _entry(triple)[0]


def w2c_flags(triple):
    """The w2c (and w2c-spec) options that build for triple."""
    return [] if is_native(triple) else [f"--target={triple}"]


def target_runner(triple):
    """(argv prefix, environment additions) that run a program built for
    triple on this machine: ([], {}) for the host, else the qemu-user
    emulator and its QEMU_LD_PREFIX.  Raises ValueError for a triple not
    in TARGETS."""
    if is_native(triple):
        return [], {}
    _, qemu, sysroot = _entry(triple)
    env = {"QEMU_LD_PREFIX": sysroot}
    if triple.startswith(("i686", "i386", "i586")):
        # the guest's loader would read this machine's /etc/ld.so.cache and
        # load the host's 32-bit libraries (/lib32) instead of the sysroot's;
        # an explicit search path inside the sysroot comes first
        env["QEMU_SET_ENV"] = "LD_LIBRARY_PATH=/lib"
    return [qemu], env


def runner_argv(triple, exe, argv0=None):
    """The argument vector (before the program's own arguments) that runs
    exe built for triple.  argv0, when given, becomes the program's
    argv[0] under emulation (qemu-user's -0 option); for the host, pass
    it as subprocess's executable instead."""
    prefix, _ = target_runner(triple)
    if not prefix:
        return [str(exe)]
    return [*prefix, *(["-0", argv0] if argv0 is not None else []),
            str(exe)]


def missing_tools(triple):
    """What this machine lacks to build and run for triple (a list of
    descriptions; empty when everything is there).  test/deps.sh installs
    all of it on Debian."""
    if is_native(triple):
        return []
    _, qemu, sysroot = _entry(triple)
    missing = []
    if shutil.which(f"{triple}-gcc") is None:
        missing.append(f"{triple}-gcc (Debian: gcc-{triple})")
    if shutil.which(qemu) is None:
        missing.append(f"{qemu} (Debian: qemu-user)")
    if not Path(sysroot).is_dir():
        missing.append(f"the sysroot {sysroot} (Debian: gcc-{triple})")
    return missing


def check_target_arg(triple, prog):
    """A script's --target argument: (the triple, or None for the host;
    exit status, 0 when usable).  Prints why to stderr otherwise."""
    if is_native(triple):
        return None, 0
    if triple not in TARGETS:
        print(f"{prog}: unknown target {triple}; known: "
              + ", ".join(TARGETS), file=sys.stderr)
        return triple, 2
    missing = missing_tools(triple)
    if missing:
        print(f"{prog}: not installed: " + ", ".join(missing),
              file=sys.stderr)
        return triple, 1
    return triple, 0


# ---- make check-cross ---------------------------------------------------

COUNT_RE = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|"
                      r"xpassed)")
SPEC_FILES_RE = re.compile(r"^(\d+) of (\d+) scripts passed$", re.M)
SPEC_CMDS_RE = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)


def pytest_command():
    """How to start pytest: this python's module, else pytest-3."""
    probe = subprocess.run([sys.executable, "-c", "import pytest"],
                           capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "pytest"]
    if shutil.which("pytest-3"):
        return ["pytest-3"]
    return None


def pytest_counts(log):
    """{"passed": N, "failed": N, ...} from pytest's last summary line."""
    lines = [ln for ln in log.splitlines() if COUNT_RE.search(ln)
             and (" in " in ln or ln.startswith("="))]
    counts = {}
    if lines:
        for n, what in COUNT_RE.findall(lines[-1]):
            what = "errors" if what.startswith("error") else what
            counts[what] = counts.get(what, 0) + int(n)
    return counts


class Part:
    """One suite run for one target: its log, status and counts."""

    def __init__(self, name, passed=0, total=0, status=1, note=""):
        self.name = name
        self.passed = passed
        self.total = total
        self.status = status
        self.note = note

    def cell(self):
        if self.total == 0:
            return "not run" if not self.note else self.note
        mark = "" if self.status == 0 and self.passed == self.total \
            else " FAIL"
        return f"{self.passed}/{self.total}{mark}"

    def ok(self):
        return self.status == 0 and self.total > 0 and \
            self.passed == self.total


def run_logged(cmd, env, log, timeout):
    """Run cmd with its output going to log (and a line per minute of
    progress to us); returns (status, output)."""
    start = time.monotonic()
    with open(log, "wb") as f:
        try:
            r = subprocess.run(cmd, env=env, stdout=f,
                               stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, cwd=str(ROOT),
                               timeout=timeout)
            status = r.returncode
        except subprocess.TimeoutExpired:
            status = None
    text = Path(log).read_text(errors="replace")
    if status is None:
        text += f"\ncheck-cross: timed out after {timeout} s\n"
    print(f"    {Path(log).name}: status {status}, "
          f"{time.monotonic() - start:.0f} s", flush=True)
    return (1 if status is None else status), text


def check_target(triple, a, logs, pytest):
    """Spec, programs and wasi-testsuite for one target."""
    env = dict(os.environ)
    env["W2C"] = a.w2c
    if is_native(triple):
        env.pop("W2C_TEST_TARGET", None)
    else:
        env["W2C_TEST_TARGET"] = triple
    name = short_name(triple)
    parts = []

    missing = missing_tools(triple)
    if missing:
        note = "missing: " + ", ".join(missing)
        print(f"  {triple}: {note}", flush=True)
        return [Part(p, note="missing tools")
                for p in ("spec", "spec commands", "programs", "wasi")]

    # the spec suite: scripts passed of scripts run
    status, text = run_logged(
        [sys.executable, str(ROOT / "test" / "spec" / "run.py"),
         "--runner", a.spec_runner, *a.spec_args],
        env, logs / f"{name}-spec.log", 6 * 3600)
    m = SPEC_FILES_RE.search(text)
    parts.append(Part("spec", int(m.group(1)), int(m.group(2)), status)
                 if m else Part("spec", note="no result"))
    # the commands of all scripts: the same status, another count
    m = SPEC_CMDS_RE.findall(text)
    passed, failed = map(int, m[-1]) if m else (0, 0)
    parts.append(Part("spec commands", passed, passed + failed, status)
                 if m else Part("spec commands", note="no result"))

    for part, tests in (("programs", ["test/test_programs.py", "-k",
                                      "test_w2c"]),
                        ("wasi", ["test/test_wasi_testsuite.py"])):
        if pytest is None:
            parts.append(Part(part, note="no pytest"))
            continue
        status, text = run_logged([*pytest, "-q", "-p", "no:cacheprovider",
                                   *tests], env,
                                  logs / f"{name}-{part}.log", 3 * 3600)
        c = pytest_counts(text)
        total = sum(c.values())
        parts.append(Part(part, c.get("passed", 0), total, status)
                     if total else Part(part, note="no result"))
    return parts


def check_cross(argv=None):
    ap = argparse.ArgumentParser(
        description="make check-cross: spec, program and wasi-testsuite "
        "tests for each target under qemu-user")
    ap.add_argument("--w2c", default=os.environ.get(
        "W2C", str(ROOT / "build" / "w2c")))
    ap.add_argument("--spec-runner", default=str(ROOT / "build" /
                                                 "w2c-spec"))
    ap.add_argument("--logs", default=str(ROOT / "build" / "cross"),
                    help="where the logs go (default build/cross)")
    ap.add_argument("--spec-args", default="",
                    help="more arguments for test/spec/run.py, e.g. "
                    "'-k simd_'")
    ap.add_argument("targets", nargs="*", metavar="TARGET",
                    help="triples (or native); default: every cross target")
    a = ap.parse_args(argv)
    a.w2c = str(Path(a.w2c).resolve())
    a.spec_runner = str(Path(a.spec_runner).resolve())
    a.spec_args = a.spec_args.split()
    targets = a.targets or list(TARGETS)
    for t in targets:
        if not is_native(t):
            try:
                _entry(t)
            except ValueError as e:
                print(f"check-cross: {e}", file=sys.stderr)
                return 2
    logs = Path(a.logs)
    logs.mkdir(parents=True, exist_ok=True)
    pytest = pytest_command()
    start = time.monotonic()
    rows = []
    for t in targets:
        print(f"check-cross: {t}", flush=True)
        rows.append((t, check_target(t, a, logs, pytest)))

    print()
    head = ("target", "spec scripts", "spec commands", "program tests",
            "wasi tests")
    table = [head] + [(t, *(p.cell() for p in parts)) for t, parts in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"logs: {logs}")
    print(f"check-cross time: {time.monotonic() - start:.0f} s")
    bad = [t for t, parts in rows if not all(p.ok() for p in parts)]
    if bad:
        print("check-cross: failures on " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(check_cross())
