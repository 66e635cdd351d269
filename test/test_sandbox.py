"""Sandbox tests: what a w2c executable can reach, and granted sockets.

The programs are in test/sandbox/ (C for wasm32-wasi, built with clang and
translated by w2c):

  escape.c   tries to leave its one preopened directory (through "..",
             absolute paths, symlinks made by the harness or by itself,
             hard links and renames), to use descriptors it was never given,
             and to make the runtime touch memory outside the linear memory
             (pointers and lengths past its end or wrapping around 4 GiB).
             It prints one line per attempt; every attempt must be refused
             with the errno it names, controls doing the same inside the
             sandbox must work, and nothing in the tree around the sandbox
             may change (compared by a snapshot of paths, types, modes,
             sizes, contents, mtimes and link targets).  Its stdin is a
             read-only file beside the sandbox, which it must not change
             either (timestamps, or the status flags of the open file
             description it shares with the harness).
  envdump.c  prints the guest's environment: only what was granted, never
             the host's variables nor the W2C_* grants themselves.
  grants.c   shows preopens, files and environment granted at build time.
  echo.c     a TCP echo server on a socket granted with W2C_LISTEN or
             --listen; the test is its client.

Run-time grants are environment variables read by the executable (see
wasi-rt/wasi.h): W2C_DIR=HOST[::GUEST], W2C_ENV_<NAME>=VALUE,
W2C_PASS_ENV=NAME, W2C_LISTEN=ADDR:PORT.  Build-time grants are w2c's
--dir, --env, --pass-env and --listen.

All builds start at once on a thread pool when the first test asks for
one; each run has a time limit.
"""
import concurrent.futures
import fcntl
import os
import random
import re
import socket
import stat
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

import conftest
from conftest import TEST, clang_wasm, have_wasm_clang, run, w2c

SANDBOX_SRC = TEST / "sandbox"
RUN_TIMEOUT = 60
BUILD_TIMEOUT = 300

# WASI errno names, for messages
ERRNO_NAMES = {
    0: "SUCCESS", 2: "ACCES", 8: "BADF", 20: "EXIST", 21: "FAULT",
    28: "INVAL", 29: "IO", 31: "ISDIR", 32: "LOOP", 44: "NOENT",
    52: "NOSYS", 54: "NOTDIR", 55: "NOTEMPTY", 57: "NOTSOCK", 58: "NOTSUP",
    63: "PERM", 76: "NOTCAPABLE",
}

# The host environment every run starts from: host variables the guest
# must not see unless granted, and none of the pytest process's W2C_*.
HOST_HOME = "/home/w2c-sandbox-test"
SECRET = "hunter2"


def host_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": HOST_HOME, "SECRET_TOKEN": SECRET, "LANG": "C"}
    env.update(extra)
    return env


def errno_name(e):
    return f"{e} ({ERRNO_NAMES.get(e, '?')})"


def free_port():
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- builds ----------------------------------------------------------------

class Builds:
    """Each program built once with clang and each (program, w2c options)
    translated once; everything starts on a pool straight away."""

    def __init__(self, root):
        self.root = root
        self.data_dir = root / "build-time-data"
        self.data_dir.mkdir()
        (self.data_dir / "hello.txt").write_text("hello from /data\n")
        self.listen_port = free_port()
        # two pools: a translation waits for its clang build, which must
        # never queue behind translations
        workers = max(2, os.cpu_count() or 2)
        self.clang_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="sandbox-clang")
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="sandbox-w2c")
        self.lock = threading.Lock()
        self.wasm_jobs = {}
        self.exe_jobs = {}
        # the escape suite runs as users get it (w2c's default -O2); the
        # rest test grants, the same at any level, and build faster at -O0
        self.variants = {
            "escape": ("escape", []),
            "envdump": ("envdump", ["-O0", "--env=BUILT=1"]),
            "grants": ("grants", ["-O0", f"--dir={self.data_dir}::/data",
                                  "--env=A=1"]),
            "echo": ("echo", ["-O0"]),
            "echo-listen": ("echo", ["-O0", "--listen=127.0.0.1:"
                                     f"{self.listen_port}"]),
        }
        if have_wasm_clang():
            for v in self.variants:
                self._exe_job(v)

    def _wasm_job(self, prog):
        with self.lock:
            if prog not in self.wasm_jobs:
                self.wasm_jobs[prog] = self.clang_pool.submit(
                    clang_wasm, SANDBOX_SRC / f"{prog}.c",
                    self.root / f"{prog}.wasm", "-O2",
                    ["-Wall", "-Wextra", "-Werror"])
            return self.wasm_jobs[prog]

    def _translate(self, variant):
        prog, flags = self.variants[variant]
        wasm = self._wasm_job(prog).result()
        exe = self.root / variant
        r = w2c(*flags, wasm, "-o", exe, timeout=BUILD_TIMEOUT)
        if r.returncode != 0:
            raise AssertionError(
                f"w2c {' '.join(flags)} {prog}.wasm exited {r.returncode}:\n"
                + r.stderr.decode(errors="replace")[-4000:])
        return exe

    def _exe_job(self, variant):
        with self.lock:
            if variant not in self.exe_jobs:
                self.exe_jobs[variant] = self.pool.submit(self._translate,
                                                          variant)
            return self.exe_jobs[variant]

    def exe(self, variant):
        conftest.require_wasm_clang()
        try:
            return self._exe_job(variant).result()
        except AssertionError as e:
            pytest.fail(str(e), pytrace=False)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.clang_pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def builds(w2c_bin, tmp_path_factory):
    b = Builds(tmp_path_factory.mktemp("sandbox-build"))
    yield b
    b.close()


