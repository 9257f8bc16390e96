"""The end-of-article model: candidates, block features, the cut and how it is named."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from copydesk.extract import extract_text
from copydesk.extract.plaintext import clean_text
from copydesk.extract.result import Extraction, RemovedKind
from copydesk.extract.text_end import END_FEATURE_NAMES, EndModel, end_features, find_end
from copydesk.extract.text_features import page_features
from copydesk.extract.text_model import shipped_model
from copydesk.extract.text_select import Thresholds

PROSE = (
    "The council approved the plan for a new bridge over the river on Tuesday evening, "
    "ending a debate that has divided residents on both banks for more than ten years."
)
LINES = [
    "Council approves river crossing",
    *[PROSE] * 6,
    "Budget and timetable",
    *[PROSE] * 3,
    "Around the region",
    "Five things about the bus lanes",
    "Why the market hall reopens",
    "The best bakeries, ranked",
]
HEADINGS = (LINES.index("Budget and timetable"), LINES.index("Around the region"))


def _page() -> tuple[np.ndarray, object, np.ndarray]:
    features, facts = page_features(LINES)
    keep = np.ones(len(LINES), dtype=bool)
    keep[0] = False
    return features, facts, keep


def test_candidates_are_heading_like_lines_in_the_late_kept_text() -> None:
    features, facts, keep = _page()
    prob = np.full(len(LINES), 0.9, dtype=np.float32)
    cand, x = end_features(features, prob, facts, keep)  # type: ignore[arg-type]
    # Teaser titles and the box heading qualify; the subheading too (more than half the
    # kept tokens lie before it); prose lines never do.
    assert set(HEADINGS) <= set(cand.tolist())
    assert x.shape == (len(cand), len(END_FEATURE_NAMES))
    assert np.isfinite(x).all()
    short = END_FEATURE_NAMES.index("after_short")
    # The block after the box heading is all teasers: short lines only.
    assert x[cand.tolist().index(HEADINGS[1]), short] == 1.0


def test_find_end_cuts_at_the_most_likely_candidate_only_when_confident() -> None:
    features, facts, keep = _page()
    prob = np.full(len(LINES), 0.9, dtype=np.float32)
    weights = np.zeros(len(END_FEATURE_NAMES), dtype=np.float32)
    weights[END_FEATURE_NAMES.index("after_short")] = 10.0
    sure = EndModel(weights, -5.0, 0.9)
    unsure = EndModel(weights, -5.0, 1.01)
    assert find_end(sure, features, prob, facts, keep) == HEADINGS[1]  # type: ignore[arg-type]
    assert find_end(unsure, features, prob, facts, keep) is None  # type: ignore[arg-type]


@dataclass
class _Fixed:
    """A line model that scores every line but the title as article."""

    end: EndModel | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    start: EndModel | None = None

    def predict(self, features: np.ndarray) -> np.ndarray:
        prob = np.full(len(features), 0.9, dtype=np.float32)
        prob[0] = 0.0
        return prob


def short_model(threshold: float) -> EndModel:
    """A block model confident when the block is all short lines."""
    weights = np.zeros(len(END_FEATURE_NAMES), dtype=np.float32)
    weights[END_FEATURE_NAMES.index("after_short")] = 10.0
    return EndModel(weights, -5.0, threshold)


def assert_cut_as(out: Extraction, text: str, kind: RemovedKind, reason: str) -> None:
    """`text` is out of the article, in exactly one removed span of that kind and reason."""
    assert text not in out.text
    cut = [r for r in out.removed if text in r.text]
    assert len(cut) == 1
    assert cut[0].kind is kind
    assert reason in cut[0].reason


def test_the_cut_section_is_named_in_removed() -> None:
    out = clean_text("\n".join(LINES), _Fixed(short_model(0.9)))  # type: ignore[arg-type]
    assert "ten years" in out.text
    assert_cut_as(out, "Five things about", RemovedKind.OTHER, "after the article's end")


def test_shipped_model_has_an_end_model() -> None:
    assert shipped_model().end is not None
    assert extract_text("\n".join(LINES)).text
