"""The start-of-article model: the end model's block features read backwards."""

from __future__ import annotations

import numpy as np

from copydesk.extract.plaintext import clean_text
from copydesk.extract.result import RemovedKind
from copydesk.extract.text_end import end_features
from copydesk.extract.text_features import page_features
from copydesk.extract.text_model import shipped_model
from copydesk.extract.text_start import find_bounds, start_features
from tests.unit.test_text_end import PROSE, _Fixed, assert_cut_as, short_model

TEASERS = [
    "Around the region",
    "Five things about the bus lanes",
    "Why the market hall reopens",
    "The best bakeries, ranked",
    "Latest news",
]
LINES = [*TEASERS, *[PROSE] * 6, "Budget and timetable", *[PROSE] * 3]
HEADER_END = TEASERS.index("Latest news")


def test_candidates_are_the_end_candidates_of_the_reversed_page() -> None:
    features, facts = page_features(LINES)
    keep = np.ones(len(LINES), dtype=bool)
    prob = np.full(len(LINES), 0.9, dtype=np.float32)
    cand, x = start_features(features, prob, facts, keep)
    backwards, back_facts = page_features(LINES[::-1])
    rcand, rx = end_features(backwards, prob, back_facts, keep)
    assert cand.tolist() == [len(LINES) - 1 - i for i in rcand.tolist()]
    np.testing.assert_allclose(x, rx, rtol=1e-5)
    # Every header line qualifies (little of the kept text lies up to it); the
    # subheading deep in the article does not, and prose lines never do.
    assert set(cand.tolist()) == set(range(len(TEASERS)))


def test_find_bounds_picks_the_header_end_only_when_confident() -> None:
    features, facts = page_features(LINES)
    keep = np.ones(len(LINES), dtype=bool)
    prob = np.full(len(LINES), 0.9, dtype=np.float32)
    sure, unsure = short_model(0.9), short_model(1.01)
    assert find_bounds(None, sure, features, prob, facts, keep) == (None, HEADER_END)
    assert find_bounds(None, unsure, features, prob, facts, keep) == (None, None)
    # The end model reads the same pass; nothing here looks like a section after the end.
    assert find_bounds(unsure, sure, features, prob, facts, keep) == (None, HEADER_END)


def test_the_header_before_the_cut_is_dropped_and_named() -> None:
    text = "\n".join(LINES)
    assert "bus lanes" in clean_text(text, _Fixed(None)).text  # type: ignore[arg-type]
    out = clean_text(text, _Fixed(None, start=short_model(0.9)))  # type: ignore[arg-type]
    assert "Latest news" not in out.text
    assert out.paragraphs[0] == PROSE
    assert_cut_as(out, "bus lanes", RemovedKind.NAVIGATION, "before the article")


def test_shipped_model_has_a_start_model() -> None:
    assert shipped_model().start is not None
