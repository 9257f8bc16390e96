"""The article-extraction metric of the dev set (see ../shared/devset/README.md).

Tokens are `\\w+` matches; each text becomes a multiset of 4-token shingles; a page
scores precision and recall from the shingle overlap. Precision is averaged over pages
with a non-empty output, recall over all pages, and F1 is taken from the two means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of a text (one short shingle for tiny texts)."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Precision (None for an empty output) and recall of one page."""

    precision: float | None
    recall: float


def score_page(output: str, truth: str) -> PageScore:
    """Score one page's output against its true article body."""
    got, want = shingles(output), shingles(truth)
    tp = sum((got & want).values())
    precision = tp / sum(got.values()) if got else None
    recall = tp / sum(want.values()) if want else (1.0 if not got else 0.0)
    return PageScore(precision, recall)


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean precision, mean recall and their F1 over a set of pages."""

    precision: float
    recall: float
    f1: float
    pages: int


def summarise(scores: Iterable[PageScore]) -> Summary:
    """Average page scores the way the dev set's metric does."""
    scores = list(scores)
    precisions = [s.precision for s in scores if s.precision is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(s.recall for s in scores) / len(scores) if scores else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Summary(p, r, f1, len(scores))