def run_exe(exe, args=(), env=None, cwd=None, timeout=RUN_TIMEOUT,
            stdin=subprocess.DEVNULL):
    try:
        return run([exe, *args], env=env, cwd=cwd, timeout=timeout,
                   stdin=stdin, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"{Path(exe).name} did not finish within {timeout} s",
                    pytrace=False)


# ---- the escape suite ------------------------------------------------------

def make_tree(base):
    """The tree around the sandbox; returns (root, sandbox)."""
    root = base / "tree"
    out = root / "outside"
    sb = root / "sandbox"
    (out / "subdir").mkdir(parents=True)
    (out / "secret").write_text("TOP SECRET\n")
    (out / "subdir" / "keep").write_text("keep me\n")
    os.symlink("secret", out / "olink")
    (root / "landing").mkdir()
    (root / "rootfile").write_text("beside the sandbox\n")
    (sb / "sub" / "deep").mkdir(parents=True)
    (sb / "a").mkdir()
    (sb / "file").write_text("inside\n")
    (sb / "scratch").write_text("scratch\n")
    (sb / "sub" / "subfile").write_text("in sub\n")
    links = {
        "abs_secret_link": out / "secret",
        "abs_outside_link": out,
        "rel_secret_link": "../outside/secret",
        "dirlink": "../outside",
        "link1": "link2",
        "link2": "../outside",
        "dangling_out": "../outside/newfile",
        "sub/up_link": "../../outside",
        "self_parent": "..",
        "etc_link": "/etc",
        "sub/inner": "../file",
    }
    for name, target in links.items():
        os.symlink(str(target), sb / name)
    # old timestamps, so that a change within the same clock tick as the
    # setup still shows in the snapshot
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            os.utime(os.path.join(dirpath, n), ns=(10**18, 10**18),
                     follow_symlinks=False)
    os.utime(root, ns=(10**18, 10**18))
    return root, sb


