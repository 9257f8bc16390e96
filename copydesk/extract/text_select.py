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

# A prose line of at least this many tokens right above the run is the article's opening
# paragraph, whatever its score (and right below the article, its closing paragraph: see
# `plaintext._keep_closing`).
EDGE_MIN_TOKENS = 25


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probability cut-offs of the selection step (tuned by cross-validation)."""

    run: float = 0.5  # a line adds to the run's score when its probability is above this
    inside: float = 0.2  # lines in the run are kept above this
    outside: float = 0.85  # lines outside the run are kept above this
    extend: float = 1.0  # prose lines next to the run join it above this (1.0 = never)


def best_run(weights: Array) -> tuple[int, int]:
    """Start and end (exclusive) of the maximum-sum contiguous run of `weights`."""
    if len(weights) == 0:
        return 0, 0
    csum = np.empty(len(weights) + 1)
    csum[0] = 0.0
    np.cumsum(weights, dtype=np.float64, out=csum[1:])
    lows = np.minimum.accumulate(csum[:-1])
    gains = csum[1:] - lows
    end = int(gains.argmax())
    if gains[end] <= 0:
        return 0, 0
    start = int((csum[: end + 1] == lows[end]).argmax())
    return start, end + 1


def select_lines(
    prob: Array, n_tokens: Array, cut: Thresholds, prose: Bools | None = None
) -> Bools:
    """Which lines to keep, given each line's content probability and token count.

    With `prose` (lines that read as sentences), the run grows over adjacent prose
    lines scoring above `cut.extend`: a pasted article often ends at the end of the
    text, where the model expects a footer. Then a long prose line right above the run
    (`EDGE_MIN_TOKENS`) joins it and is kept: an article's opening paragraph often reads
    like a standfirst or teaser to the model and scores low, while a teaser or promo
    just above an article is seldom that long. (The closing paragraph below the run is
    kept after the end model has run, so the run does not grow that way.)"""
    start, end = best_run(n_tokens * (prob - cut.run))
    if prose is not None and end > start:
        grow = prose & (prob > cut.extend)
        while end < len(prob) and grow[end]:
            end += 1
        while start > 0 and grow[start - 1]:
            start -= 1
    # Outside the run the strict cut-off, inside it the loose one (written over the run
    # rather than chosen per line by `np.where`: fewer numpy calls on a few hundred lines).
    keep = prob > cut.outside
    keep[start:end] = prob[start:end] > cut.inside
    if prose is not None and end > start > 0:
        lead = start - 1
        keep[lead] |= bool(prose[lead]) and n_tokens[lead] >= EDGE_MIN_TOKENS
    return keep
