"""The nested cut-off selection of `bench/text_cutoffs.py` on a small made-up table."""

from __future__ import annotations

import numpy as np

from bench.text_cutoffs import f_beta, frontier, nested, recall_given_precision, summary


def table() -> np.ndarray:
    """Three combinations over four pages in two folds: combination 0 is precise, 2 is
    inclusive, 1 is best on fold 0 only (so nesting must not reuse fold 1's pick)."""
    p = [[1.0, 1.0, 0.9, 0.9], [0.95, 0.95, 0.5, 0.5], [0.8, 0.8, 0.8, np.nan]]
    r = [[0.5, 0.5, 0.6, 0.6], [1.0, 1.0, 0.2, 0.2], [0.9, 0.9, 0.9, 0.9]]
    return np.stack([np.array(p), np.array(r)], axis=-1)


def test_summary_skips_pages_without_precision() -> None:
    p, r = summary(table(), np.arange(4))
    assert np.isclose(p[2], 0.8) and np.isclose(r[2], 0.9)


def test_nested_picks_on_the_other_fold_and_scores_held_out() -> None:
    fold_of = np.array([0, 0, 1, 1])
    precision, recall, picks = nested(table(), fold_of, f_beta(1.0))
    # fold 0 held out: fold 1's pages favour combination 2; fold 1 held out: combination 1.
    assert picks == [2, 1]
    assert np.isclose(precision, (0.8 + 0.8 + 0.5 + 0.5) / 4)
    assert np.isclose(recall, (0.9 + 0.9 + 0.2 + 0.2) / 4)


def test_precision_floor_falls_back_to_the_most_precise() -> None:
    p, r = np.array([0.9, 0.95, 0.92]), np.array([0.99, 0.9, 0.95])
    assert int(np.argmax(recall_given_precision(0.93)(p, r))) == 1
    assert int(np.argmax(recall_given_precision(0.99)(p, r))) == 1
    assert int(np.argmax(recall_given_precision(0.91)(p, r))) == 2


def test_frontier_keeps_only_undominated_points() -> None:
    p, r = np.array([0.9, 0.95, 0.92, 0.91]), np.array([0.99, 0.9, 0.95, 0.94])
    assert frontier(p, r) == [1, 2, 0]
