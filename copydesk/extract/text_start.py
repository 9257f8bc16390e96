"""Where the article starts: the end-of-article block model, read backwards.

Why: the page header above an article (section menus, teaser lists, bios, promos) can be
prose-like enough for the line model, just as the section after its end can. Seen from the
article, the header is the block up to a short unpunctuated line (a menu item, a byline,
a date, a label), and it looks unlike the text after that line in the same ways the
section after an article's end looks unlike the article above it. So the candidates and
block features of `text_end` are computed on the page read from its last line to its
first (in the same pass as the end's, `text_end.block_features`); a separate logistic
model (trained by `bench/train_text_model.py`, grouped by site, on the same kept text as
the end model) says whether the kept text up to and including a candidate lies before
the article's start.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from copydesk.extract.text_end import EndModel, best_candidate, block_features
from copydesk.extract.text_features import PageFacts

Array = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]


def start_features(
    features: Array, prob: Array, facts: PageFacts, keep: Bools
) -> tuple[npt.NDArray[np.intp], Array]:
    """Candidate last lines of a header (short unpunctuated lines with at least
    `MIN_TOKENS_BEFORE` kept tokens after them and at most `MAX_AFTER_SHARE` of the kept
    tokens up to them) and their block features, as `end_features` gives them on the
    page read backwards."""
    cand, x, ends = block_features(features, prob, facts, keep, starts=True)
    return cand[ends:], x[ends:]


def find_bounds(
    end: EndModel | None,
    start: EndModel | None,
    features: Array,
    prob: Array,
    facts: PageFacts,
    keep: Bools,
) -> tuple[int | None, int | None]:
    """The first line after the article's end and the last line of the header before
    its start (each None when its model is missing or not confident), from one pass."""
    cand, x, ends = block_features(features, prob, facts, keep, starts=start is not None)
    last = None if end is None else best_candidate(end, cand[:ends], x[:ends])
    first = None if start is None else best_candidate(start, cand[ends:], x[ends:])
    return last, first
