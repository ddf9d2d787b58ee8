"""P5 / P50 / P95 of each row (valuation.batch.percentiles_of_rows) as one compiled loop: numpy's linear
percentile, to the bit.

The neighbours of each virtual index (d − 1)·q are found by a bucket select: the bucket of v is
⌊(v − min)·B / (max − min)⌋, which never decreases as v grows (each step rounds monotonically), so an
order statistic lies in the bucket where the running count passes it; only the few buckets that hold
a wanted position are gathered and sorted. The order statistics are the same values whatever the
algorithm; they are interpolated as numpy does: a + (b − a)·γ, or b − (b − a)·(1 − γ) when γ ≥ 0.5.
A row holding a NaN gives NaN; a constant row or one with an infinity is sorted whole.
"""

from __future__ import annotations

import numba
import numpy as np

BUCKETS = 1024


def percentile_rows(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Percentiles (n, Q) of the rows of ``x`` (n, d); ``lo``, ``hi`` (Q,) the neighbours' positions and
    ``gamma`` (Q,) the fractions, as valuation.batch.percentiles_of_rows computes them."""
    out = np.empty((x.shape[0], len(gamma)))
    kth = np.unique(np.concatenate([lo, hi])).astype(np.int64)
    _loop(np.ascontiguousarray(x, dtype=np.float64), kth, np.asarray(lo, dtype=np.int64),
          np.asarray(hi, dtype=np.int64), np.asarray(gamma, dtype=np.float64), out)
    return out


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _loop(x: np.ndarray, kth: np.ndarray, lo: np.ndarray, hi: np.ndarray, gamma: np.ndarray,
          out: np.ndarray) -> np.ndarray:
    n, d = x.shape
    nk = kth.shape[0]
    counts = np.zeros(BUCKETS, dtype=np.int64)
    slot_of = np.full(BUCKETS, -1, dtype=np.int64)
    bucket_of_k = np.empty(nk, dtype=np.int64)
    before_k = np.empty(nk, dtype=np.int64)  # elements in buckets below k's bucket
    start = np.empty(nk + 1, dtype=np.int64)  # each wanted bucket's segment in ``gathered``
    fill = np.empty(nk, dtype=np.int64)
    gathered = np.empty(d)
    value = np.empty(nk)  # the kth order statistics
    for i in range(n):
        row = x[i]
        low, high, has_nan = np.inf, -np.inf, False
        for j in range(d):
            v = row[j]
            if v != v:
                has_nan = True
            low = min(low, v)
            high = max(high, v)
        if has_nan:
            out[i, :] = np.nan
            continue
        span = high - low
        if not (0.0 < span < np.inf):  # constant row, or an infinity: sort it whole
            s = np.sort(row)
            for t in range(nk):
                value[t] = s[kth[t]]
        else:
            scale = BUCKETS / span
            counts[:] = 0
            for j in range(d):
                b = min(int((row[j] - low) * scale), BUCKETS - 1)
                counts[b] += 1
            # the bucket of each wanted position (kth ascending)
            t, running = 0, 0
            for b in range(BUCKETS):
                while t < nk and kth[t] < running + counts[b]:
                    bucket_of_k[t] = b
                    before_k[t] = running
                    t += 1
                running += counts[b]
                if t == nk:
                    break
            # one slot per distinct wanted bucket, its segment sized by its count
            slots = 0
            start[0] = 0
            for t in range(nk):
                b = bucket_of_k[t]
                if slot_of[b] < 0:
                    slot_of[b] = slots
                    fill[slots] = 0
                    start[slots + 1] = start[slots] + counts[b]
                    slots += 1
            for j in range(d):
                v = row[j]
                sl = slot_of[min(int((v - low) * scale), BUCKETS - 1)]
                if sl >= 0:
                    gathered[start[sl] + fill[sl]] = v
                    fill[sl] += 1
            for sl in range(slots):
                gathered[start[sl]:start[sl + 1]].sort()
            for t in range(nk):
                sl = slot_of[bucket_of_k[t]]
                value[t] = gathered[start[sl] + kth[t] - before_k[t]]
            for t in range(nk):
                slot_of[bucket_of_k[t]] = -1
        for q in range(gamma.shape[0]):
            a = value[np.searchsorted(kth, lo[q])]
            b2 = value[np.searchsorted(kth, hi[q])]
            g = gamma[q]
            diff = b2 - a
            out[i, q] = b2 - diff * (1.0 - g) if g >= 0.5 else a + diff * g
    return out
