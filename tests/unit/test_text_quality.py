"""Quality floors of the plain-text cleaner on a fixed slice of the dev set.

Every third article page (ids in sorted order) is cleaned and scored with the dev
set's metric; the floors sit a little below the figures measured when they were
pinned (P 0.918, R 0.969, F1 0.942 on 2026-11-29 with the shipped line and
end-of-article models, which saw these pages in training; P 0.935, R 0.968, F1 0.951
on 2026-11-30 with the rules after the model: credits, buttons, form messages, tables
of contents, closing sections and bio lines; P 0.936, R 0.971, F1 0.953 on 2026-11-30 with
the rules that keep article text at the run's edges - numbered lists, conclusion sections,
question-and-answer pairs, opening and closing paragraphs; P 0.935, R 0.973, F1 0.953 on
2026-11-30 with the precision rules and the end cut-off tuned for P >= 0.93), so a regression
turns CI red. Honest held-out figures come from `bench/text_heldout.py` (every page cleaned
by models fitted without its site).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.metric import score_page, summarise
from copydesk.extract import extract_text

REPO = Path(__file__).resolve().parents[2]
ARTICLE_TYPES = ("article", "blog")
EVERY = 3
FLOOR_PRECISION = 0.933
FLOOR_RECALL = 0.970
FLOOR_F1 = 0.950


def devset_dir() -> Path:
    """`<repo>/../shared/devset`, or $COPYDESK_DEVSET; the test fails when it is missing."""
    path = Path(os.environ.get("COPYDESK_DEVSET", REPO.parent / "shared" / "devset"))
    assert (path / "truth").is_dir(), f"dev set not found at {path}"
    return path


def test_text_quality_floor() -> None:
    root = devset_dir()
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("truth/*.json"))]
    articles = [t for t in truths if t["page_type"] in ARTICLE_TYPES][::EVERY]
    assert len(articles) >= 90
    scores = []
    for truth in articles:
        text = (root / "text" / f"{truth['id']}.txt").read_text(encoding="utf-8")
        scores.append(score_page(extract_text(text).text, truth["articleBody"]))
    s = summarise(scores)
    assert s.precision >= FLOOR_PRECISION, s
    assert s.recall >= FLOOR_RECALL, s
    assert s.f1 >= FLOOR_F1, s
