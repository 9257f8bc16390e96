"""extract_text is pure: same output for the same input, also under concurrent calls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

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
    assert result.paragraphs[0].startswith("The city council approved")
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


@pytest.mark.parametrize("text", ["", "   \n\n  ", "x"])
def test_degenerate_inputs(text: str) -> None:
    result = extract_text(text)
    assert isinstance(result.paragraphs, tuple)