def snapshot(root, skip):
    """Everything about the tree under root except below skip: for each
    path its type, mode, size, mtime and contents or link target."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        for n in sorted(dirnames + filenames):
            p = d / n
            rel = str(p.relative_to(root))
            if p == skip:
                snap[rel] = ("sandbox", stat.S_IFMT(os.lstat(p).st_mode))
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                what = os.readlink(p)
            elif stat.S_ISREG(st.st_mode):
                what = p.read_bytes()
            else:
                what = None
            snap[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode),
                         st.st_size if not stat.S_ISDIR(st.st_mode) else 0,
                         st.st_mtime_ns, st.st_nlink, what)
        if d == root:
            st = os.lstat(root)
            snap["."] = (stat.S_IMODE(st.st_mode), st.st_mtime_ns)
        dirnames[:] = [n for n in dirnames if d / n != skip]
    return snap


ATTEMPT = re.compile(r"^(\S+) (?:refused (\d+)|(ALLOWED)) want ([\d,]+)"
                     r"(?: (.*))?$")
CONTROL = re.compile(r"^control (\S+) (?:(ok)|FAILED (\d+))$")


class EscapeRun:
    def __init__(self, r, before, after, never, passwd_before):
        self.r = r
        self.before = before
        self.after = after
        self.never = never
        self.passwd_before = passwd_before
        self.attempts = []      # (name, errno or 0, wanted, note)
        self.controls = []      # (name, errno or 0)
        self.done = None
        self.other = []
        for line in r.stdout.splitlines():
            m = ATTEMPT.match(line)
            c = CONTROL.match(line)
            if c:
                self.controls.append(
                    (c.group(1), 0 if c.group(2) else int(c.group(3))))
            elif m:
                err = 0 if m.group(3) else int(m.group(2))
                want = [int(w) for w in m.group(4).split(",")]
                self.attempts.append((m.group(1), err, want, m.group(5)))
            elif line.startswith("done "):
                self.done = int(line.split()[1])
            else:
                self.other.append(line)

    def tail(self):
        lines = self.r.stdout.splitlines()[-5:]
        return ("last lines of stdout:\n  " + "\n  ".join(lines) +
                "\nstderr:\n  " +
                "\n  ".join(self.r.stderr.splitlines()[-10:]))


@pytest.fixture(scope="module")
def escape_run(builds, tmp_path_factory):
    """Run escape once with the tree's sandbox as its only directory."""
    exe = builds.exe("escape")
    base = tmp_path_factory.mktemp("escape")
    root, sb = make_tree(base)
    # a host path an absolute rename would create: not under root, so
    # checked on its own
    never = Path("/tmp") / f"w2c-escape-never-{uuid.uuid4().hex}"
    passwd = Path("/etc/passwd")
    passwd_before = passwd.read_bytes() if passwd.exists() else None
    before = snapshot(root, sb)
    env = host_env(W2C_DIR=f"{sb}::/", W2C_ENV_GRANTED="1",
                   W2C_CACHE_DIR="/nonexistent-w2c-cache")
    # stdin: a read-only descriptor on a file beside the sandbox, whose
    # open file description the guest shares with this process
    stdin_fd = os.open(root / "rootfile", os.O_RDONLY)
    try:
        stdin_flags = fcntl.fcntl(stdin_fd, fcntl.F_GETFL)
        r = run_exe(exe, [root, never], env=env, cwd=base, stdin=stdin_fd)
        stdin_flags_after = fcntl.fcntl(stdin_fd, fcntl.F_GETFL)
    finally:
        os.close(stdin_fd)
    after = snapshot(root, sb)
    er = EscapeRun(r, before, after, never, passwd_before)
    er.stdin_flags = (stdin_flags, stdin_flags_after)
    return er


def test_escape_survives(escape_run):
    """The program ran every attempt and exited 0: no trap, no crash."""
    er = escape_run
    assert not [line for line in er.other if "FAILED" in line], \
        "setup failed:\n" + "\n".join(er.other)
    assert er.done is not None, \
        "escape did not reach its end (killed, trapped or crashed); " + \
        f"exit status {er.r.returncode}\n" + er.tail()
    assert er.done == len(er.attempts), \
        f"escape counted {er.done} attempts, printed {len(er.attempts)}"
    assert er.r.returncode == 0, \
        f"escape exited {er.r.returncode}\n" + er.tail()
    assert len(er.attempts) > 200


def test_escape_controls(escape_run):
    """The same operations inside the sandbox work, so the refusals are
    about leaving it (not a broken preopen or missing rights)."""
    failed = [f"{n}: errno {errno_name(e)}"
              for n, e in escape_run.controls if e != 0]
    assert escape_run.controls, "no control ran\n" + escape_run.tail()
    assert not failed, "operations inside the sandbox failed:\n  " + \
        "\n  ".join(failed)


def test_escape_attempts_refused(escape_run):
    """No attempt got through."""
    allowed = [f"{n}{' (' + note + ')' if note else ''}"
               for n, e, _, note in escape_run.attempts if e == 0]
    assert escape_run.attempts, "no attempt ran\n" + escape_run.tail()
    assert not allowed, f"{len(allowed)} attempts got through:\n  " + \
        "\n  ".join(allowed)


def test_escape_errnos(escape_run):
    """Every refusal gives the errno the attempt expects: ENOTCAPABLE
    for leaving the sandbox, EBADF for descriptors never granted, EFAULT
    for memory outside the linear memory."""
    wrong = [f"{n}: errno {errno_name(e)}, expected " +
             " or ".join(errno_name(w) for w in want) +
             (f" ({note})" if note else "")
             for n, e, want, note in escape_run.attempts
             if e != 0 and e not in want]
    assert not wrong, f"{len(wrong)} attempts refused with another " \
        "errno:\n  " + "\n  ".join(wrong)


def test_escape_nothing_outside_changed(escape_run):
    """The tree around the sandbox is exactly as it was, /etc/passwd too,
    and the absolute path a rename aimed at does not exist."""
    er = escape_run
    problems = []
    for p in sorted(set(er.before) | set(er.after)):
        b, a = er.before.get(p), er.after.get(p)
        if b is None:
            problems.append(f"{p}: appeared {a}")
        elif a is None:
            problems.append(f"{p}: disappeared (was {b})")
        elif a != b:
            problems.append(f"{p}: was {b}, now {a}")
    if os.path.lexists(er.never):
        problems.append(f"{er.never} was created")
        os.remove(er.never)
    passwd = Path("/etc/passwd")
    if er.passwd_before is not None and passwd.read_bytes() != \
            er.passwd_before:
        problems.append("/etc/passwd changed")
    assert not problems, "outside the sandbox:\n  " + "\n  ".join(problems)


