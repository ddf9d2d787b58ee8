"""Counter-based random numbers: each asset's draws depend only on (seed, asset id, stream, draw).

A Monte Carlo over a batch must give the same figures for an asset whether it is valued alone, in a
batch of a million, or on another worker (issue 8). Generators seeded per chunk cannot promise that,
and a generator per asset would put a Python loop in the hot path. Instead every uniform is a hash
of its coordinates: ``u = splitmix64(seed, key(asset_id), stream, draw) / 2**64``, evaluated with
vectorized uint64 arithmetic. Inputs are then drawn by inverse transform, ``dist.ppf(u)`` of a scipy
distribution.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def asset_key(asset_id: str) -> int:
    """Stable 64-bit key of an asset id (BLAKE2b), the same on every machine and Python run."""
    return int.from_bytes(hashlib.blake2b(asset_id.encode("utf-8"), digest_size=8).digest(), "little")


def asset_keys(asset_ids: Iterable[str]) -> np.ndarray:
    """Keys of many asset ids, shape (n,), dtype uint64."""
    return np.fromiter((asset_key(a) for a in asset_ids), dtype=np.uint64)


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def uniforms(seed: int, keys: np.ndarray, stream: int, n_draws: int) -> np.ndarray:
    """Uniforms in the open interval (0, 1), shape (len(keys), n_draws).

    Parameters
    ----------
    seed
        Batch seed (any non-negative int below 2**64).
    keys
        Asset keys from :func:`asset_keys`, shape (n,).
    stream
        Which input is drawn (0, 1, 2 ...); each input of a method uses its own stream number.
    n_draws
        Number of Monte Carlo draws per asset.
    """
    keys = np.asarray(keys, dtype=np.uint64)
    with np.errstate(over="ignore"):
        head = _mix(np.asarray(np.uint64(seed) * _GOLDEN + np.uint64(stream + 1) * _M1))
        per_asset = _mix(keys ^ head)
        draws = np.arange(1, n_draws + 1, dtype=np.uint64) * _GOLDEN
        z = _mix(per_asset[:, None] + draws[None, :])
    # 53 high bits -> (0, 1): add half an ulp so 0 never occurs and 1 is never reached.
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)
