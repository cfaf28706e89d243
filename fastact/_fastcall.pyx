# cython: language_level=3
"""The call ``f(x)`` of an activation, in C: the base class of fastact's Activation.

The common call -- a float NumPy array and nothing else -- goes straight to
the ufunc; a Python ``__call__`` would double the cost of a call on a small
array (16 elements: about 250 ns of Python on top of NumPy's 250 ns). Every
other call goes to the subclass's ``_general_call``, which binds and checks
the parameters.
"""

from numpy import ndarray

cdef object _MISSING = object()


PASSED_THROUGH = frozenset(("out", "where"))
"""Keyword arguments that leave a call's parameters at their defaults, unchecked:
ufunc options the ufunc takes as they are."""


cdef bint _passed_through(dict kwargs):
    """Whether the keyword arguments are all in PASSED_THROUGH."""
    for key in kwargs:
        if key not in PASSED_THROUGH:
            return False
    return True


cdef class ForwardCall:
    """f(x) on a float ndarray, directly; anything else through ``_general_call``.

    ``_bare_forward`` is the forward ufunc of an activation without
    parameters; ``_plain_forward``, where every parameter has a default, is
    ``(ufunc, {dtype.num: default values as 0-d arrays of that dtype})``
    (a 0-d array of x's dtype costs NumPy less than a Python float); either
    may be None.
    """

    cdef public object _bare_forward
    cdef public object _plain_forward

    def __call__(self, x=_MISSING, *params, **kwargs):
        """f(x, *params, out=None, **ufunc_kwargs): the activation, elementwise."""
        if x is _MISSING:
            raise TypeError(f"fastact.{self.name}: missing 1 required positional argument: 'x'")
        if not params and type(x) is ndarray and x.dtype.num < 256 and (
                not kwargs or (x.dtype.kind == "f" and _passed_through(kwargs))):
            # without parameters NumPy's own type resolution promotes ints and
            # bools as the general path does; dtypes from outside NumPy (numbers
            # from 256: bfloat16, the float8s) NumPy would return as float32 or
            # float16, so they take the general path
            try:
                if self._bare_forward is not None:
                    return self._bare_forward(x, **kwargs)
                if self._plain_forward is not None:
                    ufunc, values_by_dtype = self._plain_forward
                    values = values_by_dtype.get(x.dtype.num)
                    if values is not None:
                        return ufunc(x, *values, **kwargs)
            except (TypeError, ValueError):  # complex, object, a bad out, ...: the
                pass  # general path names the function and the problem
        return self._general_call(x, *params, **kwargs)
