"""Smoke test for a CPU without AVX (run under qemu-x86_64 -cpu Westmere by .ci/run).

The build must not assume the build machine's instruction sets: on such a CPU
fastact picks its baseline kernels, which must agree with the reference.
"""

import numpy as np

import fastact
from fastact import reference
from fastact._config import config

level = config()["dispatch"]
assert level == "baseline", f"expected the baseline kernels on this CPU, got {level}"
x = np.concatenate([np.linspace(-40.0, 40.0, 20001), [np.inf, -np.inf, np.nan, 0.0, -0.0]])
for case in fastact.registry.cases():
    for dtype in (np.float32, np.float64):
        xs = x.astype(dtype)
        got = getattr(fastact, case.name).value_and_grad(xs, **case.kwargs)
        want = getattr(reference, case.name).value_and_grad(xs, **case.kwargs)
        for a, b in zip(got, want, strict=True):
            # the contract's 4 ULP, which below the normal range (where the
            # contract holds no relative error) is 4 units of the smallest subnormal
            info = np.finfo(dtype)
            np.testing.assert_allclose(a, b, rtol=4 * info.eps, atol=4 * info.smallest_subnormal,
                                       err_msg=f"{case.key} {dtype.__name__}")
rows = np.linspace(-5.0, 5.0, 4096).reshape(4, 1024)
np.testing.assert_allclose(fastact.softmax(rows), reference.softmax(rows), rtol=1e-15)
print(f"cpu smoke: {level} kernels agree with the reference "
      f"({len(fastact.registry.RECORDS)} activations, float32 and float64)")
