"""Delivering the oracle's results as a ufunc would: ``out=``, ``where=`` and scalars."""

from __future__ import annotations

import numpy as np


def deliver(name, results, out, where, n_out):
    """Results as the ufunc gives them: scalars for 0-d, masked by ``where``, or written
    into ``out`` (every destination checked before any is written); errors name ``name``."""
    if out is None:
        if where is not True:
            results = [np.where(where, r, np.zeros((), r.dtype)) for r in results]
        results = [r[()] if r.ndim == 0 else r for r in results]
        return results[0] if n_out == 1 else tuple(results)
    outs = out if isinstance(out, tuple) else (out,)
    if len(outs) != n_out:
        raise ValueError(f"fastact.{name}: out must have {n_out} array(s)")
    try:
        # check every destination before writing any
        for dst, r in zip(outs, results, strict=False):
            np.broadcast_shapes(dst.shape, r.shape)
            if dst.shape != np.broadcast_shapes(dst.shape, r.shape):
                raise ValueError(f"output shape {dst.shape} cannot hold {r.shape}")
            if not dst.flags.writeable:
                raise ValueError("output array is read-only")
            if not np.can_cast(r.dtype, dst.dtype, "same_kind"):
                raise TypeError(f"cannot cast {r.dtype} to output {dst.dtype}")
        for dst, r in zip(outs, results, strict=False):
            np.copyto(dst, r, where=where, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"fastact.{name}: {exc}") from None
    return outs[0] if n_out == 1 else outs

