"""The float16 elementwise loops: float32's loop on widened blocks, rounded once.

A float16 call widens its inputs a block at a time (by the CPU's conversion
instructions where the dispatch level has them), runs the float32 loop there
and rounds the results to float16, nearest-even. So every float16 result must
be the float32 result for the same (exactly widened) inputs rounded once,
bitwise, NaNs included (quiet, with the sign and top payload bits of the NaN
the float32 loop returned); and that on any length, alignment, stride and
overlap, with float16's own overflow flag.
"""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import _ufuncs

ALL_HALF = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
# every float16 as grad_out too, each against another x
G_HALF = np.random.default_rng(20).permutation(ALL_HALF)


@pytest.fixture
def restore_threads():
    yield
    fastact.set_num_threads(None)


def half_bits(single) -> np.ndarray:
    """float32 values rounded to float16 as the loops round them, as bits: to nearest
    even (NumPy's astype), and a NaN quiet with its sign and top 10 payload bits."""
    single = np.asarray(single, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = single.astype(np.float16).view(np.uint16)
    bits = single.view(np.uint32)
    nan = ((bits >> 16) & 0x8000) | 0x7E00 | ((bits >> 13) & 0x3FF)
    return np.where(np.isnan(single), nan.astype(np.uint16), rounded)


def assert_rounded_from(half, single, what=""):
    """float16 results ``half`` are the float32 results ``single`` rounded once, bitwise."""
    half = np.asarray(half)
    assert half.dtype == np.float16, what
    got, want = half.view(np.uint16), half_bits(single)
    bad = np.flatnonzero(got.ravel() != want.ravel())
    assert bad.size == 0, (f"{what}: {bad.size} elements differ, first at {bad[:5].tolist()}: "
                           f"{[hex(v) for v in got.ravel()[bad[:5]]]} != "
                           f"{[hex(v) for v in want.ravel()[bad[:5]]]}")


# (activation, keyword arguments) over every float16 input
EXHAUSTIVE = [
    ("relu", {}),
    ("sigmoid", {}),
    ("gelu", {"approximate": "tanh"}),
    ("gelu", {"approximate": "none"}),
    ("hard_swish", {}),
    ("softplus", {"beta": 3.0}),
    ("linear", {"slope": 300.0}),  # overflows float16 from |x| = 218.4
]


def _ops(f, kw, x, g):
    """(op name, result or results) for each operation of activation f."""
    yield "forward", f(x, **kw)
    yield "grad", f.grad(x, **kw)
    yield "value_and_grad", f.value_and_grad(x, **kw)
    yield "backward", f.backward(g, x, **kw)
    if hasattr(f, "backward_from_output"):
        yield "backward_from_output", f.backward_from_output(g, x, **kw)


@pytest.mark.parametrize(("name", "kw"), EXHAUSTIVE, ids=lambda v: str(v) if v else "")
def test_every_float16_input(name, kw):
    f = getattr(fastact, name)
    with np.errstate(all="ignore"):
        halves = dict(_ops(f, kw, ALL_HALF, G_HALF))
        singles = dict(_ops(f, kw, ALL_HALF.astype(np.float32), G_HALF.astype(np.float32)))
    for op, half in halves.items():
        single = singles[op]
        pairs = zip(half, single, strict=True) if isinstance(half, tuple) else [(half, single)]
        for k, (h, s) in enumerate(pairs):
            assert_rounded_from(h, s, f"{name} {kw} {op} output {k}")


def test_glu_gate_every_float16_input():
    """glu's gate loops are float16 loops too: (a, b) and g each over every float16."""
    a, b, g = G_HALF, ALL_HALF, G_HALF[::-1].copy()
    with np.errstate(all="ignore"):
        assert_rounded_from(_ufuncs.glu(a, b), _ufuncs.glu(a.astype(np.float32),
                                                           b.astype(np.float32)), "glu")
        halves = _ufuncs.glu_backward(g, a, b)
        singles = _ufuncs.glu_backward(g.astype(np.float32), a.astype(np.float32),
                                       b.astype(np.float32))
    for k in range(2):
        assert_rounded_from(halves[k], singles[k], f"glu_backward output {k}")


def _values(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-9, 9, n).astype(np.float16)
    x[rng.random(n) < 0.02] = np.nan  # a NaN now and then: those blocks are rerun checked
    return x


@pytest.mark.parametrize("n", [1, 7, 15, 16, 17, 31, 33, 511, 512, 513, 1000, 1024, 1537, 4099])
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_lengths_and_unaligned_starts(n, offset):
    """Every length around the vector (8, 16) and block (512) sizes, from unaligned
    starts: the tails are converted like the rest."""
    f = fastact.sigmoid
    x = _values(n + offset, seed=n)[offset:]
    g = _values(n + offset, seed=n + 1)[offset:]
    x32, g32 = x.astype(np.float32), g.astype(np.float32)
    with np.errstate(invalid="ignore"):
        assert_rounded_from(f(x), f(x32), f"forward n={n}")
        y, d = f.value_and_grad(x)
        y32, d32 = f.value_and_grad(x32)
        assert_rounded_from(y, y32, f"value n={n}")
        assert_rounded_from(d, d32, f"grad n={n}")
        assert_rounded_from(f.backward(g, x), f.backward(g32, x32), f"backward n={n}")
        out = np.full(n + offset, 7.0, np.float16)
        f(x, out=out[offset:])
        assert_rounded_from(out[offset:], f(x32), f"forward into out[{offset}:] n={n}")
        assert (out[:offset] == 7.0).all()


@pytest.mark.parametrize("n", [5, 1000, 5000])
def test_in_place(n):
    """An output that is an input: each block is read whole before it is written."""
    f = fastact.sigmoid
    x, g = _values(n, 1), _values(n, 2)
    with np.errstate(invalid="ignore"):
        want_y, want_d = f.value_and_grad(x)
        want_b = f.backward(g, x)
        y = x.copy()
        assert f(y, out=y) is y
        assert_rounded_from(y, want_y.astype(np.float32), "forward out=x")
        y = x.copy()
        d = np.empty_like(x)
        f.value_and_grad(y, out=(y, d))
        assert_rounded_from(y, want_y.astype(np.float32), "value_and_grad out=(x, d)")
        assert_rounded_from(d, want_d.astype(np.float32), "value_and_grad out=(x, d)")
        for which in (0, 1):
            gg, xx = g.copy(), x.copy()
            out = (gg, xx)[which]
            f.backward(gg, xx, out=out)
            assert_rounded_from(out, want_b.astype(np.float32), f"backward in place on {which}")


def test_strides_and_parameter_arrays():
    """Strided, reversed and transposed arrays, parameter arrays and where=: the same
    values as the contiguous call."""
    n = 3001
    x, g = _values(3 * n, 3), _values(2 * n, 4)
    f = fastact.hard_swish
    with np.errstate(invalid="ignore"):
        want = f(x[::3].copy())
        assert_rounded_from(f(x[::3]), want.astype(np.float32), "x[::3]")
        assert_rounded_from(f(x[::3][::-1])[::-1], want.astype(np.float32), "reversed")
        t = x[:3000].reshape(100, 30)
        assert_rounded_from(f(t.T), f(t.T.copy()).astype(np.float32), "transposed")
        out = np.zeros(2 * n, np.float16)
        f.backward(g[::2], x[::3], out=out[::2])
        assert_rounded_from(out[::2], f.backward(g[::2].copy(), x[::3].copy()).astype(
            np.float32), "strided backward")
        assert (out[1::2] == 0).all()
        # a parameter array (a step per element) goes through float32's strided loop
        slope = np.random.default_rng(5).uniform(0.1, 0.3, n).astype(np.float32)
        xs = x[:n]
        assert_rounded_from(f(xs, slope=slope), f(xs.astype(np.float32), slope=slope),
                            "slope array")
        assert_rounded_from(f.value_and_grad(xs, slope=slope)[1],
                            f.value_and_grad(xs.astype(np.float32), slope=slope)[1],
                            "slope array grad")
        mask = np.arange(n) % 3 != 0
        masked = np.full(n, -1.0, np.float16)
        f(xs, out=masked, where=mask)
        assert_rounded_from(masked[mask], f(xs[mask].astype(np.float32)), "where")
        assert (masked[~mask] == -1.0).all()


@pytest.mark.parametrize("n", [10, 700, 2000])
def test_output_overlapping_its_input(n):
    """f(a[1:], out=a[:-1]), which NumPy passes uncopied (each element is read before it
    is written, in element order; in blocks too), f(a[:-1], out=a[1:]), which it copies,
    and the same reversed: all as on separate arrays."""
    f = fastact.sigmoid
    start = _values(n + 1, 6)
    pairs = [(slice(1, None), slice(None, -1)), (slice(None, -1), slice(1, None)),
             (slice(None, 0, -1), slice(-2, None, -1)),
             (slice(-2, None, -1), slice(None, 0, -1))]  # reversed, the input ahead
    with np.errstate(invalid="ignore"):
        for src, dst in pairs:
            a = start.copy()
            f(a[src], out=a[dst])
            assert_rounded_from(a[dst], f(start[src].astype(np.float32)), f"{src} -> {dst}")
            untouched = np.ones(n + 1, bool)
            untouched[np.arange(n + 1)[dst]] = False
            assert a[untouched].tobytes() == start[untouched].tobytes()
            g = start.copy()
            f.backward(g[src], start[dst], out=g[dst])
            assert_rounded_from(g[dst], f.backward(start[src].astype(np.float32),
                                                   start[dst].astype(np.float32)), "backward")


def _overflows(call) -> bool:
    try:
        with np.errstate(over="raise", invalid="ignore"):
            call()
    except FloatingPointError:
        return True
    return False


@pytest.mark.parametrize("n", [1, 17, 512, 1500])
def test_overflow_flag(n):
    """float16's overflow: a finite input whose float result is finite in float32 but
    rounds to inf in float16, wherever it is in the array; not for an infinite or NaN
    input, nor for a result that rounds down to 65504."""
    f = fastact.linear
    for at in sorted({0, n // 2, n - 1}):
        x = np.zeros(n, np.float16)
        x[at] = 10.0  # 1e5 in float32, inf in float16
        assert _overflows(lambda x=x: f(x, slope=1e4)), (n, at)
        assert _overflows(lambda x=x: f.backward(x, np.ones_like(x), slope=1e4)), (n, at)
        assert _overflows(lambda x=x: f.value_and_grad(x, slope=1e4)), (n, at)
        x[at] = np.inf
        assert not _overflows(lambda x=x: f(x, slope=1e4)), (n, at)
        x[at] = np.nan
        assert not _overflows(lambda x=x: f(x, slope=1e4)), (n, at)
    x = np.full(n, 2.0, np.float16)
    assert not _overflows(lambda: f(x, slope=65519.0 / 2))  # 65519 rounds to 65504
    assert _overflows(lambda: f(x, slope=65520.0 / 2))  # the tie rounds to even: inf
    assert f(x, slope=65519.0 / 2)[0] == 65504.0
    g = np.full(n, 60000.0, np.float16)
    assert _overflows(lambda: f.backward(g, x, slope=2.0))
    assert not _overflows(lambda: f.backward(g, x, slope=1.0))


def test_overflow_flag_on_threads(restore_threads):
    """The flag of an overflow in the second thread's share reaches the caller."""
    fastact.set_num_threads(2)
    x = np.zeros(1 << 20, np.float16)
    x[-3] = 10.0
    assert _overflows(lambda: fastact.linear(x, slope=1e4))
    x[-3] = 0.0
    assert not _overflows(lambda: fastact.linear(x, slope=1e4))


def test_nan_payloads():
    """A NaN input comes out as that NaN, quiet, with its sign and payload: signaling
    and quiet ones alike, through the vector conversions and the tails."""
    bits = np.array([0x7C01, 0x7D55, 0x7E00, 0x7FFF, 0xFC01, 0xFE2A, 0xFFFF], np.uint16)
    for n in (7, 16, 100):
        x = np.resize(bits, n).view(np.float16)
        want = np.resize(bits | 0x0200, n)
        for f in (fastact.relu, fastact.sigmoid, fastact.gelu):
            assert (f(x).view(np.uint16) == want).all(), f
            assert (f.grad(x).view(np.uint16) == want).all(), f
            # grad_out NaN, x finite: the NaN of grad_out
            got = f.backward(x, np.ones(n, np.float16)).view(np.uint16)
            assert (got == want).all(), f
