"""Seeded, vectorized Monte Carlo of the collateral value path (DOMAIN §4 "Uncertainty").

    V(t) = V0 · D(t) · exp((μ − σ²/2)·t + σ·W(t)) · (1 − j)^N(t)

W a Brownian motion, N a Poisson process of intensity λ_J per year (compliance or legal events, each
taking the share j of the value), D the deterministic decay pattern. Increments between monitoring
dates are exact (no discretization error at the dates). Every draw is a counter-based uniform
(``valuation.random.uniforms``) keyed by (seed, asset id, stream, draw), so a path depends only on
those and not on batch size or worker; normals by inverse transform, Poisson counts by ``poisson.ppf``.
Streams: :data:`STREAM_BASE` + 0 diffusion, + 1 jumps, + 2 value at drawdown.
"""

from __future__ import annotations

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
    t = np.asarray(times_years, dtype=np.float64)
    if t.ndim != 1 or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError("times_years must start at 0 and increase strictly")
    dt = np.diff(t)
    n_steps = dt.size
    log_f = np.zeros((n_paths, t.size))
    if n_steps:
        mu, sigma = dynamics.drift, dynamics.volatility
        incr = np.broadcast_to((mu - 0.5 * sigma**2) * dt, (n_paths, n_steps)).copy()
        if sigma > 0:
            z = special.ndtri(_u(seed, asset_id, STREAM_DIFFUSION, n_paths, n_steps))
            incr += sigma * np.sqrt(dt) * z
        if dynamics.jump_intensity > 0 and dynamics.jump_size > 0:
            jump_log = -np.inf if dynamics.jump_size >= 1.0 else np.log1p(-dynamics.jump_size)
            counts = stats.poisson.ppf(
                _u(seed, asset_id, STREAM_JUMPS, n_paths, n_steps), dynamics.jump_intensity * dt
            )
            with np.errstate(invalid="ignore"):
                incr += np.where(counts > 0, counts * jump_log, 0.0)
        log_f[:, 1:] = np.cumsum(incr, axis=1)
    start = np.broadcast_to(np.asarray(v0, dtype=np.float64), (n_paths,))
    d = decay_factor(t, dynamics, remaining_life_years)
    return start[:, None] * d[None, :] * np.exp(log_f)


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
    return np.maximum(collateral.value_spread.apply(base, u), 0.0)
