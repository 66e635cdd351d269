"""Capability grants of generated executables: the build-time options
(--dir, --env, --pass-env, --listen), the run-time W2C_* variables, how they
combine, the README's file-processing example, and how a grant that cannot
be honoured stops the program before the guest runs.  The escape attempts
themselves are in test_sandbox.py."""
import os
import socket
import subprocess
import time

import pytest

from conftest import TEST, clang_wasm, run, w2c

ENV_PROGRAM = r"""
#include <stdio.h>
extern char **environ;
int main(void)
{
    for (char **e = environ; *e != NULL; e++)
        printf("%s\n", *e);
    return 0;
}
"""


def host_env(**extra):
    """A small host environment plus extra; the guest must see none of it
    unless granted."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": "/root", "SECRET_TOKEN": "hunter2"}
    env.update(extra)
    return env


def build(tmp_path, name, source, *flags):
    src = tmp_path / (name + ".c")
    src.write_text(source)
    wasm = clang_wasm(src, tmp_path / (name + ".wasm"))
    exe = tmp_path / name
    r = w2c(wasm, "-O1", "-o", exe, *flags, text=True)
    assert r.returncode == 0, r.stderr
    return exe


def test_grants_need_an_executable(tmp_path):
    hello = TEST / "demo" / "hello.wasm"
    for flag in ("--dir=/tmp", "--env=A=1", "--pass-env=HOME",
                 "--listen=127.0.0.1:0"):
        r = w2c(hello, "--emit=c", flag, "-o", tmp_path / "x.c", text=True)
        assert r.returncode == 2, r.stderr
        assert "do not apply to --emit=c" in r.stderr, r.stderr
        assert not (tmp_path / "x.c").exists()


def test_environment_grants_combine(tmp_path):
    exe = build(tmp_path, "env", ENV_PROGRAM, "--env=A=build",
                "--env=B=build", "--pass-env=FROM_HOST",
                "--pass-env=UNSET_ON_HOST")
    r = run([exe], env=host_env(FROM_HOST="host value", W2C_ENV_B="run",
                                W2C_ENV_C="x=y\nz",
                                W2C_PASS_ENV="HOME;ALSO_UNSET"),
            text=True)
    assert r.returncode == 0, r.stderr
    # Build-time first, a run-time grant of the same name replaces it;
    # nothing ungranted (SECRET_TOKEN, PATH, the W2C_* variables) leaks.
    assert r.stdout.split("\n")[:-1] == [
        "A=build", "B=run", "FROM_HOST=host value", "C=x=y", "z",
        "HOME=/root"], r.stdout


def test_env_values_may_be_empty_or_hold_equals(tmp_path):
    exe = build(tmp_path, "env", ENV_PROGRAM, "--env=A=", "--env=B=b=c")
    r = run([exe], env=host_env(), text=True)
    assert r.returncode == 0 and r.stdout == "A=\nB=b=c\n", r.stderr


def test_no_grants_no_environment(tmp_path):
    exe = build(tmp_path, "env", ENV_PROGRAM)
    r = run([exe], env=host_env(), text=True)
    assert r.returncode == 0 and r.stdout == "", (r.stdout, r.stderr)


@pytest.mark.parametrize("var,value,message", [
    ("W2C_DIR", "{tmp}/missing", "W2C_DIR: cannot open directory"),
    ("W2C_DIR", "{tmp}/file::/f", "W2C_DIR: "),
    ("W2C_DIR", "::/x", "W2C_DIR: empty directory name"),
    ("W2C_ENV_", "x", "W2C_ENV_"),
    ("W2C_PASS_ENV", "A=B", "W2C_PASS_ENV: "),
    ("W2C_LISTEN", "nonsense", "W2C_LISTEN: "),
    ("W2C_LISTEN", "127.0.0.1:{busy}", "W2C_LISTEN: "),
])
def test_bad_runtime_grant_stops_before_the_guest(tmp_path, var, value,
                                                  message):
    exe = build(tmp_path, "env", ENV_PROGRAM, "--env=RAN=yes")
    (tmp_path / "file").write_text("not a directory\n")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    value = value.format(tmp=tmp_path, busy=busy.getsockname()[1])
    try:
        r = run([exe], env=host_env(**{var: value}), text=True)
    finally:
        busy.close()
    assert r.returncode == 78, (r.returncode, r.stderr)
    assert r.stdout == "", "the guest ran: " + r.stdout
    assert message in r.stderr, r.stderr
    assert r.stderr.startswith(str(exe) + ": "), r.stderr


def test_bad_build_time_dir_names_the_option(tmp_path):
    exe = build(tmp_path, "env", ENV_PROGRAM, "--dir=/nonexistent/w2c::/d")
    r = run([exe], env=host_env(), text=True)
    assert r.returncode == 78, r.stderr
    assert "--dir: cannot open directory '/nonexistent/w2c'" in r.stderr


def test_readme_file_processing_example(tmp_path):
    """The README's example, as written there: one granted directory."""
    wasm = clang_wasm(TEST / "demo" / "tally.c", tmp_path / "tally.wasm")
    r = w2c(wasm, "-o", tmp_path / "tally", "--dir=./notes::/notes",
            text=True)
    assert r.returncode == 0, r.stderr
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("one two\nthree\n")
    (notes / "b.txt").write_text("x" * 1000)
    (tmp_path / "secret.txt").write_text("outside\n")
    r = run(["./tally", "/notes"], cwd=tmp_path, env=host_env(), text=True)
    assert r.returncode == 0, r.stderr
    table = ("     2      3       14 a.txt\n"
             "     0      1     1000 b.txt\n")
    assert r.stdout == table
    assert (notes / "summary.txt").read_text() == table
    # Not granted: refused, and nothing is written there.
    etc = run(["./tally", "/etc"], cwd=tmp_path, env=host_env(), text=True)
    assert etc.returncode == 1
    assert etc.stderr == "tally: /etc: Capabilities insufficient\n"
    up = run(["./tally", "/notes/.."], cwd=tmp_path, env=host_env(),
             text=True)
    assert up.returncode == 1 and "Capabilities insufficient" in up.stderr
    assert not (tmp_path / "summary.txt").exists()
    # The same directory granted at run time instead, under another name.
    (notes / "summary.txt").unlink()
    r = run(["./tally", "/logs"], cwd=tmp_path,
            env=host_env(W2C_DIR=f"{notes}::/logs"), text=True)
    assert r.returncode == 0 and r.stdout == table, r.stderr


PEER_GONE_PROGRAM = r"""
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
    static char buf[65536];
    int c = accept(3, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    while (read(c, buf, sizeof buf) > 0)
        ;
    /* The peer is gone: write() on the socket must fail, not kill us. */
    for (int i = 0; i < 1000; i++)
        if (write(c, buf, sizeof buf) < 0) {
            printf("%s\n", errno == EPIPE ? "EPIPE"
                           : errno == ECONNRESET ? "ECONNRESET"
                           : strerror(errno));
            return 0;
        }
    printf("writes kept succeeding\n");
    return 1;
}
"""


def test_fd_write_to_a_closed_socket_is_an_error_not_a_signal(tmp_path):
    exe = build(tmp_path, "peer", PEER_GONE_PROGRAM)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    p = subprocess.Popen([exe], env=host_env(W2C_LISTEN=f"127.0.0.1:{port}"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        for _ in range(200):
            try:
                conn = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        else:
            raise AssertionError("the guest never listened")
        conn.close()
        out, err = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 0, (p.returncode, out, err)
    assert out in ("EPIPE\n", "ECONNRESET\n"), out
