"""Errors name the function and the actual problem, and come before anything is written."""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import reference

X = np.array([-2.0, -0.5, 0.0, 1.5])


@pytest.mark.parametrize(("call", "kind", "message"), [
    (lambda: fastact.sigmoid(X, foo=1), TypeError,
     r"fastact.sigmoid: unexpected keyword argument\(s\) 'foo'"),
    (lambda: fastact.elu.grad(X, alpha=1.0, bar=2), TypeError,
     r"fastact.elu: unexpected keyword argument\(s\) 'bar'"),
    (lambda: fastact.sigmoid(X, 1.0), TypeError,
     r"fastact.sigmoid: takes 0 parameter\(s\) after the input"),
    (lambda: fastact.sigmoid(X, out=[0.0] * 4), TypeError,
     r"fastact.sigmoid: out must be an ndarray, got list"),
    (lambda: fastact.sigmoid(X, out=np.zeros(4, dtype=np.int64)), TypeError,
     r"fastact.sigmoid: cannot write the result into out"),
    (lambda: fastact.elu.value_and_grad(X, out=np.zeros(4)), TypeError,
     r"fastact.elu: this operation returns 2 arrays, so out must be a tuple of 2 arrays"),
    (lambda: fastact.sigmoid(X.astype(complex)), TypeError,
     r"fastact.sigmoid: unsupported input dtype\(s\) \(complex128\)"),
    (lambda: fastact.tanh("text"), TypeError, r"fastact.tanh: unsupported input dtype\(s\)"),
    (lambda: fastact.sigmoid(X, out=np.zeros(5)), ValueError, r"fastact.sigmoid: "),
    (lambda: fastact.sigmoid(X, out=np.zeros(4, np.float32)[::-1].reshape(2, 2)), ValueError,
     r"fastact.sigmoid: "),
    (lambda: fastact.gelu(X, approximate=["tanh"]), ValueError,
     r"fastact.gelu: approximate=\['tanh'\] is not one of 'tanh', 'none'"),
    (lambda: fastact.gelu(X, approximate="exact", out=np.zeros(4)), ValueError,
     r"fastact.gelu: approximate='exact' is not one of 'tanh', 'none'"),
])
def test_each_error_names_the_function_and_the_problem(call, kind, message):
    with pytest.raises(kind, match=message) as caught:
        call()
    if "dtype" not in message:
        assert "unsupported input dtype" not in str(caught.value)


def test_prelu_backward_out_of_a_broadcastable_but_wrong_shape_raises_untouched():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    out = np.full((2, 2, 3), 7.0)
    with pytest.raises(ValueError, match=r"fastact.prelu: out has shape \(2, 2, 3\)"):
        fastact.prelu.backward(np.ones_like(x), x, 0.25, out=out)
    assert np.all(out == 7.0)
    with pytest.raises(TypeError, match=r"fastact.prelu.backward: out must be an array or a "
                                        r"pair of arrays \(grad_x, grad_param\), got list"):
        fastact.prelu.backward(np.ones_like(x), x, 0.25, out=[0.0] * 6)
    with pytest.raises(TypeError, match="fastact.prelu: out must hold ndarrays, got list"):
        fastact.prelu.backward(np.ones_like(x), x, 0.25, out=([0.0] * 6, None))


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_prelu_backward_on_matrix():
    x = np.matrix([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]])
    g = np.matrix(np.full((2, 3), 0.5))
    gx, galpha = fastact.prelu.backward(g, x, 0.25)
    want_gx, want_galpha = reference.prelu.backward(np.asarray(g), np.asarray(x), 0.25)
    np.testing.assert_array_equal(np.asarray(gx), want_gx)
    assert float(galpha) == float(want_galpha) == -4.5


def test_glu_backward_beyond_32_dimensions():
    shape = (1,) * 32 + (3, 4)
    x = np.linspace(-2, 2, 12).reshape(shape)
    g = np.ones(shape[:-1] + (2,))
    got = fastact.glu.backward(g, x)
    want = reference.glu.backward(g.reshape(3, 2), x.reshape(3, 4))
    np.testing.assert_allclose(got.reshape(3, 4), want, rtol=1e-15)


class ForeignArray:
    """An array type of another library: NumPy converts it through __array__, and its
    dtype attribute is not a NumPy dtype (as a PyTorch tensor's is not)."""

    dtype = "foreign.float32"

    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float32)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


@pytest.mark.parametrize("op", ["__call__", "grad", "value_and_grad"])
def test_foreign_arrays_convert_as_for_np_exp(op):
    x = ForeignArray([-1.0, 0.5, 2.0])
    got = getattr(fastact.elu, op)(x, alpha=0.5)
    want = getattr(fastact.elu, op)(x.values, alpha=0.5)
    for a, b in zip(np.atleast_1d(got) if op != "value_and_grad" else got,
                    np.atleast_1d(want) if op != "value_and_grad" else want, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fastact.sigmoid(x), fastact.sigmoid(x.values))


def _public_methods():
    """(name, method name, the object's method) for every activation and method."""
    out = []
    for name in fastact.__all__:
        obj = getattr(fastact, name)
        if not (hasattr(obj, "backward") and hasattr(obj, "record")):
            continue
        for method in ("__call__", "grad", "value_and_grad", "backward",
                       "backward_from_output", "jacobian"):
            if hasattr(obj, method):
                out.append((name, method))
    return out


@pytest.mark.parametrize(("name", "method"), _public_methods(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_arguments_that_do_not_bind_name_the_activation(name, method):
    """No arguments at all, and an unknown keyword: the message names fastact.NAME (and the
    method), not the class that implements it."""
    bound = getattr(getattr(fastact, name), method)
    label = f"fastact.{name}" + ("" if method == "__call__" else f".{method}")
    for call in (lambda: bound(), lambda: bound(X, X, X, X, X, X, X, no_such_keyword=1)):
        with pytest.raises(TypeError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(f"fastact.{name}"), message
        assert "Activation" not in message, message
        if "missing" in message or "unexpected" in message or "positional" in message:
            assert message.startswith(label) or message.startswith(f"fastact.{name}:"), message


def test_argument_counts_leave_self_out():
    """Python counts self among the positional arguments; the message does not."""
    x = np.ones((2, 3))
    with pytest.raises(TypeError, match=r"^fastact.softmax.jacobian: takes from 1 to 2 "
                                        r"positional arguments but 3 were given$"):
        fastact.softmax.jacobian(x, -1, 3)
