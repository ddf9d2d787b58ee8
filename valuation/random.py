"""Counter-based random numbers: each asset's draws depend only on (seed, asset id, stream, draw).

A Monte Carlo over a batch must give the same figures for an asset whether it is valued alone, in a
batch of a million, or on another worker. Generators seeded per chunk cannot promise that, and a
generator per asset would put a Python loop in the hot path. Instead every uniform is a hash of its
coordinates: ``u = splitmix64(seed, key(asset_id), stream, draw) / 2**64``, evaluated with vectorized
uint64 arithmetic. Inputs are then drawn by inverse transform with
:meth:`valuation.uncertainty.Spread.factor`: closed-form inverse CDFs for triangular and uniform
spreads, scipy's ``ndtri`` for normal and lognormal ones.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
BLOCK_CELLS = 131_072  # uniforms generated per block (1 MiB of uint64): fits the L2 cache


def asset_key(asset_id: str) -> int:
    """Stable 64-bit key of an asset id (BLAKE2b), the same on every machine and Python run."""
    return int.from_bytes(hashlib.blake2b(asset_id.encode("utf-8"), digest_size=8).digest(), "little")


def asset_keys(asset_ids: Iterable[str]) -> np.ndarray:
    """Keys of many asset ids, shape (n,), dtype uint64."""
    return np.fromiter((asset_key(a) for a in asset_ids), dtype=np.uint64)


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    mixed: np.ndarray = z ^ (z >> np.uint64(31))
    return mixed


def _mix_inplace(z: np.ndarray, tmp: np.ndarray) -> None:
    """:func:`_mix` on a large array in place (``tmp`` same shape): no temporaries allocated."""
    for shift, mult in ((30, _M1), (27, _M2)):
        np.right_shift(z, np.uint64(shift), out=tmp)
        z ^= tmp
        z *= mult
    np.right_shift(z, np.uint64(31), out=tmp)
    z ^= tmp


def stream_starts(seed: int, keys: np.ndarray, stream: int) -> np.ndarray:
    """Each asset's start word of a stream, ``mix(key ^ mix(seed·φ + (stream + 1)·M1))``, shape (n,) uint64.

    Draw d (1-based) of the stream is then ``mix(start + d·φ)`` (see :func:`uniforms`).
    """
    with np.errstate(over="ignore"):
        return _mix(np.asarray(keys, dtype=np.uint64) ^ _stream_head(seed, stream))


@functools.lru_cache(maxsize=65_536)
def _stream_head(seed: int, stream: int) -> np.uint64:
    """mix(seed·φ + (stream + 1)·M1): the same for every asset, so computed once per seed and stream."""
    with np.errstate(over="ignore"):
        return np.uint64(_mix(np.asarray(np.uint64(seed) * _GOLDEN + np.uint64(stream + 1) * _M1)))


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
    n = len(keys)
    out = np.empty((n, n_draws))
    per_asset = stream_starts(seed, keys, stream)
    with np.errstate(over="ignore"):
        draws = np.arange(1, n_draws + 1, dtype=np.uint64) * _GOLDEN
        # Rows in blocks of about BLOCK_CELLS draws: the integer work stays in cache (same numbers).
        rows = max(1, BLOCK_CELLS // max(1, n_draws))
        z = np.empty((min(rows, n), n_draws), dtype=np.uint64)
        tmp = np.empty_like(z)
        for start in range(0, n, rows):
            stop = min(n, start + rows)
            zb, tb, ob = z[: stop - start], tmp[: stop - start], out[start:stop]
            np.add(per_asset[start:stop, None], draws[None, :], out=zb)
            _mix_inplace(zb, tb)
            # 53 high bits -> (0, 1): add half an ulp so 0 never occurs and 1 is never reached.
            zb >>= np.uint64(11)
            ob[...] = zb
            ob += 0.5
            ob *= 1.0 / 9007199254740992.0
    return out
