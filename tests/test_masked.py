"""numpy.ma masked arrays: masks are honoured or refused, never silently ignored.

Elementwise functions keep the mask as NumPy's own ufuncs do. Row-wise functions
leave masked entries out (softmax, log_softmax, softmin as with ``where=``;
maxout and sparsemax as if they were -inf; glu masks an output where either half
is masked) and return them masked. The backward of maxout, glu and sparsemax and
softmax's jacobian refuse masked input with a TypeError.
"""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import reference, registry

RNG = np.random.default_rng(7)
DATA = RNG.normal(scale=3, size=(5, 8))
HIDDEN = RNG.random((5, 8)) < 0.3
HIDDEN[0] = True  # a fully masked row
HIDDEN[1] = False
X = np.ma.MaskedArray(DATA, mask=HIDDEN)


def assert_masked_like(got, want_data, want_mask):
    assert isinstance(got, np.ma.MaskedArray), type(got)
    assert np.array_equal(np.ma.getmaskarray(got), want_mask)
    shown = ~want_mask
    np.testing.assert_allclose(np.ma.getdata(got)[shown], np.asarray(want_data)[shown],
                               rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_leaves_masked_entries_out(name):
    got = getattr(fastact, name)(X)
    want = getattr(reference, name)(DATA, where=~HIDDEN)
    assert_masked_like(got, want, HIDDEN)
    if name != "log_softmax":
        rows = np.ma.getdata(got).sum(axis=-1, where=~HIDDEN)
        np.testing.assert_allclose(rows[1:], 1, rtol=1e-14)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_backward_leaves_masked_entries_out(name):
    y = getattr(reference, name)(DATA, where=~HIDDEN)
    g = RNG.normal(size=DATA.shape)
    g_hidden = np.zeros_like(HIDDEN)
    g_hidden[2, :3] = True
    both = HIDDEN | g_hidden
    got = getattr(fastact, name).backward_from_output(np.ma.MaskedArray(g, mask=g_hidden),
                                                      np.ma.MaskedArray(y, mask=HIDDEN))
    want = getattr(reference, name).backward_from_output(g, y, where=~both)
    assert_masked_like(got, want, both)
    # from the input: the masked entries of x take no part in f(x) either
    got = getattr(fastact, name).backward(g, X)
    assert_masked_like(got, getattr(reference, name).backward(g, DATA, where=~HIDDEN), HIDDEN)


def test_maxout_and_sparsemax_treat_masked_entries_as_absent():
    filled = np.where(HIDDEN, -np.inf, DATA)
    got = fastact.maxout(X, 2)
    group_hidden = HIDDEN.reshape(5, 4, 2).all(axis=-1)
    assert_masked_like(got, reference.maxout(filled, 2), group_hidden)
    got = fastact.sparsemax(X[1:])
    assert_masked_like(got, reference.sparsemax(filled[1:]), HIDDEN[1:])


def test_glu_masks_where_either_half_is_masked():
    got = fastact.glu(X)
    assert_masked_like(got, reference.glu(DATA), HIDDEN[:, :4] | HIDDEN[:, 4:])


@pytest.mark.parametrize("call", [
    lambda: fastact.maxout.backward(np.ones((5, 4)), X, 2),
    lambda: fastact.glu.backward(np.ones((5, 4)), X),
    lambda: fastact.sparsemax.backward(np.ones((5, 8)), X),
    lambda: fastact.softmax.jacobian(X),
], ids=["maxout.backward", "glu.backward", "sparsemax.backward", "softmax.jacobian"])
def test_unsupported_masked_input_is_refused(call):
    with pytest.raises(TypeError, match="masked arrays are not supported"):
        call()


@pytest.mark.parametrize("name", registry.names())
def test_elementwise_results_keep_the_mask(name):
    rec = registry.get(name)
    params = rec.example_params()
    f = getattr(fastact, name)
    y, d = f.value_and_grad(X, **params)
    gx = f.backward(X, X, **params)
    if rec.param_grad:  # (grad_x, grad_alpha): masked entries add nothing to grad_alpha
        gx, galpha = gx
        want = reference.__dict__[name].backward(DATA, DATA, **params, where=~HIDDEN)[1]
        np.testing.assert_allclose(galpha, want, rtol=1e-13)
    for got, want in ((f(X, **params), reference.__dict__[name](DATA, **params)), (y, None),
                      (d, None), (gx, None)):
        assert isinstance(got, np.ma.MaskedArray), name
        assert np.array_equal(np.ma.getmaskarray(got), HIDDEN), name
        if want is not None:
            np.testing.assert_allclose(np.ma.getdata(got)[~HIDDEN], want[~HIDDEN], rtol=1e-13)
