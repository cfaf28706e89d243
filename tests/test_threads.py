"""Threads: the bounds of set_num_threads, threadpoolctl, and work in forked children.

Each scenario that could hang or kill the interpreter runs in a subprocess with a
timeout, so that a regression fails the test instead of stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import fastact

TIMEOUT = 120


@pytest.fixture
def restore_threads():
    yield
    fastact.set_num_threads(None)


def run_python(code: str, tmp_path, env: dict | None = None) -> str:
    """Run ``code`` as a script in a fresh interpreter (a file, so that "spawn" children
    can import its functions); its stdout, or a failure naming the problem."""
    script = tmp_path / "scenario.py"
    script.write_text(textwrap.dedent(code))
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True,
                              text=True, timeout=TIMEOUT, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        pytest.fail(f"the subprocess did not finish within {TIMEOUT} s (a hang)")
    assert done.returncode == 0, f"exit status {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


# A parent that has run fastact on two threads, then a pool of children, each of
# which runs fastact on an array large enough to go parallel.
POOL_AFTER_PARALLEL_USE = """
import multiprocessing as mp
import numpy as np
import fastact


def child(seed):
    x = np.random.default_rng(seed).normal(size=1 << 21)
    return fastact.get_num_threads(), fastact.gelu(x), fastact.softmax(x.reshape(-1, 512))


if __name__ == "__main__":
    fastact.set_num_threads(2)
    x = np.random.default_rng(0).normal(size=1 << 21)
    want = fastact.gelu(x), fastact.softmax(x.reshape(-1, 512))
    with mp.get_context("{method}").Pool(2) as pool:
        results = pool.map(child, [0, 0])
    for threads, y, s in results:
        assert y.tobytes() == want[0].tobytes() and s.tobytes() == want[1].tobytes()
    print(*[threads for threads, _, _ in results])
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_children_compute_after_parallel_use(method, tmp_path):
    if method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    threads = run_python(POOL_AFTER_PARALLEL_USE.format(method=method), tmp_path).split()
    assert len(threads) == 2
    if method == "fork" and fastact.ufuncs.openmp_enabled():
        # OpenMP's threads do not survive fork: such a child runs on its own thread
        assert threads == ["1", "1"]


def test_fork_before_parallel_use_keeps_threads(tmp_path):
    if not hasattr(os, "fork") or not fastact.ufuncs.openmp_enabled():
        pytest.skip("needs fork and OpenMP")
    out = run_python("""
        import os, numpy as np, fastact
        fastact.set_num_threads(2)
        fastact.sigmoid(np.ones(10))  # serial: no team started yet
        pid = os.fork()
        if pid == 0:
            y = fastact.sigmoid(np.zeros(1 << 21))
            os._exit(0 if fastact.get_num_threads() == 2 and y.min() == 0.5 else 1)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
    """, tmp_path)
    assert out.split() == ["0"]


@pytest.mark.parametrize("bad", [-1, -8, 1.5, True, "2", 2**31 - 1, 2**40,
                                 fastact.MAX_THREADS + 1])
def test_set_num_threads_rejects_out_of_range(bad, restore_threads):
    before = fastact.get_num_threads()
    with pytest.raises(ValueError, match=r"set_num_threads: n must be an int from 0"):
        fastact.set_num_threads(bad)
    assert fastact.get_num_threads() == before


def test_set_num_threads_bounds(restore_threads):
    fastact.set_num_threads(fastact.MAX_THREADS)
    assert fastact.get_num_threads() == (fastact.MAX_THREADS
                                         if fastact.ufuncs.openmp_enabled() else 1)
    fastact.set_num_threads(np.int64(1))
    assert fastact.get_num_threads() == 1
    fastact.set_num_threads(0)
    assert fastact.get_num_threads() >= 1


def test_huge_omp_num_threads_is_capped(tmp_path):
    out = run_python("""
        import numpy as np, fastact
        y = fastact.sigmoid(np.zeros(1 << 22))
        print(fastact.get_num_threads(), y.min(), y.max())
    """, tmp_path, env={"OMP_NUM_THREADS": "100000"})
    threads, lo, hi = out.split()
    assert lo == hi == "0.5"
    assert int(threads) == (fastact.MAX_THREADS if fastact.ufuncs.openmp_enabled() else 1)


def test_threadpoolctl_lists_fastacts_openmp_pool(restore_threads):
    """threadpool_info() shows the OpenMP runtime fastact's module links (the one
    threadpool_limits then sets), with fastact's thread count."""
    if not fastact.ufuncs.openmp_enabled():
        pytest.skip("built without OpenMP")
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("the loaded libraries are read from /proc/self/maps (Linux)")
    from threadpoolctl import threadpool_info

    with open("/proc/self/maps", encoding="utf-8") as maps:
        loaded = {line.split()[-1] for line in maps if "libgomp" in line}
    pools = [p for p in threadpool_info() if p["user_api"] == "openmp"]
    assert any(os.path.realpath(p["filepath"]) in map(os.path.realpath, loaded)
               for p in pools), (pools, loaded)
    ours = [p for p in pools if os.path.realpath(p["filepath"]) in map(os.path.realpath, loaded)]
    fastact.set_num_threads(None)  # OpenMP's default: the pool's
    assert {p["num_threads"] for p in ours} == {fastact.get_num_threads()}, ours


def test_threadpoolctl_limits(restore_threads):
    if not fastact.ufuncs.openmp_enabled():
        pytest.skip("built without OpenMP")
    fastact.set_num_threads(None)
    with threadpool_limits(limits=1, user_api="openmp"):
        assert fastact.get_num_threads() == 1
        y = fastact.tanh(np.linspace(-3, 3, 1 << 21))
    assert np.array_equal(y, fastact.tanh(np.linspace(-3, 3, 1 << 21)))
