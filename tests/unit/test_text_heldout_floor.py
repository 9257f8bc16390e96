"""Held-out quality floor of the whole plain-text cleaner over the dev set's articles.

The in-sample floors (`test_text_quality.py`) score pages the shipped models were trained
on; they would not notice a change that only fits the dev set. Here every article is
cleaned by line, end and start models fitted without its site (5 folds grouped by site,
`bench/text_heldout.py`, about a minute of CPU), with every rule after them. Measured
when pinned (2026-11-30): P 0.93009, R 0.95342, F1 0.94161; the floors sit a little below,
so that a regression, or a rule that helps only the pages it was tuned on, turns CI red.
"""

from __future__ import annotations

from bench import text_heldout, train_text_model
from bench.metric import score_page, summarise
from copydesk.extract.plaintext import clean_text
from tests.unit.test_text_quality import devset_dir

FLOOR_PRECISION = 0.928
FLOOR_RECALL = 0.950
FLOOR_F1 = 0.939


def test_held_out_quality_floor() -> None:
    pages = train_text_model.load_pages(devset_dir())
    assert len(pages) >= 290
    fold_of, models = text_heldout.load_or_fit(pages, 5, None)
    s = summarise(
        score_page(clean_text(page.text, models[fold_of[i]]).text, page.body)
        for i, page in enumerate(pages)
    )
    assert s.precision >= FLOOR_PRECISION, s
    assert s.recall >= FLOOR_RECALL, s
    assert s.f1 >= FLOOR_F1, s
