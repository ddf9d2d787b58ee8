"""Forecast of the base from its yearly history: statsmodels ETSModel, additive error, additive damped trend.

A forecast of the base may come from its history (docs/valuation.md §Income method): a time-series
model (exponential smoothing) fitted to the asset's past revenue, with its prediction interval carried
into the uncertainty analysis. The 90 % prediction interval per step (``summary_frame(alpha=0.10)``, exact
for an additive model) gives the normal sd the Monte Carlo uses: sd = (upper − lower) / (2 × z_0.95).
The history is fitted in units of its mean absolute value (the model is scale-equivariant; this keeps
the optimizer well conditioned) and the results are scaled back to CNY; the fit is restarted from a few
smoothing levels and the highest likelihood kept.

Limitation (stated in the result's notes when it happens): on 5-8 yearly points the likelihood often
puts the smoothing level at its lower bound, a deterministic damped trend; the exact interval then has
the same width at every step (year-to-year noise only, not the uncertainty of the trend itself).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

PI_ALPHA = 0.10
# The likelihood of a short history often has two modes (smoothing level near 0 and near 1); the
# default start (0.1) finds the first. Restarting from these levels keeps the higher likelihood.
RESTART_SMOOTHING_LEVELS = (0.5, 0.9)


@lru_cache(maxsize=1)
def z_90() -> float:
    """1.6449: the half-width of a 90 % interval in sd (scipy loads here, on the first ETS fit)."""
    from scipy import stats

    return float(stats.norm.ppf(1 - PI_ALPHA / 2))


@dataclass(frozen=True)
class EtsFit:
    """Point forecast, 90 % interval and implied sd per step (CNY a year), with the model's parameters."""

    mean: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    sd: tuple[float, ...]
    params: tuple[tuple[str, float], ...]
    aic: float
    converged: bool


@lru_cache(maxsize=256)
def fit_ets(history: tuple[float, ...], steps: int) -> EtsFit:
    """Fit ETS(A, Ad, N) to ``history`` (CNY a year, oldest first) and forecast ``steps`` years ahead."""
    import pandas as pd  # here, with statsmodels: only a history to fit needs them
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = np.asarray(history, dtype=np.float64)
    scale = float(np.mean(np.abs(y))) or 1.0
    series = pd.Series(y / scale)
    model = ETSModel(series, error="add", trend="add", damped_trend=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is reported through ``converged``
        fit = model.fit(disp=False)
        for alpha in RESTART_SMOOTHING_LEVELS:
            start = np.array(model.start_params, dtype=np.float64)
            start[0] = alpha
            candidate = model.fit(start_params=start, disp=False)
            if candidate.llf > fit.llf + 1e-9:
                fit = candidate
        frame = fit.get_prediction(start=len(y), end=len(y) + steps - 1, method="exact").summary_frame(
            alpha=PI_ALPHA
        )
    mean = frame["mean"].to_numpy(dtype=np.float64) * scale
    lower = frame["pi_lower"].to_numpy(dtype=np.float64) * scale
    upper = frame["pi_upper"].to_numpy(dtype=np.float64) * scale
    sd = (upper - lower) / (2.0 * z_90())
    params = []
    for name, value in zip(fit.param_names, np.asarray(fit.params, dtype=np.float64), strict=True):
        params.append((name, float(value) * scale if name.startswith("initial") else float(value)))
    retvals = getattr(fit, "mle_retvals", None) or {}
    return EtsFit(
        mean=tuple(mean.tolist()),
        lower=tuple(lower.tolist()),
        upper=tuple(upper.tolist()),
        sd=tuple(sd.tolist()),
        params=tuple(params),
        aic=float(fit.aic),
        converged=bool(retvals.get("converged", True)),
    )
