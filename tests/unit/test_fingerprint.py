"""Exact and near-duplicate fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.extract.fingerprint import (
    BANDS,
    band_keys,
    content_sha256,
    is_near_duplicate,
    jaccard,
    minhash,
)

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_hash_ignores_whitespace_only_differences() -> None:
    assert content_sha256(["a  b", "c\n"]) == content_sha256([" a b ", "", "c"])
    assert content_sha256(["a b", "c"]) != content_sha256(["a b c"])


def test_hash_folds_unicode_composition() -> None:
    assert content_sha256(["Cafe\u0301"]) == content_sha256(["Café"])


def test_same_story_trimmed_and_edited_is_near_duplicate() -> None:
    story = _seed("000")
    paragraphs = [p for p in story.split("\n") if p.strip()]
    # A second site: another headline, the last two paragraphs cut, a word changed.
    other = ["Putin lands in Pyongyang", *paragraphs[1:-2]]
    other[3] = other[3].replace("Wednesday", "Thursday")
    a, b = minhash("\n".join(paragraphs[1:])), minhash("\n".join(other[1:]))
    assert is_near_duplicate(a, b)
    assert set(band_keys(a)) & set(band_keys(b))


def test_different_stories_on_the_same_topic_are_not_near_duplicates() -> None:
    a, b = minhash(_seed("000")), minhash(_seed("004"))
    assert jaccard(a, b) < 0.2
    assert not is_near_duplicate(a, b)


@pytest.mark.parametrize("text", ["", "one", "two words", "a b c d e f"])
def test_tiny_texts_have_full_signatures(text: str) -> None:
    sig = minhash(text)
    assert sig.shape == (128,)
    assert len(band_keys(sig)) == BANDS
    assert jaccard(sig, minhash(text)) == 1.0
