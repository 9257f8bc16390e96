"""A page that repeats its text keeps one copy; a few repeated lines are left alone."""

from __future__ import annotations

from copydesk.extract.plaintext import MIN_REPEATS, clean_text
from copydesk.extract.result import RemovedKind
from tests.unit.test_text_end import _Fixed

PARAGRAPHS = [
    f"Paragraph {i} of the report says the council will vote on the bridge plan in spring."
    for i in range(MIN_REPEATS + 2)
]


def test_a_second_copy_of_the_article_is_dropped_and_named() -> None:
    out = clean_text("\n".join(["Headline", *PARAGRAPHS, *PARAGRAPHS]), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == PARAGRAPHS
    repeats = [r for r in out.removed if r.kind is RemovedKind.OTHER and "repeated" in r.reason]
    assert [r.text for r in repeats] == PARAGRAPHS


def test_a_few_repeated_lines_stay() -> None:
    few = PARAGRAPHS[: MIN_REPEATS - 1]
    out = clean_text("\n".join(["Headline", *PARAGRAPHS, *few]), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*PARAGRAPHS, *few]
    assert all(r.kind is not RemovedKind.OTHER for r in out.removed)
