"""extract_text is pure: same output for the same input, also under concurrent calls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.extract import extract_text

PAGE = "\n".join(
    [
        "Home",
        "News",
        "Sport",
        "Council approves new river crossing after years of delay",
        "By Jane Doe",
        "The city council approved plans for a new bridge over the river on Tuesday, ending a "
        "debate that has run for more than a decade and divided residents on both banks.",
        "Construction is expected to begin next spring and to take about three years, officials "
        "said, with the cost shared between the city and the regional government.",
        "Sign up for our newsletter",
        "Opponents said the money would be better spent on buses and on repairing the roads that "
        "already exist, and they promised to keep campaigning against the project.",
        "Share this article",
        "© 2025 Example Media. All rights reserved.",
    ]
)
GERMAN = "\n".join(
    [
        "Startseite",
        "Der Stadtrat hat am Dienstag den Bau einer neuen Brücke über den Fluss beschlossen, "
        "nachdem die Debatte mehr als zehn Jahre gedauert hatte.",
        "Die Bauarbeiten sollen im nächsten Frühjahr beginnen und etwa drei Jahre dauern, "
        "sagten die Verantwortlichen der Stadt am Abend.",
        "Anzeige",
        "Gegner sagten, das Geld wäre für Busse und die Reparatur der bestehenden Straßen "
        "besser ausgegeben, und kündigten weiteren Widerstand an.",
        "Alle Rechte vorbehalten",
    ]
)


def test_same_output_twice() -> None:
    assert extract_text(PAGE) == extract_text(PAGE)


def test_concurrent_calls_agree() -> None:
    pages = [PAGE, GERMAN] * 20
    expected = [extract_text(p) for p in pages]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(extract_text, pages)) == expected


def test_small_page_keeps_article_and_names_cuts() -> None:
    result = extract_text(PAGE)
    assert any(p.startswith("The city council approved") for p in result.paragraphs)
    assert any(p.startswith("Opponents said") for p in result.paragraphs)
    assert all("newsletter" not in p for p in result.paragraphs)
    kinds = {r.text: str(r.kind) for r in result.removed}
    assert kinds["Sign up for our newsletter"] == "newsletter-promo"
    assert kinds["By Jane Doe"] == "byline"
    assert result.metadata.authors == ("Jane Doe",)


def test_german_page() -> None:
    result = extract_text(GERMAN)
    assert len(result.paragraphs) == 3
    assert {str(r.kind) for r in result.removed if r.text == "Anzeige"} == {"advertisement"}
    assert result.metadata.language == "de"


_PROSE = [
    "The city council approved plans for a new bridge over the river on Tuesday, ending a "
    "debate that has run for more than a decade and divided residents on both banks.",
    "Construction is expected to begin next spring and to take about three years, officials "
    "said, with the cost shared between the city and the regional government.",
    "Opponents said the money would be better spent on buses and on repairing the roads that "
    "already exist, and they promised to keep campaigning against the project.",
    "Supporters answered that the bridge would cut journey times for thousands of commuters "
    "and bring new shops and jobs to the neighbourhoods on the southern bank.",
]


def test_related_box_inside_article_is_cut_and_text_after_it_kept() -> None:
    page = "\n".join(
        [
            *_PROSE[:2],
            "More on the river:",
            "Flood defences to be raised before winter",
            "Ferry service ends after 90 years",
            *_PROSE[2:],
        ]
    )
    result = extract_text(page)
    assert result.paragraphs == tuple(_PROSE)
    kinds = {r.text: str(r.kind) for r in result.removed}
    assert kinds["Ferry service ends after 90 years"] == "related-links"


def test_comment_thread_without_heading_is_cut() -> None:
    comments = [
        "Jane Roe says:",
        "I have crossed that river by ferry for forty years and I will be glad to see a bridge "
        "at last, whatever it costs the city and whatever the opponents say about it.",
        "John Poe says:",
        "The money would be much better spent on the buses, which are late every single "
        "morning, and on the roads that already exist in the north of the city.",
    ]
    result = extract_text("\n".join([*_PROSE, *comments]))
    assert result.paragraphs == tuple(_PROSE)
    assert {str(r.kind) for r in result.removed} == {"comments"}


@pytest.mark.parametrize("text", ["", "   \n\n  ", "x"])
def test_degenerate_inputs(text: str) -> None:
    result = extract_text(text)
    assert isinstance(result.paragraphs, tuple)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=120), max_size=40))
def test_any_text_gives_a_subset_of_its_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = extract_text(text)
    source = {line.strip() for line in text.replace("\r", "\n").split("\n")}
    # Every paragraph is a source line or a piece of one (glued boilerplate cut off).
    assert all(any(p in s for s in source) for p in result.paragraphs)


GLUED_TAIL = PAGE.replace("Sign up for our newsletter\n", "").replace(
    "the regional government.", "the regional government. Sign up for our newsletter"
)


def test_glued_promo_tail_is_cut_from_its_paragraph() -> None:
    result = extract_text(GLUED_TAIL)
    assert any(p.endswith("the regional government.") for p in result.paragraphs)
    assert all("Sign up" not in p for p in result.paragraphs)
    tails = [r for r in result.removed if r.text == "Sign up for our newsletter"]
    assert [str(r.kind) for r in tails] == ["newsletter-promo"]


def test_glued_advertisement_marker_is_cut_and_prose_kept() -> None:
    result = extract_text(PAGE.replace("Opponents said", "AdvertisementOpponents said"))
    assert any(p.startswith("Opponents said") for p in result.paragraphs)
    assert ("Advertisement", "advertisement") in {(r.text, str(r.kind)) for r in result.removed}
