"""Fixtures for the benchmark suite: the shared input and the optional peers."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

import fastact

SIZE = 65_536
DTYPE = np.float32
SEED = 20240531


@pytest.fixture(scope="session")
def x() -> np.ndarray:
    """SIZE float32 values drawn uniformly from [-10, 10] with a fixed seed (read-only)."""
    values = np.random.default_rng(SEED).uniform(-10.0, 10.0, SIZE).astype(DTYPE)
    values.flags.writeable = False
    return values


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch with fastact's thread count; skips the test when torch is not installed."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(fastact.get_num_threads())
    return torch
