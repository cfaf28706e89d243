"""fastact.reference: the same activations in plain NumPy -- the test oracle.

Same objects, same signatures as ``fastact``: ``reference.elu(x, alpha=0.5)``,
``reference.elu.grad(x)``, ``.value_and_grad``, ``.backward``,
``.backward_from_output``.  Written for clarity and accuracy, not speed:

* float16 and float32 results are computed in float64; float64 results in
  ``np.longdouble`` (80-bit on x86-64 Linux, so ~11 extra bits; on platforms
  where long double is double the reference is only as good as float64).
* Formulas are the numerically stable ones: exp(-|x|) instead of exp(-x),
  expm1 and log1p, a series for x - tanh(x) near 0, erfc from its series
  and continued fraction, exact products where an affine map cancels.
* Results are rounded once to the input's float dtype (ints promote as in
  ``np.exp``).

Its own accuracy is checked against mpmath in the test suite: within 1 ULP
for float32 and float64 results -- except float64 derivatives within ~0.1 of
an interior zero of f' (silu, swish, mish, gelu near x = -1.28, -1.19,
-0.75), where the sum that forms f' cancels and the relative error grows like
2**-64 / |x - zero|; the kernels are checked against mpmath directly there.

>>> import numpy as np
>>> from fastact import reference
>>> float(reference.sigmoid(np.float64(0.0)))
0.5

This module is the public namespace: one object per activation, built from the
registry. The package's files, one job each:

* ``_numerics``: numerically careful building blocks in working precision;
* ``_formulas``: f and f' of each elementwise kernel, and f' from the output;
* ``_elementwise``: the elementwise objects around the formulas;
* ``_rowwise``: softmax, log_softmax and softmin, their backward and Jacobian;
* ``_groups``: maxout, glu and sparsemax;
* ``_row_objects``: the row-wise objects around ``_rowwise`` and ``_groups``;
* ``_deliver``: results delivered as a ufunc would (``out=``, ``where=``).
"""

from __future__ import annotations

from .. import registry

# the classes, as the objects' types
from ._elementwise import Activation as Activation
from ._elementwise import ActivationFromOutput as ActivationFromOutput
from ._elementwise import ActivationWithParamGrad as ActivationWithParamGrad
from ._elementwise import make
from ._row_objects import GatedActivation as GatedActivation
from ._row_objects import GluActivation as GluActivation
from ._row_objects import MaxoutActivation as MaxoutActivation
from ._row_objects import RowActivation as RowActivation
from ._row_objects import SparsemaxActivation as SparsemaxActivation
from ._row_objects import make_row

for _name in registry.names(include_aliases=True):
    globals()[_name] = make(registry.get(_name))
for _row in registry.ROWWISE:
    globals()[_row.name] = make_row(_row)
del _name, _row

__all__ = registry.names(include_aliases=True) + registry.rowwise_names()
