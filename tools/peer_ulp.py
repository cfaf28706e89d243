"""Worst float32 errors of fastact and PyTorch (if installed) where they differ most.

softmax and log_softmax on rows of 1024 entries uniform on [-scale, scale] for several
scales, with ties at the maximum; gelu (erf form) on [-12, -3] and [-3, 3]. The truth is
fastact's reference evaluated in float64 (within 1 ULP of float64, so exact at float32's
scale). Errors are in ULP of the float32 result; entries whose true value is below the
smallest normal float32 are left out.

    python tools/peer_ulp.py
"""

from __future__ import annotations

import importlib

import numpy as np

import fastact
from fastact import reference

SCALES = (1e-3, 1.0, 10.0, 100.0, 1e4)
NAMES = ("softmax", "log_softmax")


def ulp_error(got: np.ndarray, want: np.ndarray) -> float:
    spacing = np.spacing(np.abs(want).astype(np.float32)).astype(np.float64)
    keep = np.abs(want) >= np.finfo(np.float32).tiny
    return float((np.abs(got.astype(np.float64) - want) / spacing)[keep].max())


def main() -> None:
    rng = np.random.default_rng(5)
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        torch = None
    print(f"{'scale':>8} {'function':12} {'fastact':>10} {'torch':>12}")
    for scale in SCALES:
        x = rng.uniform(-scale, scale, (256, 1024)).astype(np.float32)
        x[::7, 5] = x[::7].max(axis=1)  # a tie at the maximum in every 7th row
        for name in NAMES:
            want = getattr(reference, name)(x.astype(np.float64))
            ours = ulp_error(getattr(fastact, name)(x), want)
            theirs = "-"
            if torch is not None:
                got = getattr(torch, name)(torch.from_numpy(x), -1).numpy()
                theirs = f"{ulp_error(got, want):.3g}"
            print(f"{scale:8g} {name:12} {ours:10.3g} {theirs:>12}")
    for lo, hi in ((-12.0, -3.0), (-3.0, 3.0)):
        x = np.linspace(lo, hi, 20001).astype(np.float32)
        want = reference.gelu(x.astype(np.float64))
        ours = ulp_error(fastact.gelu(x), want)
        theirs = "-"
        if torch is not None:
            got = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
            theirs = f"{ulp_error(got, want):.3g}"
        print(f"{'gelu on [' + str(lo) + ', ' + str(hi) + ']':21} {ours:10.3g} {theirs:>12}")


if __name__ == "__main__":
    main()
