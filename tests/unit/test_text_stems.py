"""StemFinder finds exactly the lines a plain `stem in line` test finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.extract.cues import COMMENT_AUTHOR_STEMS, COMMENT_STEMS, GLUED_TAIL_STEMS
from copydesk.extract.text_stems import StemFinder

STEMS = ("newsletter", "sign up", "síguen", " says", "repl")
FINDER = StemFinder.of(STEMS)


def _naive(lines: list[str], stems: tuple[str, ...]) -> list[int]:
    return [i for i, line in enumerate(lines) if any(stem in line for stem in stems)]


@pytest.mark.parametrize(
    ("lines", "rows"),
    [
        ([], []),
        (["abc"], []),
        (["newsletter"], [0]),
        (["a", "b", "get our newsletter"], [2]),
        (["sign", "up"], []),  # a stem never spans two lines
        (["síguenos en redes", "siguen"], [0]),  # non-ASCII bytes
        (["jane doe says:", "he says so", "says"], [0, 1]),  # the leading space counts
        (["reply", "repl", "rep"], [0, 1]),
        (["newsletter sign up", "x", "replies"], [0, 2]),  # a line is listed once
    ],
)
def test_rows_with_table(lines: list[str], rows: list[int]) -> None:
    assert FINDER.rows_with(lines) == rows


def test_short_stem_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter"):
        StemFinder.of(("abc",))


_ALPHABET = "abcdeilnoprstuwy ñíé" + "".join(STEMS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), max_size=8))
def test_same_rows_as_substring_test(lines: list[str]) -> None:
    assert FINDER.rows_with(lines) == _naive(lines, STEMS)


@pytest.mark.parametrize("stems", [GLUED_TAIL_STEMS, COMMENT_STEMS + COMMENT_AUTHOR_STEMS])
def test_cleaner_stems_on_text(stems: tuple[str, ...]) -> None:
    lines = [
        "click here to subscribe to our newsletter",
        "He said the plan would work.",
        "Jane Doe says:",
        "leave a reply",
        "sígueNos",
        "nothing to see",
        "12 comments",
    ]
    assert StemFinder.of(stems).rows_with(lines) == _naive(lines, stems)


def _naive_stems(lines: list[str], stems: tuple[str, ...]) -> set[tuple[int, bytes]]:
    return {(i, s.encode()) for i, line in enumerate(lines) for s in stems if s in line}


def test_stems_in_names_the_stem_and_its_line() -> None:
    lines = ["get our newsletter", "x", "sign up, síguenos", "newsletter"]
    assert FINDER.stems_in(lines) == [
        (0, b"newsletter"),
        (2, b"sign up"),
        (2, "síguen".encode()),
        (3, b"newsletter"),
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), max_size=8))
def test_stems_in_same_pairs_as_substring_test(lines: list[str]) -> None:
    assert set(FINDER.stems_in(lines)) == _naive_stems(lines, STEMS)
