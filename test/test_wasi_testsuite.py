"""The official wasi-testsuite (WASI preview1 programs in AssemblyScript, C
and Rust), each built by w2c and run as the suite's FORMAT.md says.

The suite is $W2C_WASI_TESTSUITE, else ../shared/wasi-testsuite beside the
repository; when it is missing the tests fail (skip with
W2C_ALLOW_MISSING_TOOLS=1).  One test per program, with the id
"<language>/<name>"; test/wasi_testsuite.py does the work (and runs the
suite on its own too).  A spec this runner does not fully understand fails
its test rather than being half-applied.

All builds and runs are started up front on a pool of worker threads (one
per core) so the whole file takes a few minutes; each test then waits for
its own result.  Every build and run has a time limit.

With W2C_TEST_TARGET=TRIPLE (conftest.py) every program is built for that
cross target and runs under qemu-user.
"""
import concurrent.futures
import os

import pytest

import conftest
import wasi_testsuite as wt

ROOT_DIR, DEFAULT_CORPUS = wt.suite_root()
try:
    SUITES = wt.discover(ROOT_DIR)
    DISCOVERY_ERROR = None
except wt.SuiteError as e:
    SUITES = []
    DISCOVERY_ERROR = str(e)
CASES = {c.id: c for s in SUITES for c in s.cases}


def test_wasi_testsuite_found():
    """The corpus is there and complete: every suite has tests, and the
    default corpus has all of its 72."""
    if DISCOVERY_ERROR:
        conftest.missing_tool("the wasi-testsuite", DISCOVERY_ERROR +
                              "; test/deps.sh does not fetch it")
    assert SUITES, f"no {wt.SUITE_GLOB} directory under {ROOT_DIR}"
    empty = [str(s.path) for s in SUITES if not s.cases]
    assert not empty, "suites without any .wasm test: " + ", ".join(empty)
    if DEFAULT_CORPUS:
        assert len(CASES) >= wt.EXPECTED_TESTS, \
            f"{len(CASES)} tests under {ROOT_DIR}, expected " \
            f"{wt.EXPECTED_TESTS}: " + ", ".join(
                f"{s.language}: {len(s.cases)}" for s in SUITES)


class Runner:
    """Each test's build and run, done once on the pool (or by the test
    itself when it was not submitted); remembers the failure message."""

    def __init__(self, w2c, root, flags, target=None):
        self.w2c = w2c
        self.root = root
        self.flags = flags
        self.target = target
        self.futures = {}

    def job(self, case):
        try:
            wt.build_and_run(self.w2c, case, self.root / case.id,
                             wt.DEFAULT_OPT, self.flags, self.target)
            return None
        except wt.Failure as e:
            return str(e)

    def submit(self, pool, case):
        self.futures[case.id] = pool.submit(self.job, case)

    def result(self, case):
        f = self.futures.get(case.id)
        return f.result() if f is not None else self.job(case)


@pytest.fixture(scope="module")
def runner(request, tmp_path_factory):
    """The shared runner; starts every selected test's build and run on a
    thread pool straight away, in test order."""
    r = Runner(conftest.W2C, tmp_path_factory.mktemp("wasi-testsuite"),
               conftest.EXTRA_FLAGS, conftest.TEST_TARGET)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, os.cpu_count() or 1),
        thread_name_prefix="wasi-testsuite")
    # under pytest-xdist every worker sees all items but runs only some:
    # there each test does its own work
    items = [] if hasattr(request.config, "workerinput") else \
        request.session.items
    if conftest.W2C.exists() and (
            conftest.TEST_TARGET is None or
            not conftest.targets.missing_tools(conftest.TEST_TARGET)):
        for item in items:
            if item.module is request.module and \
                    item.originalname == "test_wasi" and \
                    hasattr(item, "callspec"):
                case = CASES[item.callspec.params["case_id"]]
                if not case.error:
                    r.submit(pool, case)
    yield r
    for f in r.futures.values():
        f.cancel()
    pool.shutdown(wait=True)


@pytest.mark.parametrize("case_id", list(CASES))
def test_wasi(w2c_bin, runner, case_id):
    """The program exits with the expected status, and its output starts
    with the expected text where the spec gives one."""
    case = CASES[case_id]
    if case.error:
        pytest.fail(f"{case.title()}: {case.error}", pytrace=False)
    if conftest.TEST_TARGET is not None:
        conftest.require_target_tools(conftest.TEST_TARGET)
    why = runner.result(case)
    if why is not None:
        pytest.fail(why, pytrace=False)
