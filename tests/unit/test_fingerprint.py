"""Exact and near-duplicate fingerprints."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from copydesk.extract.fingerprint import (
    BANDS,
    PERMUTATIONS,
    _word_hashes,
    band_keys,
    content_sha256,
    is_near_duplicate,
    jaccard,
    minhash,
    signature_bytes,
)

MATH_ABC = "\U0001d400\U0001d401\U0001d402"  # beyond the BMP
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


@pytest.mark.parametrize(
    "text",
    [
        "Hello, hello HELLO world_wide -- 42 4.2 x",
        "Café naïve Straße STRASSE ÉCOLE école",
        "日本語のテキスト、中文 Ελληνικά русский текст",
        f"maths {MATH_ABC} {MATH_ABC} emoji 😀 after 😀 ok",  # letters, a symbol
        "İstanbul ISTANBUL istanbul",
        "tab\tand\nnewline\u00a0nbsp\u2009thin",
        "",
        "   ,;  ",
    ],
)
def test_words_are_the_regex_words_lower_cased(text: str) -> None:
    words = [w.lower() for w in re.findall(r"\w+", text.replace("\u0130", "i"))]
    hashes = _word_hashes(text).tolist()
    assert len(hashes) == len(words)
    assert len(set(zip(words, hashes, strict=True))) == len(set(words)) == len(set(hashes))


def test_signature_ignores_case_punctuation_and_spacing_but_not_word_order() -> None:
    story = _seed("000")
    words = re.findall(r"\w+", story)
    assert np.array_equal(minhash(story), minhash(" ".join(words).upper()))
    assert jaccard(minhash(story), minhash(" ".join(reversed(words)))) < 0.05


# Pinned so that a change of algorithm, seed or numpy behaviour is a deliberate act: stored
# signatures and band keys are only comparable with those computed the same way.
PINNED_TEXT = (
    f"The quick brown fox jumps over the lazy dog. Ünïcode İstanbul {MATH_ABC} under_score 42."
)
PINNED_SHA256 = "0f64431232f2de52ce6f401afb5ccd302d6155096bfa5e43b4dd829517b1121c"
PINNED_FIRST_BANDS = [-4263811605051577334, -1399241451369866296]


def test_fingerprint_is_pinned() -> None:
    signature = minhash(PINNED_TEXT)
    assert hashlib.sha256(signature_bytes(signature)).hexdigest() == PINNED_SHA256
    assert band_keys(signature)[:2] == PINNED_FIRST_BANDS


def test_fingerprint_is_the_same_in_other_processes() -> None:
    code = (
        "import sys; from copydesk.extract.fingerprint import band_keys, minhash;"
        "print(band_keys(minhash(sys.stdin.read())))"
    )
    story = _seed("004")
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=story,
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            encoding="utf-8",
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {str(band_keys(minhash(story)))}


def test_band_keys_are_distinct_signed_64_bit_even_for_equal_bands() -> None:
    for value in (0, 7, 2**32 - 1):
        keys = band_keys(np.full(PERMUTATIONS, value, dtype=np.uint32))
        assert len(set(keys)) == BANDS
        assert all(-(2**63) <= k < 2**63 for k in keys)
    assert any(k < 0 for k in band_keys(minhash(_seed("000"))))
