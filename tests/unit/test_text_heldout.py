"""The reporting helpers of `bench/text_heldout.py` on made-up pages (the fitting itself
is the training script's, run by the bench)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.metric import PageScore
from bench.text_heldout import compare, false_positives
from bench.train_text_model import Page

BODY = "The council approved the plan for a new bridge over the river on Tuesday evening."
PROMO = "Sign up for our weekly newsletter to get the best stories delivered to your inbox."


def _page(page_id: str, site: str, lines: list[str]) -> Page:
    n = len(lines)
    empty = np.zeros(n, dtype=np.float32)
    return Page(page_id, site, "\n".join(lines), BODY, lines, empty[:, None], empty,
                np.zeros(n, dtype=bool))  # fmt: skip


def test_false_positives_name_the_kept_lines_outside_the_answer() -> None:
    page = _page("p1", "example.com", [BODY, PROMO])
    [(row, share, wrong)] = false_positives(page, (BODY, PROMO))
    assert row == 1
    assert share == 1.0
    assert wrong == len(PROMO.replace(",", "").split()) - 3  # every 4-token shingle


def test_compare_counts_pages_and_sites_that_moved(capsys: pytest.CaptureFixture[str]) -> None:
    pages = [_page("a", "one.com", [BODY]), _page("b", "two.com", [BODY]),
             _page("c", "two.com", [BODY])]  # fmt: skip
    before: dict[str, list[float | None]] = {"a": [0.5, 1.0], "b": [1.0, 1.0], "c": [None, 0.0]}
    after = {"a": PageScore(1.0, 1.0), "b": PageScore(0.5, 1.0), "c": PageScore(None, 0.0)}
    compare(before, after, pages)
    out = capsys.readouterr().out
    assert "better: 1 pages on 1 sites; worse: 1 pages on 1 sites" in out
    assert "better one.com: a +0.333" in out
    assert "worse two.com: b -0.333" in out
