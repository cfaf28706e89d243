"""``python -m fastact check``: its ULP measure, that it passes good kernels and fails bad
ones, resumes from its state file, and feeds tools/gen_accuracy_table.py.

Every run here is strided coarsely (tens of thousands of inputs per function).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from ulp import DERIVATIVE_ULP, FORWARD_ULP, ulp_error

import fastact
from fastact import __main__ as cli
from fastact import _check

STRIDE = "100003"  # 42,949 bit patterns and the special values
F32 = np.finfo(np.float32)


def hostile_pairs() -> tuple[np.ndarray, np.ndarray]:
    """(float32 results, float64 truths): subnormals, powers of two and their neighbours,
    zeros of both signs, infinities, NaN, truths beyond FLT_MAX, results near and far."""
    rng = np.random.default_rng(7)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, F32.max, -F32.max, F32.tiny,
                        -F32.tiny, F32.smallest_subnormal, -F32.smallest_subnormal,
                        3 * 2.0 ** -149, 2.0 ** -127, 1.0, 0.5, 2.0 ** 127, 2.0 ** 128,
                        float(F32.max) * (1 + 2.0 ** -24), float(F32.max) * (1 + 2.0 ** -25),
                        float(F32.max) * (1 + 2.0 ** -24) * (1 - 2.0 ** -52), 1e-300, 5e-324,
                        -5e-324, 1e300, 2.0 ** -126 * (1 - 2.0 ** -30)])
    powers = 2.0 ** np.arange(-160.0, 129.0)
    powers = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf),
                             -powers])
    spread = 2.0 ** rng.uniform(-160, 130, 5000) * rng.choice([-1.0, 1.0], 5000)
    truth = np.concatenate([special, powers, spread])
    n = truth.size
    with np.errstate(over="ignore"):
        near = truth.astype(np.float32)
        results = [near, np.nextafter(near, np.float32(np.inf)),
                   np.nextafter(near, np.float32(-np.inf)),
                   (truth * (1 + rng.uniform(-1e-5, 1e-5, n))).astype(np.float32),
                   rng.choice(special, n).astype(np.float32), (-truth).astype(np.float32),
                   np.zeros(n, np.float32), np.full(n, np.inf, np.float32)]
        every_special = np.tile(special, special.size).astype(np.float32)
    actual = np.concatenate([*results, every_special])
    expected = np.concatenate([np.tile(truth, len(results)), np.repeat(special, special.size)])
    return actual, expected


def test_fast_ulp_measure_is_fastact_ulp():
    actual, expected = hostile_pairs()
    want = ulp_error(actual, expected, np.float32)
    got = _check.ulp_error_f32(actual, expected)
    assert got.dtype == np.float64 and not np.isnan(got).any()
    assert np.array_equal(np.isinf(got), np.isinf(want))
    # where the result is within a factor 2 of the truth, |a - t| is exact in float64
    # (Sterbenz), so the two agree exactly; farther off they differ in rounding only
    close = want < 2.0 ** 20
    assert close.sum() > actual.size // 2
    np.testing.assert_array_equal(got[close], want[close])
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=2.0 ** -50, atol=0)


def test_fast_ulp_measure_into_given_arrays():
    actual = np.float32([1.0, -0.0, np.nan])
    truth = np.array([1.0 + 2.0 ** -23, 2.0 ** -149, np.nan])
    out, scratch = np.empty(3), np.empty(3)
    assert _check.ulp_error_f32(actual, truth, out=out, scratch=scratch) is out
    np.testing.assert_array_equal(out, [1.0, 1.0, 0.0])


def test_contract_is_the_tests_contract():
    assert _check.BOUNDS["forward"] == FORWARD_ULP
    for op in ("grad", "backward", "backward_from_output"):
        assert _check.BOUNDS[op] == DERIVATIVE_ULP
    for key, ops in _check.BOUND_OVERRIDES.items():  # the measured, tighter contract
        for op, value in ops.items():
            assert 0.5 <= value <= _check.BOUNDS[op], (key, op, value)
    if _check.BOUND_OVERRIDES:
        assert set(_check.BOUND_OVERRIDES) == {c.key for c in _check.cases()}


def test_contract_from_an_exhaustive_result():
    gen = _load_generator()
    rows = [{"key": "sigmoid", "op": "forward", "impl": "fastact", "max_ulp": 2.32},
            {"key": "sigmoid", "op": "grad", "impl": "fastact", "max_ulp": 0.0},
            {"key": "sigmoid", "op": "backward", "impl": "fastact", "max_ulp": 4.5},
            {"key": "sigmoid", "op": "value_and_grad", "impl": "fastact", "max_ulp": 4.5},
            {"key": "sigmoid", "op": "forward", "impl": "torch", "max_ulp": 9.0}]
    result = {"exhaustive": True, "results": rows, "command": "c", "date": "d",
              "machine": {"cpu": "x"}}
    assert gen.contract(result)["bounds"] == {
        "sigmoid": {"forward": 2.5, "grad": 0.5, "backward": 4.5}}
    with pytest.raises(SystemExit, match="exhaustive"):
        gen.contract({**result, "exhaustive": False})


def test_grad_out_is_reproducible_and_spans_binades():
    bits = np.arange(0, 1 << 32, 4099, dtype=np.uint64).astype(np.uint32)
    g = _check.grad_out(bits)
    assert g.dtype == np.float32 and np.array_equal(g, _check.grad_out(bits.copy()))
    mag = np.abs(g)
    assert mag.min() >= 2.0 ** -4 and mag.max() < 2.0 ** 4
    assert set(np.frexp(mag)[1] - 1) == set(range(-4, 4))
    assert 0.45 < np.mean(g < 0) < 0.55
    assert _check.grad_out(np.uint32(5)) == _check.grad_out(np.array([5], np.uint32))[0]


def run_check(tmp_path: Path, *args: str, name: str = "out.json") -> tuple[int, dict]:
    path = tmp_path / name
    code = cli.main(["check", "--stride", STRIDE, "--jobs", "1", "--quiet", "--json",
                     str(path), *args])
    return code, json.loads(path.read_text())


def rows(result: dict) -> dict[tuple[str, str], dict]:
    return {(r["key"], r["op"] if r["impl"] == "fastact" else f"{r['op']}/{r['impl']}"): r
            for r in result["results"]}


def test_good_kernels_pass(tmp_path, capsys):
    code, result = run_check(tmp_path, "--only", "sigmoid", "relu")
    assert code == 0 and result["passed"]
    got = rows(result)
    assert set(got) == {(k, op) for k in ("sigmoid", "relu") for op in _check.OPS}
    inputs = -(-(1 << 32) // int(STRIDE)) + len(_check.SPECIALS)
    for (key, op), r in got.items():
        limit = max(r["bound"]) if op == "value_and_grad" else r["bound"]
        assert 0 <= r["max_ulp"] <= limit, (key, op, r)
        assert r["outside"] == 0
        x = np.array([int(r["at_bits"], 16)], np.uint32).view(np.float32)[0]
        assert str(x) == r["at"]
        if op != "backward_from_output":
            assert r["checked"] == inputs
    assert got["sigmoid", "value_and_grad"]["mismatches"] == 0
    assert 0.3 < got["sigmoid", "forward"]["max_ulp"] <= FORWARD_ULP  # not exact, not broken
    assert got["relu", "forward"]["max_ulp"] == 0 and got["relu", "backward"]["max_ulp"] == 0
    # backward_from_output skips the inputs whose y is not finite (NaN, relu(inf))
    assert 0.99 * inputs < got["relu", "backward_from_output"]["checked"] < inputs
    out = capsys.readouterr().out
    assert "| sigmoid" in out and "every result within the contract" in out
    assert "total time" in out


class NaiveSigmoid:
    """fastact.sigmoid, except that float32 f(x) is 1 / (1 + exp(-x)) in float32: exp(-x)
    overflows below x = -88.7, where the true value is still a subnormal, not 0."""

    def __init__(self, real):
        self.real, self.record = real, real.record

    def __call__(self, x, out=None, **kw):
        if x.dtype != np.float32:
            return self.real(x, out=out, **kw)
        with np.errstate(over="ignore"):
            return np.divide(np.float32(1), np.float32(1) + np.exp(-x), out=out)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_checker_fails_a_naive_sigmoid(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fastact, "sigmoid", NaiveSigmoid(fastact.sigmoid))
    code, result = run_check(tmp_path, "--only", "sigmoid", "--ops", "forward", "grad",
                             "value_and_grad")
    assert code == 1 and not result["passed"]
    got = rows(result)
    forward = got["sigmoid", "forward"]
    assert forward["outside"] > 0 and forward["max_ulp"] > 1e6
    assert -104 < float(forward["at"]) < -88  # the underflow tail
    assert got["sigmoid", "grad"]["outside"] == 0  # the real kernel
    # the real value_and_grad no longer equals the (naive) forward bitwise
    assert got["sigmoid", "value_and_grad"]["mismatches"] > 0
    out = capsys.readouterr().out
    assert "OUTSIDE THE CONTRACT: sigmoid forward" in out and "not bitwise" in out


class OffByTenUlp:
    """fastact.tanh with a float32 grad 10 ULP (of float32) above the float64 truth."""

    def __init__(self, real):
        self.real, self.record = real, real.record

    def __call__(self, x, *args, **kw):
        return self.real(x, *args, **kw)

    def grad(self, x, out=None, **kw):
        if x.dtype != np.float32:
            return self.real.grad(x, out=out, **kw)
        t = self.real.grad(x.astype(np.float64), **{k: np.float64(v) for k, v in kw.items()})
        bits = t.view(np.uint64) & np.uint64(0x7FF0_0000_0000_0000)
        step = np.maximum(bits.view(np.float64) * 2.0 ** -23, 2.0 ** -149)
        result = (t + 10 * step).astype(np.float32)
        if out is None:
            return result
        out[...] = result
        return out

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_checker_fails_a_kernel_off_by_ten_ulp(tmp_path, monkeypatch):
    monkeypatch.setattr(fastact, "tanh", OffByTenUlp(fastact.tanh))
    code, result = run_check(tmp_path, "--only", "tanh", "--ops", "forward", "grad")
    assert code == 1
    got = rows(result)
    assert got["tanh", "forward"]["outside"] == 0
    grad = got["tanh", "grad"]
    assert 9 <= grad["max_ulp"] <= 11
    nans = np.isnan(np.arange(0, 1 << 32, int(STRIDE), dtype=np.uint64).astype(np.uint32)
                    .view(np.float32)).sum() + 1  # the special NaN
    assert grad["outside"] == grad["checked"] - nans


def test_resumes_from_state_after_a_kill(tmp_path, monkeypatch, capsys):
    args = ("--only", "elu", "hard_tanh", "--chunk", "8192")
    _, fresh = run_check(tmp_path, *args, name="fresh.json")
    state = tmp_path / "state.json"
    real, calls = _check.run_chunk, []

    def dies_on_the_third(*a):
        calls.append(a[1])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a)

    monkeypatch.setattr(_check, "run_chunk", dies_on_the_third)
    assert cli.main(["check", "--stride", STRIDE, "--jobs", "1", "--quiet", "--state",
                     str(state), *args]) == 130
    assert "interrupted; the finished chunks are in" in capsys.readouterr().err
    saved = json.loads(state.read_text())
    assert saved["entries"]["elu/forward"]["done"] == [[0, 2]]
    monkeypatch.setattr(_check, "run_chunk", real)
    calls.clear()
    _, resumed = run_check(tmp_path, *args, "--state", str(state), name="resumed.json")
    keep = ("max_ulp", "at_bits", "outside", "checked")
    assert [{k: r[k] for k in keep} for r in resumed["results"]] == \
        [{k: r[k] for k in keep} for r in fresh["results"]]
    # a finished state leaves nothing to do; other inputs do not match it
    assert run_check(tmp_path, *args, "--state", str(state))[0] == 0
    assert cli.main(["check", "--stride", "7", "--quiet", "--state", str(state)]) == 2


def test_worker_processes_give_the_same_result(tmp_path):
    args = ("--only", "gelu", "--ops", "forward", "backward", "--chunk", "16384")
    _, one = run_check(tmp_path, *args, name="one.json")
    path = tmp_path / "two.json"
    assert cli.main(["check", "--stride", STRIDE, "--jobs", "2", "--quiet", "--json",
                     str(path), *args]) == 0
    two = json.loads(path.read_text())
    assert [r["key"] for r in two["results"]] == ["gelu-tanh"] * 2 + ["gelu-none"] * 2
    for a, b in zip(one["results"], two["results"], strict=True):
        assert {**a} == {**b}


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_accuracy_table", Path(__file__).parent.parent / "tools" / "gen_accuracy_table.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def test_accuracy_page_is_generated_and_regenerated(tmp_path):
    _, result = run_check(tmp_path, "--only", "softsign", "--ops", "forward")
    gen = _load_generator()
    page = tmp_path / "docs" / "accuracy.md"
    assert gen.main([str(tmp_path / "out.json"), "--output", str(page)]) == 0
    text = page.read_text()
    assert text.startswith("# Accuracy") and gen.BEGIN in text and gen.END in text
    assert "| softsign |" in text and "one float32 bit pattern in 100003" in text
    assert result["machine"]["dispatch"] in text and result["command"] in text
    page.write_text(text.replace("# Accuracy", "# Accuracy, kept"))
    gen.main([str(tmp_path / "out.json"), "--output", str(page)])
    again = page.read_text()
    assert again.startswith("# Accuracy, kept") and again.count(gen.BEGIN) == 1


def test_exhaustive_and_strided_tables_live_side_by_side(tmp_path):
    """An exhaustive result gets its own block, above the strided one, and each run
    replaces only its own (the exhaustive result is the strided one relabelled: the real
    run takes an hour)."""
    _, strided = run_check(tmp_path, "--only", "softsign", "--ops", "forward")
    gen = _load_generator()
    page = tmp_path / "accuracy.md"
    gen.main([str(tmp_path / "out.json"), "--output", str(page)])
    exhaustive = {**strided, "exhaustive": True, "stride": 1, "command": "EXHAUSTIVE RUN"}
    whole = tmp_path / "exhaustive.json"
    whole.write_text(json.dumps(exhaustive))
    for _ in range(2):
        gen.main([str(whole), "--output", str(page)])
        text = page.read_text()
        assert text.count(gen.EXHAUSTIVE_BEGIN) == 1 and text.count(gen.BEGIN) == 1
        assert text.index("## Every float32 input") < text.index(gen.EXHAUSTIVE_BEGIN) \
            < text.index("## Strided") < text.index(gen.BEGIN)
        assert "EXHAUSTIVE RUN" in text.split(gen.EXHAUSTIVE_END)[0]
        assert strided["command"] in text.split(gen.EXHAUSTIVE_END)[1]


def test_peers_are_optional(tmp_path, capsys):
    code, result = run_check(tmp_path, "--only", "relu", "--ops", "forward", "--peers")
    assert code == 0
    impls = {r["impl"] for r in result["results"]}
    assert "reference" in impls  # the NumPy formulas are always there
    for impl in ("torch", "jax"):
        installed = importlib.util.find_spec(impl) is not None
        assert (impl in impls) == installed
    if impls == {"fastact", "reference"}:
        assert "no peers measured" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--only", "softmax"], ["--exhaustive", "--stride", "3"],
                                  ["--jobs", "0"], ["--ops", "jacobian"]])
def test_bad_arguments_exit_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert any(s in err for s in ("row-wise", "exclude", "at least 1", "invalid choice"))


def test_cases_follow_the_registry():
    keys = [c.key for c in _check.cases()]
    assert keys[:3] == ["linear", "step", "sigmoid"]
    assert "gelu-tanh" in keys and "gelu-none" in keys and "gelu" not in keys
    assert [c.key for c in _check.cases(["gelu-none", "quick_gelu"])] == \
        ["gelu-none", "quick_gelu"]
    prelu = _check.cases(["prelu"])[0]
    kw32, kw64 = _check.params32(prelu)
    assert kw32 == {"alpha": np.float32(0.25)} and kw64["alpha"].dtype == np.float64
    relu = _check.cases(["relu"])[0]
    assert "backward_from_output" in _check.ops_of(relu, _check.OPS)
    assert "backward_from_output" not in _check.ops_of(prelu, _check.OPS)
