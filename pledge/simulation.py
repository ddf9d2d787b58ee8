"""Seeded, vectorized Monte Carlo of the collateral value path (docs/pledge.md §Uncertainty).

    V(t) = V0 · D(t) · exp((μ − σ²/2)·t + σ·W(t)) · (1 − j)^N(t)

W a Brownian motion, N a Poisson process of intensity λ_J per year (compliance or legal events, each
taking the share j of the value), D the deterministic decay pattern. Increments between monitoring
dates are exact (no discretization error at the dates). Every draw is a counter-based uniform
(``valuation.random.uniforms``) keyed by (seed, asset id, stream, draw), so a path depends only on
those and not on batch size or worker; normals by inverse transform, Poisson counts by ``poisson.ppf``.
Streams: :data:`STREAM_BASE` + 0 diffusion, + 1 jumps, + 2 value at drawdown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from pledge.collateral import decay_factor
from pledge.models import Collateral, ValueDynamics
from valuation.random import asset_keys, uniforms

STREAM_BASE = 500
STREAM_DIFFUSION = STREAM_BASE
STREAM_JUMPS = STREAM_BASE + 1
STREAM_START = STREAM_BASE + 2


def _u(seed: int, asset_id: str, stream: int, n_paths: int, n_steps: int) -> np.ndarray:
    """Uniforms of shape (n_paths, n_steps), draw index = path · n_steps + step."""
    return uniforms(seed, asset_keys([asset_id]), stream, n_paths * n_steps).reshape(n_paths, n_steps)


def simulate_values(
    v0: float | np.ndarray,
    dynamics: ValueDynamics,
    times_years: np.ndarray,
    remaining_life_years: float,
    *,
    seed: int,
    asset_id: str,
    n_paths: int,
) -> np.ndarray:
    """Simulated collateral values, shape (n_paths, len(times)), CNY.

    ``times_years`` must start at 0 and increase; ``v0`` is a scalar or shape (n_paths,).
    """
    start = np.broadcast_to(np.asarray(v0, dtype=np.float64), (n_paths,))
    values: np.ndarray = simulate_values_batch(
        start[None, :], [dynamics], times_years, [remaining_life_years], seeds=[seed], asset_ids=[asset_id],
        n_paths=n_paths,
    )[0]
    return values


def simulate_values_batch(
    v0: np.ndarray,
    dynamics: Sequence[ValueDynamics],
    times_years: np.ndarray,
    remaining_life_years: Sequence[float],
    *,
    seeds: Sequence[int],
    asset_ids: Sequence[str],
    n_paths: int,
) -> np.ndarray:
    """Collateral values of L assets on one time grid at once, shape (L, n_paths, len(times)), CNY.

    ``v0`` (L, n_paths); one ``dynamics``, remaining life (years), seed and asset id per asset. Asset l
    gets exactly the paths :func:`simulate_values` gives it alone (same streams, same operations).
    """
    t = np.asarray(times_years, dtype=np.float64)
    if t.ndim != 1 or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError("times_years must start at 0 and increase strictly")
    n_assets = len(dynamics)
    dt = np.diff(t)
    n_steps = dt.size
    log_f = np.zeros((n_assets, n_paths, t.size))
    if n_steps:
        # Per-asset scalars computed as the one-asset formula computes them (Python floats).
        drift = np.array([d.drift - 0.5 * d.volatility**2 for d in dynamics])
        incr = np.broadcast_to(drift[:, None, None] * dt, (n_assets, n_paths, n_steps)).copy()
        vol = [i for i, d in enumerate(dynamics) if d.volatility > 0]
        jumps = [i for i, d in enumerate(dynamics) if d.jump_intensity > 0 and d.jump_size > 0]
        if vol:
            u = _uniforms_of(seeds, asset_ids, vol, STREAM_DIFFUSION, n_paths, n_steps)
            sigma = np.array([dynamics[i].volatility for i in vol])
            incr[vol] += (sigma[:, None] * np.sqrt(dt))[:, None, :] * special.ndtri(u)
        if jumps:
            u = _uniforms_of(seeds, asset_ids, jumps, STREAM_JUMPS, n_paths, n_steps)
            lam = np.array([dynamics[i].jump_intensity for i in jumps])
            size = [dynamics[i].jump_size for i in jumps]
            jump_log = np.array([-np.inf if j >= 1.0 else np.log1p(-j) for j in size])
            counts = stats.poisson.ppf(u, (lam[:, None] * dt)[:, None, :])
            with np.errstate(invalid="ignore"):
                incr[jumps] += np.where(counts > 0, counts * jump_log[:, None, None], 0.0)
        log_f[:, :, 1:] = np.cumsum(incr, axis=2)
    d = np.stack([decay_factor(t, dyn, life) for dyn, life in zip(dynamics, remaining_life_years, strict=True)])
    start = np.asarray(v0, dtype=np.float64)
    values: np.ndarray = start[:, :, None] * d[:, None, :] * np.exp(log_f)
    return values


def _uniforms_of(
    seeds: Sequence[int], asset_ids: Sequence[str], which: list[int], stream: int, n_paths: int, n_steps: int
) -> np.ndarray:
    """Uniforms (len(which), n_paths, n_steps) of the assets ``which``: draw index = path · n_steps + step."""
    out = np.empty((len(which), n_paths, n_steps))
    by_seed: dict[int, list[int]] = {}
    for row, i in enumerate(which):
        by_seed.setdefault(seeds[i], []).append(row)
    for seed, rows in by_seed.items():
        keys = asset_keys([asset_ids[which[r]] for r in rows])
        out[rows] = uniforms(seed, keys, stream, n_paths * n_steps).reshape(len(rows), n_paths, n_steps)
    return out


def start_values(collateral: Collateral, haircut: float, *, seed: int, n_paths: int) -> np.ndarray:
    """Collateral value at drawdown per path, shape (n_paths,), CNY, after the method haircut.

    Without uncertainty every path starts at concluded × (1 − h). With ``simulated_values`` a draw is
    resampled (index ⌊u·n⌋); with ``value_spread`` the concluded value is moved by the spread at u.
    """
    base = collateral.concluded_value * (1.0 - haircut)
    if collateral.simulated_values is None and collateral.value_spread is None:
        return np.full(n_paths, base)
    u = _u(seed, collateral.asset_id, STREAM_START, n_paths, 1)[:, 0]
    if collateral.simulated_values is not None:
        draws = np.asarray(collateral.simulated_values, dtype=np.float64)
        return draws[np.minimum((u * draws.size).astype(np.int64), draws.size - 1)] * (1.0 - haircut)
    assert collateral.value_spread is not None
    moved: np.ndarray = np.maximum(collateral.value_spread.apply(base, u), 0.0)
    return moved
