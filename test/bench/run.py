#!/usr/bin/python3
"""run.py - `make bench`: w2c's generated code against native and its peers.

Every benchmark program test/bench/NAME.c (all but hello.c and
wasm2c_host.c) is built
  - natively:         CC -O2 NAME.c -lm
  - for wasm32-wasi:  clang --target=wasm32-wasi -O2 [-msimd128] -lm
and the module is run by each engine:
  native      the native build (the baseline for every ratio)
  w2c-guard   build/w2c NAME.wasm --bounds=guard --cc=CC (-O2)
  w2c-check   build/w2c NAME.wasm --bounds=check --cc=CC (-O2)
  wasm2c      Debian's wabt wasm2c, its runtime (wasm-rt-impl.c, in its
              default configuration) and test/bench/wasm2c_host.c, all
              compiled with CC -O2
  node        node's WASI (test/node_wasi.mjs --no-worker, --single-threaded-gc)
An engine whose tool is missing, or that refuses a module, shows as
"n/a (reason)".  Every run's stdout must equal the native build's: a
difference or a failing run is reported and makes the exit status 1.

Times are wall clock from starting the process to its exit; each cell is
the median of RUNS runs, the engines interleaved in every repetition.  The
report (stdout and build/bench/results.txt) has the table with ratios to
native and their geometric means, then translation time, C compile time,
executable size and a hello-world program's exec-to-exit time per engine.
build/bench/results.json holds every sample; --compare OLD.json prints the
changes against an earlier run.

Usage: run.py [--runs=N] [--only=a,b] [--engines=native,w2c-check,...]
              [--hello-runs=N] [--compare=OLD.json]
Environment: RUNS, ONLY, ENGINES (the same as the options), W2C (default
build/w2c), WASI_SYSROOT (default /usr), CC (default gcc).
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "build" / "bench"
NOT_BENCHMARKS = {"hello", "wasm2c_host"}
SIMD_PROGRAMS = {"simd"}          # built for wasm with -msimd128
ENGINES = ["native", "w2c-guard", "w2c-check", "wasm2c", "node"]
ALIASES = {"guard": "w2c-guard", "check": "w2c-check"}
LABELS = {"native": "native", "w2c-guard": "w2c guard",
          "w2c-check": "w2c check", "wasm2c": "wasm2c", "node": "node"}
WASM2C_RT_DIR = Path("/usr/share/wabt/wasm2c")
WASM2C_HEADER = Path("/usr/include/wasm-rt.h")
WASI_MODULE = "wasi_snapshot_preview1"
RUN_TIMEOUT = 600
BUILD_TIMEOUT = 900


class NotAvailable(Exception):
    """An engine cannot run this program; the message says why."""


class BuildFailed(Exception):
    """A build that should have worked did not; the message has details."""


def log(msg=""):
    print(msg, file=sys.stderr, flush=True)


def timed(cmd, **kw):
    """Run cmd; returns (CompletedProcess, wall seconds)."""
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", BUILD_TIMEOUT)
    start = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], **kw)
    return r, time.perf_counter() - start


def checked(cmd, what, **kw):
    """Run a build command; raises BuildFailed unless it succeeds.
    Returns the wall seconds it took."""
    r, secs = timed(cmd, **kw)
    if r.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {r.returncode}): "
                          f"{shlex.join(str(c) for c in cmd)}\n"
                          + r.stderr.decode(errors="replace")[-3000:])
    return secs


def last_line(data):
    lines = [ln.strip() for ln in data.decode(errors="replace").splitlines()
             if ln.strip()]
    return lines[-1] if lines else ""


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60)
    except OSError as e:
        return f"unavailable ({e.strerror})"
    out = (r.stdout or r.stderr).decode(errors="replace").strip()
    return out.splitlines()[0] if out else "?"


# ---- the tools -----------------------------------------------------------

class Tools:
    def __init__(self):
        self.cc = os.environ.get("CC") or "gcc"
        self.clang = "clang"
        self.sysroot = os.environ.get("WASI_SYSROOT") or "/usr"
        self.w2c = Path(os.environ.get("W2C") or ROOT / "build" / "w2c")
        self.wasm2c = shutil.which("wasm2c")
        self.node = shutil.which("node")
        self.env = dict(os.environ, W2C_CACHE_DIR=str(OUT / "cache"))

    def versions(self):
        return {
            "cc": f"{self.cc}: " + first_line([self.cc, "--version"]),
            "clang": first_line([self.clang, "--version"]),
            "w2c": first_line([str(self.w2c), "--version"]),
            "wasm2c": first_line([self.wasm2c, "--version"])
            if self.wasm2c else "not installed",
            "node": first_line([self.node, "--version"])
            if self.node else "not installed",
        }


def engine_availability(tools, wanted):
    """{engine: None (usable) or the reason it is not}."""
    avail = {}
    have_clang = shutil.which(tools.clang) is not None
    for e in ENGINES:
        reason = None
        if e not in wanted:
            reason = "not selected"
        elif e == "native":
            if not shutil.which(tools.cc):
                reason = f"{tools.cc} not found"
        elif not have_clang:
            reason = "clang not found (needed for wasm32-wasi)"
        elif e.startswith("w2c-"):
            if not os.access(tools.w2c, os.X_OK):
                reason = f"{tools.w2c} not built (make)"
        elif e == "wasm2c":
            if not tools.wasm2c:
                reason = "wasm2c not installed (Debian package wabt)"
            elif not (WASM2C_RT_DIR / "wasm-rt-impl.c").exists() \
                    or not WASM2C_HEADER.exists():
                reason = "wabt's wasm2c runtime sources not found"
        elif e == "node":
            if not tools.node:
                reason = "node not installed"
        avail[e] = reason
    return avail


# ---- building --------------------------------------------------------------

def build_native(tools, src, name):
    d = OUT / "native"
    d.mkdir(parents=True, exist_ok=True)
    exe = d / name
    secs = checked([tools.cc, "-O2", src, "-o", exe, "-lm"],
                   f"native build of {name}")
    return {"cmd": [str(exe)], "compile_s": secs,
            "size": exe.stat().st_size}


def build_wasm(tools, src, name):
    d = OUT / "wasm"
    d.mkdir(parents=True, exist_ok=True)
    wasm = d / f"{name}.wasm"
    simd = ["-msimd128"] if name in SIMD_PROGRAMS else []
    checked([tools.clang, "--target=wasm32-wasi",
             f"--sysroot={tools.sysroot}", "-O2", *simd, src, "-o", wasm,
             "-lm"], f"clang (wasm32-wasi) build of {name}")
    return wasm


def build_w2c(tools, wasm, name, mode):
    d = OUT / f"w2c-{mode}"
    d.mkdir(parents=True, exist_ok=True)
    exe = d / name
    csrc = d / f"{name}.c"
    bounds = f"--bounds={mode}"
    r, translate = timed([tools.w2c, wasm, "--emit=c", "-o", csrc, bounds],
                         env=tools.env)
    if r.returncode != 0:
        raise BuildFailed(f"w2c --emit=c {bounds} {name} failed "
                          f"(exit {r.returncode}):\n"
                          + r.stderr.decode(errors="replace")[-3000:])
    total = checked([tools.w2c, wasm, "-o", exe, bounds, f"--cc={tools.cc}",
                     "-O2"], f"w2c {bounds} build of {name}", env=tools.env)
    return {"cmd": [str(exe)], "translate_s": translate,
            "compile_s": max(total - translate, 0.0),
            "size": exe.stat().st_size}


def probe_w2c_mode(tools, wasm, mode):
    """None if w2c accepts --bounds=MODE, else the reason it does not."""
    r, _ = timed([tools.w2c, wasm, "--emit=c", "-o",
                  OUT / f"probe-{mode}.c", f"--bounds={mode}"],
                 env=tools.env)
    if r.returncode == 0:
        return None
    return (f"w2c --bounds={mode} refused (exit {r.returncode}): "
            + last_line(r.stderr))


_wasm2c_rt_obj = None


def wasm2c_runtime(tools):
    """wabt's runtime, compiled once (like w2c's cached runtime objects)."""
    global _wasm2c_rt_obj
    if _wasm2c_rt_obj is None:
        d = OUT / "wasm2c"
        d.mkdir(parents=True, exist_ok=True)
        obj = d / "wasm-rt-impl.o"
        checked([tools.cc, "-O2", f"-I{WASM2C_RT_DIR}", "-c",
                 WASM2C_RT_DIR / "wasm-rt-impl.c", "-o", obj],
                "compiling wabt's wasm-rt-impl.c")
        _wasm2c_rt_obj = obj
    return _wasm2c_rt_obj


def host_imports():
    """The WASI functions wasm2c_host.c defines."""
    text = (HERE / "wasm2c_host.c").read_text()
    return set(re.findall(r"^Z_wasi_snapshot_preview1Z_(\w+)\(", text,
                          re.M))


def wasm2c_stubs(header, path):
    """Write path: a trapping definition of every import of the generated
    header that wasm2c_host.c lacks.  Raises NotAvailable for imports from
    a module other than WASI.  Returns the stubbed import names."""
    lines = header.read_text().splitlines()
    have = host_imports()
    out = ["/* generated by test/bench/run.py: imports wasm2c_host.c "
           "lacks */",
           '#include "bench.h"',
           "void wasm2c_host_unsupported(const char *module, "
           "const char *name);", ""]
    stubbed = []
    for i, line in enumerate(lines):
        m = re.match(r"/\* import: '([^']*)' '([^']*)' \*/", line)
        if not m:
            continue
        module, name = m.groups()
        if module != WASI_MODULE:
            raise NotAvailable(f"imports from module {module!r}")
        if name in have:
            continue
        proto = re.match(r"(\w+) (\w+)\((.*)\);$", lines[i + 1].strip())
        if not proto:
            raise NotAvailable(f"cannot read wasm2c's prototype of {name}: "
                               f"{lines[i + 1]!r}")
        ret, fname, params = proto.groups()
        if not fname.startswith("Z_" + WASI_MODULE):
            raise NotAvailable(f"import {name} as a {ret} global or memory")
        named = [f"{p.strip()} a{k}" for k, p in
                 enumerate(params.split(",")) if p.strip()]
        uses = " ".join(f"(void)a{k};" for k in range(len(named)))
        body = f'{uses} wasm2c_host_unsupported("{module}", "{name}");'
        if ret != "void":
            body += " return 0;"
        out.append(f"{ret} {fname}({', '.join(named)}) {{ {body} }}")
        stubbed.append(name)
    path.write_text("\n".join(out) + "\n")
    return stubbed


def build_wasm2c(tools, wasm, name):
    d = OUT / "wasm2c" / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    r, translate = timed([tools.wasm2c, wasm, "-n", "bench", "-o",
                          d / "bench.c"])
    if r.returncode != 0:
        why = last_line(r.stderr) or last_line(r.stdout)
        if r.returncode < 0:
            status = f"killed by {signal.Signals(-r.returncode).name}"
        else:
            status = f"exit {r.returncode}"
        if not why and name in SIMD_PROGRAMS:
            why = "this module uses SIMD (v128)"
        raise NotAvailable(f"wasm2c {status}" + (f": {why}" if why else ""))
    stubs = d / "stubs.c"
    stubbed = wasm2c_stubs(d / "bench.h", stubs)
    if "simde" in (d / "bench.c").read_text() \
            and not Path("/usr/include/simde").exists():
        raise NotAvailable("wasm2c's SIMD output needs simde "
                           "(libsimde-dev)")
    rt = wasm2c_runtime(tools)
    inc = [f"-I{d}", f"-I{WASM2C_RT_DIR}"]
    exe = d / name
    compile_s = 0.0
    for src, obj in ((d / "bench.c", d / "bench.o"),
                     (HERE / "wasm2c_host.c", d / "host.o"),
                     (stubs, d / "stubs.o")):
        compile_s += checked([tools.cc, "-O2", *inc, "-c", src, "-o", obj],
                             f"wasm2c build of {name} ({src.name})")
    compile_s += checked([tools.cc, "-O2", d / "bench.o", d / "host.o",
                          d / "stubs.o", rt, "-o", exe, "-lm"],
                         f"wasm2c link of {name}")
    info = {"cmd": [str(exe)], "translate_s": translate,
            "compile_s": compile_s, "size": exe.stat().st_size}
    if stubbed:
        info["stubbed_imports"] = stubbed
    return info


def build_all(tools, avail, names):
    """{name: {engine: info dict | NotAvailable | BuildFailed}}"""
    builds = {}
    for name in names:
        src = HERE / f"{name}.c"
        res = {}
        builds[name] = res
        log(f"building {name}")
        try:
            res["native"] = build_native(tools, src, name)
        except BuildFailed as e:
            res["native"] = e
        wasm = None
        wasm_engines = [e for e in ENGINES[1:] if avail[e] is None]
        if wasm_engines:
            try:
                wasm = build_wasm(tools, src, name)
            except BuildFailed as e:
                for eng in wasm_engines:
                    res[eng] = e
        for eng in ENGINES[1:]:
            if avail[eng] is not None:
                res[eng] = NotAvailable(avail[eng])
                continue
            if wasm is None:
                continue
            try:
                if eng == "w2c-guard":
                    res[eng] = build_w2c(tools, wasm, name, "guard")
                elif eng == "w2c-check":
                    res[eng] = build_w2c(tools, wasm, name, "check")
                elif eng == "wasm2c":
                    res[eng] = build_wasm2c(tools, wasm, name)
                else:
                    # --single-threaded-gc: node 20.20's concurrent GC
                    # crashes (SIGSEGV in a KeyedLoadIC) after sort's and
                    # memgrow's big allocations; wasm code itself does
                    # not use the GC, so this costs the engine nothing
                    res[eng] = {"cmd": [tools.node, "--no-warnings",
                                        "--single-threaded-gc",
                                        str(HERE.parent / "node_wasi.mjs"),
                                        "--no-worker", str(wasm)],
                                "size": wasm.stat().st_size}
            except (NotAvailable, BuildFailed) as e:
                res[eng] = e
            except subprocess.TimeoutExpired:
                res[eng] = BuildFailed(f"{eng} build of {name} timed out")
        for eng, v in res.items():
            if isinstance(v, BuildFailed):
                log(f"*** BUILD FAILED: {name} / {LABELS[eng]}: {v}")
            elif isinstance(v, NotAvailable) and avail[eng] is None:
                log(f"    {name} / {LABELS[eng]}: n/a ({v})")
    return builds


# ---- running -------------------------------------------------------------

def run_once(cmd):
    """(seconds, exit status, stdout bytes, stderr bytes) of one run."""
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, "timeout", b"", b""
    return time.perf_counter() - start, r.returncode, r.stdout, r.stderr


def measure(builds, names, runs, failures, what):
    """Run every (program, engine) runs times, engines interleaved and
    their order rotated each repetition.  Returns {name: {engine:
    [seconds...]}}; a run whose output differs from native's, or that
    fails, is recorded in failures and its engine not run again for that
    program."""
    samples = {n: {} for n in names}
    expected = {}
    broken = set()
    for rep in range(runs):
        for name in names:
            engines = [e for e in ENGINES
                       if isinstance(builds[name].get(e), dict)]
            if "native" not in engines:
                continue
            k = rep % len(engines)
            order = engines[k:] + engines[:k]
            # native first in the very first repetition: the reference
            if rep == 0:
                order.remove("native")
                order.insert(0, "native")
            line = []
            for eng in order:
                if (name, eng) in broken:
                    continue
                secs, status, out, err = run_once(builds[name][eng]["cmd"])
                problem = None
                if status != 0:
                    problem = (f"exit status {status}\n"
                               + err.decode(errors="replace")[-2000:])
                elif eng == "native" and name not in expected:
                    expected[name] = out
                elif out != expected.get(name):
                    problem = ("stdout differs from native's\n"
                               f"--- native:\n"
                               f"{expected.get(name, b'').decode(errors='replace')[:1500]}"
                               f"--- {LABELS[eng]}:\n"
                               f"{out.decode(errors='replace')[:1500]}")
                if problem:
                    log(f"*** {what} {name} / {LABELS[eng]}: MISMATCH OR "
                        f"FAILURE: {problem}")
                    failures.append({"benchmark": name, "engine": eng,
                                     "problem": problem})
                    broken.add((name, eng))
                    samples[name].pop(eng, None)
                    continue
                samples[name].setdefault(eng, []).append(secs)
                line.append(f"{LABELS[eng]} {secs:.3f}")
            log(f"[{rep + 1}/{runs}] {name}: " + ", ".join(line))
    return samples, broken


# ---- reporting -------------------------------------------------------------

def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_size(n):
    return f"{n / 1024:.0f} KiB" if n < 10 * 1024 * 1024 \
        else f"{n / 1048576:.1f} MiB"


def cell_reason(v):
    if isinstance(v, NotAvailable):
        return f"n/a ({v})"
    if isinstance(v, BuildFailed):
        return "BUILD FAILED"
    return None


def report(results, builds, shown):
    """The report text from the results dictionary."""
    out = []
    names = list(results["benchmarks"])
    w = max([len(n) for n in names] + [9])
    header = f"{'benchmark':<{w}}" + "".join(
        f" | {LABELS[e]:>16}" for e in shown)
    out.append(f"Runtime: median of {results['runs']} runs, wall clock "
               "exec to exit; ratio to native")
    out.append(header)
    out.append("-" * len(header))
    notes = []
    for n in names:
        row = f"{n:<{w}}"
        for e in shown:
            r = results["benchmarks"][n].get(e, {})
            st = r.get("status")
            if st == "ok":
                txt = f"{r['median']:.3f}s"
                if e != "native":
                    txt += f" {r['ratio']:.2f}x"
                else:
                    txt += "      "
            elif st == "n/a":
                txt = "n/a"
                if not results["engines"][e]["reason"]:
                    notes.append(f"{n} / {LABELS[e]}: n/a ({r['reason']})")
            else:
                txt = st.upper() if st else "?"
                notes.append(f"{n} / {LABELS[e]}: {txt}: "
                             f"{(r.get('reason') or '?').splitlines()[0]}")
            row += f" | {txt:>16}"
        out.append(row)
    out.append("-" * len(header))
    row = f"{'geomean':<{w}}"
    for e in shown:
        g = results["geomean"].get(e)
        if e == "native":
            txt = "1.00x" if g else "n/a"
        elif g is None:
            txt = "n/a"
        else:
            cnt = results["geomean_count"][e]
            txt = f"{g['ratio']:.3f}x"
            if cnt < len(names):
                txt += f" ({cnt}/{len(names)})"
        row += f" | {txt:>16}"
    out.append(row)
    for e in shown:
        reason = results["engines"][e]["reason"]
        if reason:
            out.append(f"  {LABELS[e]}: n/a ({reason})")
    for note in notes:
        out.append(f"  {note}")

    # build costs and start-up
    out.append("")
    out.append("Build and start-up (translation and C compile: totals "
               "over the benchmarks; sizes: mean executable,")
    out.append("node: the .wasm; hello: exec-to-exit median of "
               f"{results['hello_runs']} runs of test/bench/hello.c)")
    h2 = (f"{'engine':<10} | {'translate':>10} | {'C compile':>10} | "
          f"{'mean size':>10} | {'hello size':>10} | {'hello run':>10}")
    out.append(h2)
    out.append("-" * len(h2))
    for e in shown:
        b = results["build"].get(e)
        if not b:
            out.append(f"{LABELS[e]:<10} | n/a")
            continue
        tr = f"{b['translate_s']:.3f}s" if b.get("translate_s") is not None \
            else "-"
        cc = f"{b['compile_s']:.2f}s" if b.get("compile_s") is not None \
            else "-"
        size = fmt_size(b["mean_size"]) if b.get("mean_size") else "-"
        hello = results["hello"].get(e, {})
        hs = fmt_size(hello["size"]) if hello.get("size") else "-"
        hr = f"{hello['median'] * 1000:.1f} ms" \
            if hello.get("median") is not None else "n/a"
        out.append(f"{LABELS[e]:<10} | {tr:>10} | {cc:>10} | {size:>10} | "
                   f"{hs:>10} | {hr:>10}")
    out.append("(w2c: translate = `w2c --emit=c`, C compile = the whole "
               "build minus that; wasm2c: translate = wasm2c,")
    out.append(" C compile = module + host + link, its runtime compiled "
               "once; node compiles at run time)")

    # per-benchmark build details
    out.append("")
    out.append("Per benchmark: translate / C compile seconds, "
               "executable size")
    h3 = f"{'benchmark':<{w}}" + "".join(
        f" | {LABELS[e]:>22}" for e in shown if e != "node")
    out.append(h3)
    out.append("-" * len(h3))
    for n in names:
        row = f"{n:<{w}}"
        for e in shown:
            if e == "node":
                continue
            v = builds[n].get(e)
            if isinstance(v, dict):
                tr = f"{v['translate_s']:.3f}/" if "translate_s" in v else ""
                txt = f"{tr}{v['compile_s']:.2f} {fmt_size(v['size'])}"
            else:
                txt = "n/a" if isinstance(v, NotAvailable) else "FAILED"
            row += f" | {txt:>22}"
        out.append(row)
    return "\n".join(out) + "\n"


def compare(new, old_path):
    old = json.loads(Path(old_path).read_text())
    out = [f"Compared with {old_path} ({old.get('date', '?')}, "
           f"commit {old.get('git', {}).get('commit', '?')[:12]}): "
           "ratio to native, old -> new (change)"]
    engines = [e for e in ENGINES if e != "native"]
    names = [n for n in new["benchmarks"] if n in old.get("benchmarks", {})]
    w = max([len(n) for n in names] + [9])
    header = f"{'benchmark':<{w}}" + "".join(
        f" | {LABELS[e]:>22}" for e in engines)
    out.append(header)
    out.append("-" * len(header))

    def cell(o, nw):
        if not o or not nw or o.get("status") != "ok" \
                or nw.get("status") != "ok":
            return "-"
        ch = (nw["ratio"] / o["ratio"] - 1) * 100
        return f"{o['ratio']:.2f}->{nw['ratio']:.2f} ({ch:+.1f}%)"

    for n in names:
        row = f"{n:<{w}}"
        for e in engines:
            row += " | " + f"{cell(old['benchmarks'][n].get(e), new['benchmarks'][n].get(e)):>22}"
        out.append(row)
    row = f"{'geomean':<{w}}"
    for e in engines:
        o = old.get("geomean", {}).get(e)
        nw = new["geomean"].get(e)
        row += " | " + f"{cell(o and dict(o, status='ok'), nw and dict(nw, status='ok')):>22}"
    out.append(row)
    out.append("(geomeans are over each run's own set of benchmarks)")
    native_old = [old["benchmarks"][n].get("native", {}).get("median")
                  for n in names]
    native_new = [new["benchmarks"][n].get("native", {}).get("median")
                  for n in names]
    pairs = [(a, b) for a, b in zip(native_old, native_new) if a and b]
    if pairs:
        g = geomean([b / a for a, b in pairs])
        out.append(f"native times changed by {(g - 1) * 100:+.1f}% "
                   "(geomean): machine noise shows here")
    return "\n".join(out) + "\n"


def machine_info():
    info = {"uname": " ".join(platform.uname()[i] for i in (0, 2, 4)),
            "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def git_info():
    def git(*args):
        r = subprocess.run(["git", "-C", str(ROOT), *args],
                           capture_output=True, text=True)
        return r
    try:
        head = git("rev-parse", "HEAD")
        dirty = git("diff", "--quiet", "HEAD")
    except OSError:
        return {"commit": "unknown"}
    return {"commit": head.stdout.strip() or "unknown",
            "dirty": dirty.returncode != 0}


# ---- main ------------------------------------------------------------------

def usage_error(msg):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_list(text, known, what):
    items = [ALIASES.get(x.strip(), x.strip()) for x in text.split(",")
             if x.strip()]
    bad = [x for x in items if x not in known]
    if bad:
        usage_error(f"unknown {what}: {', '.join(bad)} "
                 f"(known: {', '.join(known)})")
    return items


def main():
    all_names = sorted(p.stem for p in HERE.glob("*.c")
                       if p.stem not in NOT_BENCHMARKS)
    ap = argparse.ArgumentParser(
        description="Benchmark w2c against native, wasm2c and node.")
    ap.add_argument("--runs", type=int,
                    default=int(os.environ.get("RUNS") or 5),
                    help="runs per benchmark and engine (median; default 5)")
    ap.add_argument("--only", default=os.environ.get("ONLY") or "",
                    help="comma-separated benchmarks: " + ",".join(all_names))
    ap.add_argument("--engines", default=os.environ.get("ENGINES") or "",
                    help="comma-separated engines (native always runs): "
                    + ",".join(ENGINES))
    ap.add_argument("--hello-runs", type=int, default=25,
                    help="runs of hello.c per engine (default 25)")
    ap.add_argument("--compare", metavar="OLD.json",
                    help="print changes against an earlier results.json")
    args = ap.parse_args()
    if args.runs < 1 or args.hello_runs < 1:
        usage_error("--runs and --hello-runs must be at least 1")
    if args.compare and not Path(args.compare).is_file():
        usage_error(f"--compare: no such file {args.compare}")
    names = parse_list(args.only, all_names, "benchmark") if args.only \
        else all_names
    wanted = set(parse_list(args.engines, ENGINES, "engine")) \
        if args.engines else set(ENGINES)
    wanted.add("native")

    started = time.time()
    OUT.mkdir(parents=True, exist_ok=True)
    tools = Tools()
    avail = engine_availability(tools, wanted)
    if avail["native"]:
        sys.exit(f"run.py: cannot build natively: {avail['native']}")

    # hello first: it also fills w2c's runtime cache before any timing,
    # and tells whether w2c takes --bounds=guard at all
    hello_builds = build_all(tools, avail, ["hello"])
    for mode in ("guard", "check"):
        eng = f"w2c-{mode}"
        wasm = OUT / "wasm" / "hello.wasm"
        if avail[eng] is None and wasm.exists():
            reason = probe_w2c_mode(tools, wasm, mode)
            if reason:
                avail[eng] = reason
                hello_builds["hello"][eng] = NotAvailable(reason)
    builds = build_all(tools, avail, names)
    builds.update(hello_builds)
    failures = []
    for n in names + ["hello"]:
        for e, v in builds[n].items():
            if isinstance(v, BuildFailed):
                failures.append({"benchmark": n, "engine": e,
                                 "problem": str(v)})
    log(f"builds done in {time.time() - started:.0f}s")

    samples, broken = measure(builds, names, args.runs, failures,
                              "benchmark")
    log("hello-world start-up runs")
    hello_samples, hello_broken = measure(builds, ["hello"],
                                          args.hello_runs, failures, "hello")

    results = {
        "date": datetime.datetime.now().astimezone().isoformat(
            timespec="seconds"),
        "machine": machine_info(),
        "git": git_info(),
        "versions": tools.versions(),
        "flags": {"native": f"{tools.cc} -O2 -lm",
                  "wasm": f"clang --target=wasm32-wasi "
                          f"--sysroot={tools.sysroot} -O2 -lm "
                          f"(-msimd128 for {','.join(sorted(SIMD_PROGRAMS))})",
                  "w2c": f"w2c --bounds=MODE --cc={tools.cc} -O2",
                  "wasm2c": f"wasm2c -n bench; {tools.cc} -O2, "
                            "wasm-rt-impl.c with its defaults"},
        "runs": args.runs,
        "hello_runs": args.hello_runs,
        "engines": {e: {"reason": avail[e]} for e in ENGINES},
        "benchmarks": {},
        "geomean": {},
        "geomean_count": {},
        "build": {},
        "hello": {},
        "failures": failures,
    }
    for n in names:
        row = {}
        native = samples[n].get("native")
        nmed = statistics.median(native) if native else None
        for e in ENGINES:
            b = builds[n].get(e)
            r = {}
            if isinstance(b, NotAvailable):
                r = {"status": "n/a", "reason": str(b)}
            elif isinstance(b, BuildFailed):
                r = {"status": "build failed", "reason": str(b)}
            elif b is None:
                r = {"status": "n/a", "reason": "wasm build failed"
                     if e != "native" else "native build failed"}
            elif (n, e) in broken:
                prob = [f["problem"] for f in failures
                        if f["benchmark"] == n and f["engine"] == e]
                r = {"status": "failed", "reason": prob[0] if prob else ""}
            elif samples[n].get(e):
                med = statistics.median(samples[n][e])
                r = {"status": "ok", "median": med,
                     "samples": samples[n][e],
                     "ratio": med / nmed if nmed else None}
            else:
                r = {"status": "n/a", "reason": "native reference missing"}
            if isinstance(b, dict):
                r.update({k: v for k, v in b.items() if k != "cmd"})
            if r.get("status") == "ok" and r["ratio"] is None:
                r["status"] = "n/a"
                r["reason"] = "no native time to compare with"
            row[e] = r
        results["benchmarks"][n] = row
    for e in ENGINES:
        ratios = [results["benchmarks"][n][e]["ratio"] for n in names
                  if results["benchmarks"][n][e].get("status") == "ok"]
        if ratios:
            results["geomean"][e] = {"ratio": geomean(ratios)}
            results["geomean_count"][e] = len(ratios)
        infos = [builds[n][e] for n in names
                 if isinstance(builds[n].get(e), dict)]
        if infos:
            results["build"][e] = {
                "translate_s": sum(i["translate_s"] for i in infos)
                if all("translate_s" in i for i in infos) else None,
                "compile_s": sum(i["compile_s"] for i in infos)
                if all("compile_s" in i for i in infos) else None,
                "mean_size": sum(i["size"] for i in infos) / len(infos),
            }
        hb = builds["hello"].get(e)
        if isinstance(hb, dict):
            h = {"size": hb["size"]}
            if hello_samples["hello"].get(e) and \
                    ("hello", e) not in hello_broken:
                h["samples"] = hello_samples["hello"][e]
                h["median"] = statistics.median(h["samples"])
            for k in ("translate_s", "compile_s"):
                if k in hb:
                    h[k] = hb[k]
            results["hello"][e] = h
    results["elapsed_s"] = time.time() - started

    shown = [e for e in ENGINES if e in wanted]
    text = report(results, builds, shown)
    head = (f"w2c benchmarks, {results['date']}, commit "
            f"{results['git']['commit'][:12]}"
            f"{' (dirty)' if results['git'].get('dirty') else ''}\n"
            f"machine: {results['machine'].get('cpu', '?')}, "
            f"{results['machine']['cpus']} cpus, "
            f"{results['machine']['uname']}\n"
            + "".join(f"{k}: {v}\n" for k, v in results["versions"].items())
            + "\n")
    text = head + text
    if failures:
        text += f"\n{len(failures)} FAILURE(S):\n" + "".join(
            f"  {f['benchmark']} / {LABELS[f['engine']]}: "
            f"{f['problem'].splitlines()[0]}\n" for f in failures)
    text += f"\n(make bench took {results['elapsed_s']:.0f}s)\n"
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (OUT / "results.txt").write_text(text)
    print(text, end="")
    if args.compare:
        print()
        print(compare(results, args.compare), end="")
    print(f"results: {OUT / 'results.txt'}, {OUT / 'results.json'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
