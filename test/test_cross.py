"""Cross targets within `make check`: a subset of `make check-cross`.

- The C program tests (test_programs.py) for aarch64 and s390x (64-bit,
  little- and big-endian): every program, from its -O0 and -O2 wasm
  builds, is built by w2c with --target and run under qemu-user; its
  output and status must equal the native reference build's.
- Ten spec scripts on each of arm, i686 and powerpc (32-bit hosts, one of
  them big-endian): address computation, byte order, 64-bit integers on a
  32-bit machine, float rounding and conversions (x87 excess precision on
  i686), stack exhaustion and SIMD lanes.

The program builds use the C compiler's CROSS_OPT level to keep the time
down (`make check-cross` runs everything, at w2c's default level); the
suite's W2C_TEST_FLAGS (sanitizers) are for native builds and are not
used here.  All builds and runs start up front on worker threads, one per
core, shared with test_programs.py's native references and wasm builds.
A target whose compiler or qemu-user is missing fails (skips with
W2C_ALLOW_MISSING_TOOLS=1); test/deps.sh installs them.
"""
import importlib.util
import os
from pathlib import Path

import pytest

import conftest
import targets
import test_programs as tp

PROGRAM_TARGETS = ("aarch64-linux-gnu", "s390x-linux-gnu")
SPEC_TARGETS = ("arm-linux-gnueabihf", "i686-linux-gnu", "powerpc-linux-gnu")
SPEC_SCRIPTS = (
    "address.wast",         # effective address = base + offset, 33 bits
    "endianness.wast",      # little-endian memory on every host
    "i64.wast",             # 64-bit arithmetic on 32-bit hosts
    "conversions.wast",     # float <-> int, rounding, traps
    "float_exprs.wast",     # no excess precision, no unsafe folding
    "float_misc.wast",
    "memory_grow.wast",
    "call.wast",            # deep recursion: assert_exhaustion
    "simd_lane.wast",       # lane order in the little-endian v128 image
    "simd_conversions.wast",
)
CROSS_OPT = "-O1"
SPEC_OPT = "-O0"


