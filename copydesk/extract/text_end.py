"""Where the article ends: a block-level model over the kept text after heading-like lines.

Why blocks: the line model judges each line with a little context, so a related-stories
list, a FAQ, an author bio or a comment thread right after the article - long, prose-like
lines - survives it. Read as a whole, the section after such a boundary looks unlike the
article above it: shorter, more alike lines, more digits and questions, a different
model score. So every heading-like line in the kept span (short, no final punctuation)
is a candidate end; the kept lines after it form a block, described by a few means
computed for all candidates at once from prefix sums; a small logistic model (trained by
`bench/train_text_model.py`, grouped by site) says whether the block follows the
article's end, and the cleaner cuts at the most likely candidate when confident.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt

from copydesk.extract.text_features import FEATURE_NAMES, PageFacts

Array = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]

# A candidate end: a kept-span line of at most this many tokens without final punctuation...
HEAD_MAX_TOKENS = 12
# ...with at least this many kept tokens of article before it (block statistics mean
# little on a page of three paragraphs, where a promo line would look like an end).
MIN_TOKENS_BEFORE = 150
# ...and at most this share of the kept tokens after it (an end cut never takes most of
# the kept text: a wrong early cut costs far more than a missed one).
MAX_AFTER_SHARE = 0.5
# A kept line this short counts as a short (teaser, label, counter) line.
SHORT_TOKENS = 8

# A line opening with a digit or "#" is a numbered item ("9. HTC", "#1) Supersets"):
# listicles end with such sections, which are article, not teasers.
_NUMBERED_FIRST = np.zeros(256, dtype=bool)
_NUMBERED_FIRST[[*range(ord("0"), ord("9") + 1), ord("#")]] = True


def first_bytes(lines: list[str]) -> npt.NDArray[np.uint8]:
    """The first byte of each (non-empty) line's UTF-8 encoding."""
    data = "\n".join(lines).encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    starts = np.empty(len(lines), dtype=np.intp)
    starts[0] = 0
    starts[1:] = (raw == 10).nonzero()[0] + 1
    return raw[starts]


_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}
_STOP, _DIGITS, _UPPER = _COL["stop_share"], _COL["short_with_digits"], _COL["upper_share"]
_COLON, _CUE, _LOG_TOK = _COL["ends_colon"], _COL["cue_line"], _COL["log_tokens"]
# Per-line values averaged over the kept lines of a block and of the text before it.
_MEAN_NAMES = ("log_tok", "short", "final", "digits", "stop", "prob", "question", "cue", "numbered")
END_FEATURE_NAMES: tuple[str, ...] = (
    *(f"after_{m}" for m in _MEAN_NAMES),
    *(f"diff_{m}" for m in _MEAN_NAMES),
    "after_share", "log_after_tokens", "log_after_lines", "log_before_tokens",
    "dropped_share", "spread_log_tok", "head_log_tok", "head_colon", "head_cue",
    "head_upper", "head_prob", "head_kept", "head_numbered",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EndModel:
    """A logistic model over `END_FEATURE_NAMES` (standardisation folded in) and the
    probability above which the best candidate is cut."""

    weights: Array
    bias: float
    threshold: float

    def predict(self, features: Array) -> Array:
        """Probability that each candidate's block lies after the article's end."""
        z = np.clip(features @ self.weights + self.bias, -30.0, 30.0)
        prob: Array = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return prob


def end_features(
    lines: list[str],
    features: Array,
    prob: Array,
    facts: PageFacts,
    keep: Bools,
) -> tuple[npt.NDArray[np.intp], Array]:
    """Candidate end lines and, per candidate, the features of the block from it to
    the last kept line, against the kept text before it."""
    n_tokens, final = facts.n_tokens, facts.final
    kept = keep.nonzero()[0]
    if len(kept) < 2:
        return np.zeros(0, dtype=np.intp), np.zeros((0, len(END_FEATURE_NAMES)), np.float32)
    start, end = int(kept[0]), int(kept[-1])
    kept_tok = np.where(keep, n_tokens, 0.0)
    before_tok = kept_tok.cumsum() - kept_tok
    span = np.arange(start + 1, end + 1)
    cand = span[
        (n_tokens[span] <= HEAD_MAX_TOKENS)
        & ~final[span]
        & (before_tok[span] >= max(MIN_TOKENS_BEFORE, (1.0 - MAX_AFTER_SHARE) * kept_tok.sum()))
    ]
    if len(cand) == 0:
        return cand, np.zeros((0, len(END_FEATURE_NAMES)), np.float32)
    n = len(lines)
    vals = np.empty((n, len(_MEAN_NAMES) + 3), dtype=np.float64)
    vals[:, 0] = features[:, _LOG_TOK]
    vals[:, 1] = n_tokens < SHORT_TOKENS
    vals[:, 2] = final
    vals[:, 3] = features[:, _DIGITS]
    vals[:, 4] = features[:, _STOP]
    vals[:, 5] = prob
    vals[:, 6] = list(map(str.endswith, lines, repeat("?")))
    vals[:, 7] = features[:, _CUE]
    vals[:, 8] = numbered = _NUMBERED_FIRST[first_bytes(lines)]
    vals[:, 9] = 1.0  # line count
    vals[:, 10] = n_tokens
    vals[:, 11] = features[:, _LOG_TOK] ** 2
    vals *= keep[:, None]
    prefix = np.zeros((n + 1, vals.shape[1]))
    np.cumsum(vals, axis=0, out=prefix[1:])
    total = prefix[n]
    before = prefix[cand]
    after = total - before
    n_after = np.maximum(after[:, 9], 1.0)
    n_before = np.maximum(before[:, 9], 1.0)
    m = len(_MEAN_NAMES)
    mean_after = after[:, :m] / n_after[:, None]
    mean_before = before[:, :m] / n_before[:, None]
    var = after[:, 11] / n_after - mean_after[:, 0] ** 2
    out = np.empty((len(cand), len(END_FEATURE_NAMES)), dtype=np.float32)
    out[:, :m] = mean_after
    out[:, m : 2 * m] = mean_after - mean_before
    col = 2 * m
    out[:, col] = after[:, 10] / max(total[10], 1.0)
    out[:, col + 1] = np.log1p(after[:, 10])
    out[:, col + 2] = np.log1p(after[:, 9])
    out[:, col + 3] = np.log1p(before[:, 10])
    out[:, col + 4] = 1.0 - after[:, 9] / (end + 1 - cand)
    out[:, col + 5] = np.sqrt(np.maximum(var, 0.0))
    out[:, col + 6] = features[cand, _LOG_TOK]
    out[:, col + 7] = features[cand, _COLON]
    out[:, col + 8] = features[cand, _CUE]
    out[:, col + 9] = features[cand, _UPPER]
    out[:, col + 10] = prob[cand]
    out[:, col + 11] = keep[cand]
    out[:, col + 12] = numbered[cand]
    return cand, out


def find_end(
    model: EndModel,
    lines: list[str],
    features: Array,
    prob: Array,
    facts: PageFacts,
    keep: Bools,
) -> int | None:
    """The line where the section after the article's end begins, or None."""
    cand, x = end_features(lines, features, prob, facts, keep)
    if len(cand) == 0:
        return None
    p = model.predict(x)
    best = int(p.argmax())
    return int(cand[best]) if p[best] > model.threshold else None
