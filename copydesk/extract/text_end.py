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

import math
from dataclasses import dataclass

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
NUMBERED_FIRST = np.zeros(256, dtype=bool)
NUMBERED_FIRST[[*range(ord("0"), ord("9") + 1), ord("#")]] = True


_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}
_STOP, _DIGITS, _UPPER = _COL["stop_share"], _COL["short_with_digits"], _COL["upper_share"]
_COLON, _CUE, _LOG_TOK = _COL["ends_colon"], _COL["cue_line"], _COL["log_tokens"]
# Per-line values averaged over the kept lines of a block and of the text before it.
_MEAN_NAMES = ("log_tok", "short", "final", "digits", "stop", "prob", "question", "cue", "numbered")
# Per-line value columns: the means above, then line count, tokens, squared log tokens.
_N_VALS = len(_MEAN_NAMES) + 3
# Value columns copied straight from the line features, and the heading's own features.
# Index arrays rather than lists: numpy converts a list index on every use.
_FEATURE_SLOTS = np.array(
    [_MEAN_NAMES.index(m) for m in ("log_tok", "digits", "stop", "cue")], dtype=np.intp
)
_FEATURE_COLS = np.array([_LOG_TOK, _DIGITS, _STOP, _CUE], dtype=np.intp)
_HEAD_COLS = np.array([_LOG_TOK, _COLON, _CUE, _UPPER], dtype=np.intp)
_QUESTION = ord("?")
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
    features: Array,
    prob: Array,
    facts: PageFacts,
    keep: Bools,
) -> tuple[npt.NDArray[np.intp], Array]:
    """Candidate end lines and, per candidate, the features of the block from it to
    the last kept line, against the kept text before it."""
    cand, x, _ = block_features(features, prob, facts, keep, starts=False)
    return cand, x


def block_features(
    features: Array, prob: Array, facts: PageFacts, keep: Bools, starts: bool
) -> tuple[npt.NDArray[np.intp], Array, int]:
    """`end_features`, then (with `starts`) the same for the page read backwards: the
    candidate last lines of a header before the article (`text_start`), each with the
    block from the first kept line to it against the kept text after it. Returns the
    candidates of both kinds in one array, their features, and how many are ends.

    Only the kept span is read (no kept line lies outside it), in one matrix of per-line
    values whose prefix sums give every candidate's block sums at once, in both
    directions; the features of both kinds are computed together, since on a page's few
    candidates numpy's per-call cost dominates."""
    kept = keep.nonzero()[0]
    if len(kept) < 2:
        return np.zeros(0, dtype=np.intp), np.zeros((0, len(END_FEATURE_NAMES)), np.float32), 0
    lo, hi = int(kept[0]), int(kept[-1]) + 1
    span = slice(lo, hi)
    ntok = facts.n_tokens[span]
    vals = np.empty((hi - lo, _N_VALS))
    vals[:, _FEATURE_SLOTS] = features[span, _FEATURE_COLS]
    vals[:, 1] = ntok < SHORT_TOKENS
    vals[:, 2] = facts.final[span]
    vals[:, 5] = prob[span]
    vals[:, 6] = facts.last_byte[span] == _QUESTION
    vals[:, 8] = numbered = NUMBERED_FIRST[facts.first_byte[span]]
    vals[:, 9] = 1.0  # line count
    vals[:, 10] = ntok
    np.square(vals[:, 0], out=vals[:, 11])
    vals *= keep[span, None]
    prefix = np.zeros((hi - lo + 1, _N_VALS))
    np.cumsum(vals, axis=0, out=prefix[1:])
    total = prefix[-1]
    floor = max(MIN_TOKENS_BEFORE, (1.0 - MAX_AFTER_SHARE) * total[10])
    short = (ntok <= HEAD_MAX_TOKENS) & ~facts.final[span]
    heads = short & (prefix[:-1, 10] >= floor)
    heads[0] = False
    at = heads.nonzero()[0]
    n_ends = len(at)
    before = prefix[at]
    after = total - before
    block_lines = hi - lo - at
    if starts:
        # Read backwards, the block "after" a candidate runs from the first kept line to
        # it (included) and "before" it is the rest; the last line never qualifies.
        tails = short & (prefix[1:, 10] <= float(total[10]) - floor)
        tails[-1] = False
        back = tails.nonzero()[0][::-1]  # in the backward reading's order
        upto = back + 1
        head = prefix[upto]
        at = np.concatenate((at, back))
        after = np.concatenate((after, head))
        before = np.concatenate((before, total - head))
        block_lines = np.concatenate((block_lines, upto))
    if len(at) == 0:
        return at, np.zeros((0, len(END_FEATURE_NAMES)), np.float32), 0
    cand = at + lo
    n_after = np.maximum(after[:, 9], 1.0)
    m = len(_MEAN_NAMES)
    mean_after = after[:, :m] / n_after[:, None]
    mean_before = before[:, :m] / np.maximum(before[:, 9], 1.0)[:, None]
    out = np.empty((len(cand), len(END_FEATURE_NAMES)), dtype=np.float32)
    out[:, :m] = mean_after
    out[:, m : 2 * m] = mean_after - mean_before
    col = 2 * m
    out[:, col] = after[:, 10] / max(total[10], 1.0)
    logs = np.empty((len(cand), 3))
    logs[:, 0], logs[:, 1], logs[:, 2] = after[:, 10], after[:, 9], before[:, 10]
    out[:, col + 1 : col + 4] = np.log1p(logs, out=logs)
    out[:, col + 4] = 1.0 - after[:, 9] / block_lines
    var = after[:, 11] / n_after - mean_after[:, 0] ** 2
    out[:, col + 5] = np.sqrt(np.maximum(var, 0.0))
    out[:, col + 6 : col + 10] = features[cand[:, None], _HEAD_COLS]
    out[:, col + 10] = prob[cand]
    out[:, col + 11] = keep[cand]
    out[:, col + 12] = numbered[at]
    return cand, out, n_ends


def find_end(
    model: EndModel, features: Array, prob: Array, facts: PageFacts, keep: Bools
) -> int | None:
    """The line where the section after the article's end begins, or None."""
    cand, x = end_features(features, prob, facts, keep)
    return best_candidate(model, cand, x)


def best_candidate(model: EndModel, cand: npt.NDArray[np.intp], x: Array) -> int | None:
    """The most likely candidate when its probability exceeds the model's threshold.

    Compared as log-odds (the sigmoid is monotonic), so no exponential is taken."""
    if len(cand) == 0 or model.threshold >= 1.0:
        return None
    z = x @ model.weights
    best = int(z.argmax())
    cut = math.log(model.threshold / (1.0 - model.threshold)) - model.bias
    return int(cand[best]) if z[best] > cut else None
