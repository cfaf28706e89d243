"""fastact: compiled activation-function kernels for NumPy arrays.

Every activation is an object with five operations, each one pass over memory::

    fastact.sigmoid(x)                         # f(x)
    fastact.sigmoid.grad(x)                    # f'(x)
    fastact.sigmoid.value_and_grad(x)          # (f(x), f'(x))
    fastact.sigmoid.backward(g, x)             # g * f'(x)
    fastact.sigmoid.backward_from_output(g, y) # g * f'(x) from y = f(x), where possible

The compiled entry points are NumPy ufuncs (``fastact.ufuncs``), so
broadcasting, ``out=``, ``where=``, dtypes and ``__array_ufunc__`` work as
for ``np.exp``. ``fastact.reference`` has the same objects in plain NumPy,
and ``fastact.registry`` describes each activation.

>>> import numpy as np, fastact
>>> fastact.elu(np.array([-1.0, 2.0]), alpha=0.5)
array([-0.31606028,  2.        ])
"""

from . import _rowwise, reference, registry
from . import _ufuncs as ufuncs
from ._api import Activation, make
from ._config import MAX_THREADS, get_num_threads, set_num_threads, show_config
from ._version import __version__ as __version__

for _name in registry.names(include_aliases=True):
    globals()[_name] = make(registry.get(_name))
for _record in registry.ROWWISE:
    globals()[_record.name] = _rowwise.make(_record)
del _name, _record

__all__ = [
    *registry.names(include_aliases=True),
    *registry.rowwise_names(),
    "MAX_THREADS",
    "Activation",
    "get_num_threads",
    "reference",
    "registry",
    "set_num_threads",
    "show_config",
    "ufuncs",
]