def test_escape_host_stdin_flags_unchanged(escape_run):
    """The guest set O_NONBLOCK and O_APPEND on its standard input (a
    descriptor it inherited): once it has exited, the open file description
    it shared with its parent has the status flags it had before."""
    before, after = escape_run.stdin_flags
    assert after == before, \
        f"stdin status flags were {before:#o}, are {after:#o} after the " \
        "guest exited"


# ---- the environment -------------------------------------------------------

def env_lines(out, prefix):
    return [line[len(prefix):] for line in out.splitlines()
            if line.startswith(prefix)]


GETENV_NAMES = ["SECRET_TOKEN", "HOME", "PATH", "LANG", "W2C_DIR",
                "W2C_ENV_ALLOWED", "W2C_PASS_ENV", "W2C_CACHE_DIR",
                "ALLOWED", "BUILT", "PASSED"]


def check_environment(r, want):
    """The guest saw exactly the variables in want (a dict)."""
    assert r.returncode == 0, \
        f"envdump exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
    got = env_lines(r.stdout, "environ ")
    want_lines = sorted(f"{k}={v}" for k, v in want.items())
    assert sorted(got) == want_lines, \
        f"guest environment {got}, expected exactly {want_lines}"
    count, size = (int(x) for x in env_lines(r.stdout, "sizes ")[0].split())
    assert (count, size) == (len(want_lines),
                             sum(len(x) + 1 for x in want_lines)), \
        f"environ_sizes_get gave {count}, {size}"
    getenv = dict(line.split(" ", 1) for line in
                  env_lines(r.stdout, "getenv "))
    for name in GETENV_NAMES:
        expect = want.get(name, "(unset)")
        assert getenv.get(name) == expect, \
            f"getenv({name}) = {getenv.get(name)!r}, expected {expect!r}"
    assert SECRET not in r.stdout and HOST_HOME not in r.stdout


def test_environment_only_grants(builds, tmp_path):
    """Host variables stay hidden; W2C_ENV_*, W2C_PASS_ENV and the
    build-time --env are what the guest sees, and the W2C_* variables
    themselves are never visible."""
    exe = builds.exe("envdump")
    (tmp_path / "d").mkdir()
    env = host_env(W2C_ENV_ALLOWED="yes", W2C_PASS_ENV="PASSED",
                   PASSED="through", W2C_DIR=f"{tmp_path / 'd'}::/d",
                   W2C_CACHE_DIR="/nonexistent-w2c-cache")
    r = run_exe(exe, GETENV_NAMES, env=env)
    check_environment(r, {"ALLOWED": "yes", "BUILT": "1",
                          "PASSED": "through"})


def test_environment_default_deny(builds):
    """No run-time grant: only the build-time --env; passing a host
    variable that is not set adds nothing."""
    exe = builds.exe("envdump")
    r = run_exe(exe, GETENV_NAMES,
                env=host_env(W2C_PASS_ENV="W2C_TEST_UNSET_VARIABLE"))
    check_environment(r, {"BUILT": "1"})


def test_environment_values_untouched(builds):
    """Granted values reach the guest byte for byte (spaces, '=',
    quotes), and a run-time grant replaces the build-time one."""
    exe = builds.exe("envdump")
    value = "a b=c \"d\" 'e' $f"
    r = run_exe(exe, GETENV_NAMES,
                env=host_env(W2C_ENV_ALLOWED=value, W2C_ENV_BUILT="2"))
    check_environment(r, {"ALLOWED": value, "BUILT": "2"})


# ---- build-time grants and bad grants --------------------------------------

def test_build_time_grants(builds):
    """w2c --dir=HOST::/data --env=A=1: the executable has them with no
    W2C_* variable set."""
    exe = builds.exe("grants")
    r = run_exe(exe, ["/data/hello.txt"], env=host_env())
    assert r.returncode == 0, f"grants exited {r.returncode}:\n{r.stderr}"
    assert env_lines(r.stdout, "preopen ") == ["3 /data"], r.stdout
    assert env_lines(r.stdout, "file ") == \
        ["/data/hello.txt: hello from /data"], r.stdout
    assert env_lines(r.stdout, "environ ") == ["A=1"], r.stdout


