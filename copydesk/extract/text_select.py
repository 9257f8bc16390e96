"""Turn per-line content scores into the set of kept lines.

Why a run: an article is one contiguous stretch of a copied page, so we find the
stretch with the largest token-weighted evidence (a maximum-sum subarray, computed
with cumulative sums instead of a loop), keep lines inside it unless they are very
unlikely, and keep lines outside it only when they are very likely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probability cut-offs of the selection step (tuned by cross-validation)."""

    run: float = 0.5  # a line adds to the run's score when its probability is above this
    inside: float = 0.2  # lines in the run are kept above this
    outside: float = 0.85  # lines outside the run are kept above this


def best_run(weights: Array) -> tuple[int, int]:
    """Start and end (exclusive) of the maximum-sum contiguous run of `weights`."""
    if len(weights) == 0:
        return 0, 0
    csum = np.concatenate(([0.0], np.cumsum(weights, dtype=np.float64)))
    lows = np.minimum.accumulate(csum[:-1])
    gains = csum[1:] - lows
    end = int(np.argmax(gains))
    if gains[end] <= 0:
        return 0, 0
    start = int(np.argmax(csum[: end + 1] == lows[end]))
    return start, end + 1


def select_lines(prob: Array, n_tokens: Array, cut: Thresholds) -> Bools:
    """Which lines to keep, given each line's content probability and token count."""
    start, end = best_run(n_tokens * (prob - cut.run))
    inside = np.zeros(len(prob), dtype=bool)
    inside[start:end] = True
    return np.where(inside, prob > cut.inside, prob > cut.outside)