def load_spec_run():
    """test/spec/run.py as a module (it is a script, not on sys.path)."""
    spec = importlib.util.spec_from_file_location(
        "spec_run", conftest.TEST / "spec" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


spec_run = load_spec_run()
SPEC_RUNNER = Path(os.environ.get(
    "W2C_SPEC", conftest.W2C.resolve().parent / "w2c-spec"))


class SpecRuns:
    """Each (target, script) run of w2c-spec, done once."""

    def __init__(self):
        self.once = tp.Once()

    def result(self, target, script):
        """(passed, failed, failure lines, note) as run.py's run_one."""
        def run_script():
            conftest.require_target_tools(target)
            if not SPEC_RUNNER.exists():
                pytest.fail(f"{SPEC_RUNNER} not found: run "
                            f"`make {SPEC_RUNNER}`", pytrace=False)
            path = spec_run.spec_dir() / script
            if not path.exists():
                pytest.fail(f"{path}: not in the spec suite", pytrace=False)
            return spec_run.run_one(SPEC_RUNNER, path, SPEC_OPT,
                                    target=target)
        return self.once.get((target, script), run_script)


@pytest.fixture(scope="module")
def cross(request, tmp_path_factory):
    """(test_programs.py's shared Builder, SpecRuns), with the work of
    every selected test of this file started on worker threads."""
    b = tp.shared_builder(tmp_path_factory)
    specs = SpecRuns()
    jobs = []
    # under pytest-xdist every worker sees all items but runs only some:
    # there each test does its own work
    items = [] if hasattr(request.config, "workerinput") else \
        request.session.items
    for item in items:
        if item.module is not request.module or \
                not hasattr(item, "callspec") or not conftest.W2C.exists():
            continue
        p = item.callspec.params
        if item.originalname == "test_program":
            jobs.append((b.native, p["name"]))
            jobs.append((b.w2c, p["name"], p["opt"], p["target"],
                         [CROSS_OPT]))
        elif item.originalname == "test_spec":
            jobs.append((specs.result, p["target"], p["script"]))
    with tp.prefetch(jobs):
        yield b, specs


@pytest.mark.parametrize("opt", tp.OPTS)
@pytest.mark.parametrize("name", tp.NAMES)
@pytest.mark.parametrize("target", PROGRAM_TARGETS)
def test_program(cross, w2c_bin, target, name, opt):
    """The program built for target behaves exactly like the native
    build of it on this machine."""
    builder, _ = cross
    ref = builder.native(name)
    got = builder.w2c(name, opt, target, [CROSS_OPT])
    if got is None:
        return      # rejected as its w2c-unsupported line says (checked)
    tp.compare(name, opt, ref, got)


@pytest.mark.parametrize("script", SPEC_SCRIPTS)
@pytest.mark.parametrize("target", SPEC_TARGETS)
def test_spec(cross, w2c_bin, target, script):
    """Every command of the script passes with the program built for
    target and run under qemu-user."""
    _, specs = cross
    passed, failed, fails, note = specs.result(target, script)
    if failed:
        shown = fails[:30] + ([f"... {len(fails) - 30} more"]
                              if len(fails) > 30 else [])
        cmd, env = spec_run.spec_command(
            SPEC_RUNNER, spec_run.spec_dir() / script, SPEC_OPT,
            target=target)
        rerun = [f"{k}={v}" for k, v in env.items()] + cmd + ["-v"]
        pytest.fail(f"{script} for {target}: {passed} passed, {failed} "
                    f"failed{' (' + note + ')' if note else ''}\n"
                    + "\n".join(shown) + "\nrerun: " + " ".join(rerun),
                    pytrace=False)
    assert passed > 0, f"{script}: no command passed"


FLOAT_PLUGIN = """(module
  (import "env" "twice" (func $twice (param f64) (result f64)))
  (import "env" "half" (func $half (param f32) (result f32)))
  (table 1 funcref)
  (elem (i32.const 0) $half)
  (func (export "quad") (param f64) (result f64)
    (call $twice (call $twice (local.get 0))))
  (func (export "eighth") (param f32) (result f32)
    (call_indirect (param f32) (result f32)
      (call $half (call $half (local.get 0))) (i32.const 0))))
"""

FLOAT_HOST = r"""#include <stdio.h>
#include "fp.h"

static double twice(void *ctx, double x) { return x * 2 + *(double *)ctx; }
static float half(void *ctx, float x) { (void)ctx; return x / 2; }

int main(void)
{
    static double bias = 0.125;
    fp_imports im = {0};
    fp_instance *p;
    double d = 0;
    float f = 0;

    im.env_twice = twice;
    im.env_twice_ctx = &bias;
    im.env_half = half;
    p = fp_new(&im, NULL);
    if (p == NULL || fp_start(p) != W2C_OK ||
        fp_quad(p, 1.25, &d) != W2C_OK || fp_eighth(p, 3.0f, &f) != W2C_OK)
        return 1;
    printf("%.17g %.9g\n", d, (double)f);
    fp_free(p);
    return 0;
}
"""


@pytest.mark.parametrize("target", ["i686-linux-gnu", "arm-linux-gnueabihf"])
def test_plugin_float_imports(w2c_bin, tmp_path, target):
    """A plugin whose imports take and return floats, called directly and
    through a table: on i686 the module passes floats in SSE registers
    (WRT_FPCALL) and adapters bridge to the host's C convention; elsewhere
    the host's functions are bound as they are.  Either way the results are
    the arithmetic's."""
    conftest.require_target_tools(target)
    (tmp_path / "fp.wat").write_text(FLOAT_PLUGIN)
    (tmp_path / "host.c").write_text(FLOAT_HOST)
    r = conftest.run([conftest.W2C.resolve(), "--emit=lib",
                      f"--target={target}", "fp.wat", "-o", "libfp.a"],
                     cwd=tmp_path, text=True)
    assert r.returncode == 0, r.stderr
    r = conftest.run([f"{target}-gcc", "-std=c99", "-Wall", "-Wextra",
                      "-Werror", "host.c", "libfp.a", "-o", "host"],
                     cwd=tmp_path, text=True)
    assert r.returncode == 0, r.stderr
    prefix, env = targets.target_runner(target)
    r = conftest.run([*prefix, tmp_path / "host"], text=True,
                     env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    # 2 * (2 * 1.25 + 1/8) + 1/8 and 3 / 2 / 2 / 2
    assert r.stdout == "5.375 0.375\n"
