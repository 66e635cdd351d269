#!/usr/bin/env python3
"""Run the official WebAssembly testsuite through w2c (make spec).

Every top-level .wast file of the spec directory is handed to w2c-spec
(test/spec/specrun.c), several at a time.  One line per file:

    PASS  i32.wast  374 passed, 0 failed
    FAIL  elem.wast  60 passed, 4 failed      (then its failures, indented)
    XFAIL ...                                 (listed in expected-failures.txt)

then the total over all files, in exactly the form "N passed, N failed"
(commands), and the run time.

The spec directory: $W2C_SPEC_DIR, else third_party-spec/ when it is
checked out (holds .wast files), else ../shared/wasm-testsuite-2.0 beside
the repository.  A file that cannot be parsed or has no commands counts as
a failure.  The exit status is 1 when a file fails that is not listed in
test/spec/expected-failures.txt, or when a listed file passes completely
(the list must stay honest), else 0.

--target=TRIPLE (default $W2C_TEST_TARGET) builds the programs for a cross
target of test/targets.py and runs them under its qemu-user emulator
(w2c-spec --target and --run, QEMU_LD_PREFIX in the environment).

Python 3 standard library only.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "test"))
import targets  # noqa: E402 - test/targets.py, found through the line above
TOTAL_RE = re.compile(r"^(\d+) passed, (\d+) failed$")
# Seconds one script may take (translation, C compiler, run).
FILE_TIMEOUT = 900
# Failure lines shown under a failing file; -v shows them all.
SHOWN_FAILURES = 12


def spec_dir():
    env = os.environ.get("W2C_SPEC_DIR")
    if env:
        return Path(env)
    sub = ROOT / "third_party-spec"
    if sub.is_dir() and any(sub.glob("*.wast")):
        return sub
    return (ROOT / ".." / "shared" / "wasm-testsuite-2.0").resolve()


def expected_failures():
    path = HERE / "expected-failures.txt"
    names = set()
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line)
    return names


def spec_command(runner, path, opt, cc=None, target=None, bounds=None):
    """The w2c-spec command for one script, and the environment additions
    it needs (for a cross target: the emulator's)."""
    cmd = [str(runner), str(path), opt] + (["--cc=" + cc] if cc else [])
    if bounds:
        cmd.append("--bounds=" + bounds)
    prefix, env = targets.target_runner(target)
    cmd += targets.w2c_flags(target)
    if prefix:
        cmd.append("--run=" + " ".join(prefix))
    return cmd, env


def run_one(runner, path, opt, cc=None, target=None, bounds=None):
    """Run w2c-spec on one script: (passed, failed, failure lines, note)."""
    cmd, env = spec_command(runner, path, opt, cc, target, bounds)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           errors="replace", timeout=FILE_TIMEOUT,
                           env={**os.environ, **env})
    except subprocess.TimeoutExpired:
        return 0, 1, [], "timed out after %d s" % FILE_TIMEOUT
    except OSError as e:
        return 0, 1, [], "cannot run %s: %s" % (runner, e)
    lines = r.stdout.splitlines()
    fails = [ln for ln in lines if ln.startswith("FAIL ")]
    other = [ln for ln in lines if not ln.startswith("FAIL ")
             and not TOTAL_RE.match(ln)]
    total = next((TOTAL_RE.match(ln) for ln in reversed(lines)
                  if TOTAL_RE.match(ln)), None)
    if total is None:
        note = "w2c-spec exited with status %d and no total" % r.returncode
        err = (r.stderr.strip().splitlines() or [""])[-1]
        return 0, 1, fails + other, note + (": " + err if err else "")
    passed, failed = int(total.group(1)), int(total.group(2))
    if failed == 0 and r.returncode != 0:
        return passed, 1, fails + other, \
            "w2c-spec exited with status %d" % r.returncode
    if failed and not fails:
        fails = other           # e.g. the script's parse error
    if any(ln.endswith(": the test program did not build") for ln in fails):
        # the C compiler's complaint first: every runtime command fails
        errs = r.stderr.strip().splitlines()
        errs = [ln for ln in errs[:-1] if "error:" in ln][:3] + errs[-1:]
        fails = ["stderr: " + ln for ln in errs] + fails
    return passed, failed, fails, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runner", default=str(ROOT / "build" / "w2c-spec"))
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1,
                    help="scripts run in parallel (default: CPUs)")
    ap.add_argument("-k", action="append", default=[],
                    help="only scripts whose name contains this")
    ap.add_argument("-O", dest="opt", default="0",
                    help="optimisation level of the test programs")
    ap.add_argument("--cc", default=None,
                    help="C compiler command for the spec programs, e.g. "
                    "'cc -DWRT_SIMD_PORTABLE=1' for the portable SIMD path")
    ap.add_argument("--target", default=os.environ.get("W2C_TEST_TARGET"),
                    help="cross target, run under qemu-user (default "
                    "$W2C_TEST_TARGET): " + ", ".join(targets.TARGETS))
    ap.add_argument("--bounds", choices=["guard", "check"], default=None,
                    help="memory bounds strategy of the spec programs "
                    "(default: the target's, guard on 64-bit hosts)")
    ap.add_argument("-v", action="store_true",
                    help="show every failure line")
    args = ap.parse_args()
    target, status = targets.check_target_arg(args.target, "make spec")
    if status:
        return status

    start = time.monotonic()
    sdir = spec_dir()
    files = sorted(sdir.glob("*.wast"))
    if not files:
        print("make spec: no .wast files in %s" % sdir, file=sys.stderr)
        return 1
    if args.k:
        files = [f for f in files if any(k in f.name for k in args.k)]
    xfail = expected_failures()
    runner = Path(args.runner).resolve()
    print("spec: %d scripts from %s%s" % (len(files), sdir,
                                          " for " + target if target else ""),
          flush=True)

    total_pass = total_fail = 0
    bad = []                # (file, why) that make the run fail
    npass_files = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, args.j)) as pool:
        futs = {pool.submit(run_one, runner, f, "-O" + args.opt, args.cc,
                            target, args.bounds): f
                for f in files}
        for fut in concurrent.futures.as_completed(futs):
            f = futs[fut]
            passed, failed, fails, note = fut.result()
            total_pass += passed
            total_fail += failed
            listed = f.name in xfail
            if failed == 0:
                npass_files += 1
                tag = "PASS "
                if listed:
                    tag = "XPASS"
                    bad.append((f.name, "passes but is listed in "
                                "test/spec/expected-failures.txt"))
            else:
                tag = "XFAIL" if listed else "FAIL "
                if not listed:
                    bad.append((f.name, "%d failed" % failed))
            print("%s %s  %d passed, %d failed%s"
                  % (tag, f.name, passed, failed,
                     "  (%s)" % note if note else ""), flush=True)
            if failed and not listed:
                shown = fails if args.v else fails[:SHOWN_FAILURES]
                for ln in shown:
                    print("      " + ln)
                if len(fails) > len(shown):
                    print("      ... %d more (make spec SPECFLAGS='-v -k %s')"
                          % (len(fails) - len(shown), f.name))
                sys.stdout.flush()

    for name in sorted(xfail - {f.name for f in files}):
        if not args.k and not (sdir / name).exists():
            bad.append((name, "listed in expected-failures.txt but not in "
                        "the suite"))
    print("%d of %d scripts passed" % (npass_files, len(files)))
    for name, why in sorted(bad):
        print("make spec: %s: %s" % (name, why))
    print("%d passed, %d failed" % (total_pass, total_fail))
    print("spec run time: %.1f s" % (time.monotonic() - start))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