def test_build_time_and_run_time_grants(builds, tmp_path):
    """Run-time directories come after the build-time ones."""
    exe = builds.exe("grants")
    (tmp_path / "m.txt").write_text("more\n")
    r = run_exe(exe, ["/data/hello.txt", "/more/m.txt"],
                env=host_env(W2C_DIR=f"{tmp_path}::/more"))
    assert r.returncode == 0, f"grants exited {r.returncode}:\n{r.stderr}"
    assert env_lines(r.stdout, "preopen ") == ["3 /data", "4 /more"], \
        r.stdout
    assert env_lines(r.stdout, "file ") == \
        ["/data/hello.txt: hello from /data", "/more/m.txt: more"], r.stdout


@pytest.mark.parametrize("var,value", [
    ("W2C_DIR", "/nonexistent/w2c-no-such-dir"),
    ("W2C_DIR", "FILE"),
    ("W2C_LISTEN", "not-an-address"),
])
def test_bad_grant(builds, tmp_path, var, value):
    """A grant that cannot be honoured stops the executable before the
    guest runs, with a message naming the variable."""
    exe = builds.exe("envdump")
    if value == "FILE":
        value = str(tmp_path / "plain-file")
        Path(value).write_text("not a directory\n")
    r = run_exe(exe, env=host_env(**{var: value}))
    assert r.returncode != 0, f"{var}={value}: exited 0\n{r.stdout}"
    assert "started" not in r.stdout, \
        f"{var}={value}: the guest ran:\n{r.stdout}"
    assert var in r.stderr, \
        f"{var}={value}: the message does not name {var}:\n{r.stderr}"
    assert len(r.stderr.strip().splitlines()) <= 3, \
        f"{var}={value}: expected a short message:\n{r.stderr}"


# ---- the echo server -------------------------------------------------------

def connect(port, proc, deadline=10.0):
    """Connect to the server, retrying while it starts."""
    end = time.monotonic() + deadline
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except (ConnectionRefusedError, ConnectionResetError):
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"echo server exited {proc.returncode} "
                            f"before accepting:\n{out}\n{err}",
                            pytrace=False)
            if time.monotonic() > end:
                pytest.fail(f"nothing listens on 127.0.0.1:{port} after "
                            f"{deadline} s", pytrace=False)
            time.sleep(0.05)


def echo(sock, data):
    """Send data while reading the echo (a concurrent sender, so that
    neither side blocks on a full buffer); returns what came back."""
    err = []

    def sender():
        try:
            sock.sendall(data)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=sender)
    t.start()
    got = bytearray()
    while len(got) < len(data):
        chunk = sock.recv(min(1 << 20, len(data) - len(got)))
        if not chunk:
            break
        got += chunk
    t.join()
    assert not err, f"sending {len(data)} bytes: {err[0]}"
    return bytes(got)


def exercise_echo(exe, port, env):
    rng = random.Random(1234)
    messages = [b"hello\n", b"x", bytes(range(256)) * 40,
                bytes(rng.getrandbits(8) for _ in range(65536 + 7))]
    big = rng.randbytes(1 << 20)
    proc = subprocess.Popen([str(exe), "2"], env=env, text=True,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with connect(port, proc) as s:
            for m in messages:
                got = echo(s, m)
                assert got == m, \
                    f"sent {len(m)} bytes, got {len(got)} back (differ)"
        with connect(port, proc) as s:
            got = echo(s, big)
            assert got == big, f"sent 1 MiB, got {len(got)} bytes back"
            got = echo(s, b"after the big one")
            assert got == b"after the big one"
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, \
        f"echo server exited {proc.returncode}:\n{out}\n{err}"
    assert "served 2" in out, out


def test_echo_server_run_time_listen(builds):
    """W2C_LISTEN=127.0.0.1:PORT grants a listening socket."""
    exe = builds.exe("echo")
    port = free_port()
    exercise_echo(exe, port, host_env(W2C_LISTEN=f"127.0.0.1:{port}"))


def test_echo_server_build_time_listen(builds):
    """w2c --listen=127.0.0.1:PORT bakes the socket into the executable."""
    exe = builds.exe("echo-listen")
    exercise_echo(exe, builds.listen_port, host_env())


def test_no_listen_grant_no_socket(builds):
    """Without a grant there is no socket: sock_accept on fd 3 gives
    EBADF."""
    exe = builds.exe("echo")
    r = run_exe(exe, ["1"], env=host_env(), timeout=30)
    assert r.returncode == 3, \
        f"echo exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
    assert "no listening socket: sock_accept(3) errno 8" in r.stdout, \
        r.stdout
