"""Residue removal and fallback paths of `extract_html`."""

from __future__ import annotations

import pytest

from copydesk.extract import RemovedKind, extract_html
from copydesk.extract import html as html_module
from copydesk.extract.html_residue import remove_residue

BODY = " ".join(
    f"Sentence {i} explains how the tide rises and falls along the long northern coast."
    for i in range(12)
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Advertisement", RemovedKind.ADVERTISEMENT),
        ("Sign up for our newsletter", RemovedKind.NEWSLETTER_PROMO),
        ("Photo: Jane Roe/Getty Images", RemovedKind.CAPTION),
        ("Updated: March 5, 2025", RemovedKind.DATELINE),
        ("5 min read", RemovedKind.DATELINE),
        ("Jane Doe", RemovedKind.BYLINE),
    ],
)
def test_residue_lines_are_removed_with_kind(line: str, kind: RemovedKind) -> None:
    cleaned = remove_residue([BODY, line, BODY + " More."], "Tides", ["Jane Doe"])
    assert cleaned.paragraphs == (BODY, BODY + " More.")
    assert [r.kind for r in cleaned.removed] == [kind]
    assert cleaned.removed[0].reason


def test_repeated_headline_and_bio_box_are_removed() -> None:
    bio = "Jane Doe is a science writer who has covered the oceans for ten years."
    cleaned = remove_residue(["How Tides Work", BODY, bio], "How Tides Work", ["Jane Doe"])
    assert cleaned.paragraphs == (BODY,)
    assert {r.reason for r in cleaned.removed} == {
        "headline repeated as body text",
        "author bio box",
    }


def test_prose_mentioning_the_author_is_kept() -> None:
    line = "Jane Doe said the tide was the highest she had seen in a decade of watching."
    assert remove_residue([BODY, line], None, ["Jane Doe"]).paragraphs == (BODY, line)


def _page(body: str) -> str:
    return f"<html><head><title>Tides</title></head><body>{body}</body></html>"


def test_article_page_takes_trafilatura_recall_mode_first() -> None:
    html = _page(f"<article><h1>Tides</h1><p>{BODY}</p><p>Advertisement</p><p>{BODY}</p></article>")
    result = extract_html(html, "https://example.com/tides")
    assert result.path == "trafilatura-recall"
    assert result.title == "Tides"
    assert "Advertisement" not in result.paragraphs
    assert any(r.kind is RemovedKind.ADVERTISEMENT for r in result.removed)


def test_default_mode_runs_when_recall_mode_finds_a_small_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []

    def fake(tree: object, url: object, settings: object, *, recall: bool) -> list[str]:
        calls.append(recall)
        return ["A teaser line that recall mode picked up."] if recall else [BODY, BODY]

    monkeypatch.setattr(html_module, "_trafilatura", fake)
    result = extract_html(_page(f"<p>{BODY}</p><p>{BODY}</p>"), None)
    assert calls == [True, False]
    assert result.path == "trafilatura"
    assert result.paragraphs == (BODY, BODY)


def test_text_only_in_a_footer_is_found_by_recall_mode() -> None:
    result = extract_html(_page(f"<footer><p>{BODY}</p></footer>"))
    assert result.path == "trafilatura-recall"
    assert result.text == BODY


def test_visible_text_fallback_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulate a page trafilatura fails on: both of its modes return no document.
    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", lambda *a, **k: None)
    result = extract_html(_page(f"<div><p>{BODY}</p><p>{BODY} Again.</p></div>"))
    assert result.path == "text-cleaner"
    assert BODY in result.text


@pytest.mark.parametrize("html", ["", "   ", "<html></html>"])
def test_empty_input_gives_an_empty_extraction(html: str) -> None:
    result = extract_html(html)
    assert result.paragraphs == ()


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Table of Contents", RemovedKind.NAVIGATION),
        ("On this page", RemovedKind.NAVIGATION),
        ("- 2 min read", RemovedKind.DATELINE),
        ("- Sep 26, 2022", RemovedKind.DATELINE),
        ("Written by", RemovedKind.BYLINE),
        (
            "This post may contain affiliate links. We may earn a commission at no cost to you.",
            RemovedKind.ADVERTISEMENT,
        ),
        ("Each product was independently selected by our editors.", RemovedKind.ADVERTISEMENT),
        ("Also read: Why the tide turns twice a day", RemovedKind.RELATED_LINKS),
        ("[Read more: A Guide to Coastal Surveying]", RemovedKind.RELATED_LINKS),
        ("Related: Tides may not improve harbour traffic", RemovedKind.RELATED_LINKS),
        ("Learn more about the Coastal Surveying Program", RemovedKind.NEWSLETTER_PROMO),
        ("Read our full tide-table app review", RemovedKind.NEWSLETTER_PROMO),
        ("Check out these 15 harbours you should visit", RemovedKind.NEWSLETTER_PROMO),
        ("Download now", RemovedKind.NEWSLETTER_PROMO),
        ("Get the Template >", RemovedKind.NEWSLETTER_PROMO),
        ("Image from Jane's October 2024 review.", RemovedKind.CAPTION),
        ("Friday, November 14, 2025", RemovedKind.DATELINE),
        ("Written by: Jane Roe, Senior Analyst", RemovedKind.BYLINE),
        ("\U0001f449 Read about the rise of tide power on Example.", RemovedKind.RELATED_LINKS),
        ("\u27a1\ufe0f Learn more about tides", RemovedKind.RELATED_LINKS),
        ("This article is exclusive to Tides+ subscribers", RemovedKind.PAYWALL),
        ("Already have an account?", RemovedKind.PAYWALL),
        ("Contact staff writer Jane Roe at jane@example.org.", RemovedKind.BYLINE),
        (
            "We use cookies on our website to give you the most relevant experience by "
            "remembering your preferences and repeat visits. By clicking Accept, you consent "
            "to the use of all the cookies. However, you may visit Cookie Settings to provide "
            "a controlled consent, as the law requires of every website that stores data.",
            RemovedKind.COOKIE_NOTICE,
        ),
    ],
)
def test_more_residue_lines_are_removed(line: str, kind: RemovedKind) -> None:
    cleaned = remove_residue([BODY, line, BODY + " More."], None, [])
    assert cleaned.paragraphs == (BODY, BODY + " More.")
    assert [r.kind for r in cleaned.removed] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        "- Modified: you changed the file but have not committed it yet.",
        "- DateRange guarantees that the start comes before the end.",
        "- Merchant and affiliate programs: connect your store to the platform.",
        "Contents of the box matter more than the box itself, as every mover learns.",
        "- Learn how to read a tide table before you set out",
        "Explore the old harbour and its lighthouse",
        "Learn how the new harbour fee works",
        "Find out if your boat qualifies for the mooring credit",
        "See how the two harbours compare",
        "Check out the best coastal walks in the region",
        "Pictures from the quay showed widespread flooding.",
        "Images from the survey reveal a silted channel.",
        "\u00ab Nous ne l\u00e2cherons rien \u00bb",
        "\u00ab Une d\u00e9cision historique pour le port\u00a0\u00bb",
        "conditions = < true || false >",
        "Read the tide table twice.",
        "Contact with salt water corrodes the harbour's iron rails within a few years.",
        "Also reading the charts, the pilot said: the tide had turned an hour early.",
        "Browsers store cookies for every website a reader visits, and a third-party cookie"
        " lets an advertiser follow that reader from one website to the next without asking.",
    ],
)
def test_lines_resembling_residue_are_kept(line: str) -> None:
    assert remove_residue([BODY, line], None, []).paragraphs == (BODY, line)


def test_related_heading_near_the_end_closes_the_article() -> None:
    teasers = ["Related articles", "- Five ways tides shape coasts", "- Why the sea is salty"]
    cleaned = remove_residue([BODY, BODY + " Two.", BODY + " Three.", *teasers], None, [])
    assert cleaned.paragraphs == (BODY, BODY + " Two.", BODY + " Three.")
    assert {r.kind for r in cleaned.removed} == {RemovedKind.RELATED_LINKS}
    assert [r.text for r in cleaned.removed] == teasers


def test_related_heading_before_much_more_article_is_not_an_ending() -> None:
    paragraphs = [BODY, BODY + " Two.", "Related articles", "- One teaser", BODY + " Three."]
    cleaned = remove_residue([*paragraphs, BODY + " Four.", BODY + " Five."], None, [])
    assert BODY + " Five." in cleaned.paragraphs
    assert "- One teaser" in cleaned.paragraphs


def test_duplicated_block_of_long_paragraphs_is_kept_once() -> None:
    block = [
        f"Teaser {i}: navigating the disability process can be hard while you recover."
        for i in range(5)
    ]
    cleaned = remove_residue([*block, BODY, "Pros", *block, "Pros"], None, [])
    assert cleaned.paragraphs == (*block, BODY, "Pros", "Pros")
    assert [r.reason for r in cleaned.removed] == ["paragraph repeated verbatim"] * 5


def test_a_tip_restated_once_is_kept_twice() -> None:
    tip = "Book the mover at least eight weeks ahead, and confirm the date a week before."
    cleaned = remove_residue([tip, BODY, tip], None, [])
    assert cleaned.paragraphs == (tip, BODY, tip)


@pytest.mark.parametrize("heading", ["References", "References & Sources"])
def test_references_list_at_the_end_is_cut(heading: str) -> None:
    refs = [heading, "1. Doe J. (2020). Tides and moons.", "2. Roe R. (2021). Coasts."]
    cleaned = remove_residue([BODY, BODY + " Two.", BODY + " Three.", *refs], None, [])
    assert cleaned.paragraphs == (BODY, BODY + " Two.", BODY + " Three.")
    assert [r.text for r in cleaned.removed] == refs


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("- Five ways tides shape coasts - December 8, 2025", RemovedKind.RELATED_LINKS),
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", RemovedKind.OTHER),
        ("(John Roe is an Associate Attorney at Example LLP.)", RemovedKind.BYLINE),
        ("Fill out the form to get a copy of our ebook.", RemovedKind.NEWSLETTER_PROMO),
    ],
)
def test_widget_placeholder_and_bio_lines(line: str, kind: RemovedKind) -> None:
    cleaned = remove_residue([BODY, BODY + " More.", line], None, [])
    assert cleaned.paragraphs == (BODY, BODY + " More.")
    assert [r.kind for r in cleaned.removed] == [kind]


def test_bio_box_going_on_by_surname_is_removed() -> None:
    bio = ["Jane Doe co-founded a small surveying firm.", "At Example News, Doe covers the sea."]
    cleaned = remove_residue([BODY, *bio], None, ["Jane Doe"])
    assert cleaned.paragraphs == (BODY,)


def test_breadcrumb_above_the_article_is_removed() -> None:
    crumbs = ["- News", "- Lifestyle", "- How Tides Work"]
    cleaned = remove_residue([*crumbs, BODY], "How Tides Work", [])
    assert cleaned.paragraphs == (BODY,)
    assert [r.kind for r in cleaned.removed[:2]] == [RemovedKind.NAVIGATION] * 2


def test_one_short_list_item_opening_the_article_is_kept() -> None:
    lines = ["- Fast", "The tide comes in twice a day along the northern coast.", BODY]
    assert remove_residue(lines, None, []).paragraphs == tuple(lines)


def test_hidden_modal_dialog_is_dropped_before_extraction() -> None:
    # Trafilatura keeps such a dialog when a site's widget wraps it (a "Republish this
    # story" box): the page hides it until a button opens it, so no reader sees it.
    html = (
        "<html><body><article><p>Tides rise.</p>"
        "<div role='dialog' aria-modal='true' style='display: none'><p>Republish</p></div>"
        "<div role='dialog'><p>Open dialog</p></div></article></body></html>"
    )
    tree = html_module.parse_html(html)
    assert tree is not None
    html_module._drop_hidden_dialogs(tree)
    assert tree.text_content() == "Tides rise.Open dialog"


def test_short_lines_above_the_repeated_headline_are_removed() -> None:
    lines = ["Supermove wins three awards.", "How Tides Work", BODY]
    cleaned = remove_residue(lines, "How Tides Work", [])
    assert cleaned.paragraphs == (BODY,)
    assert [r.reason for r in cleaned.removed] == [
        "text above the headline",
        "headline repeated as body text",
    ]


def test_long_paragraph_above_the_repeated_headline_is_kept() -> None:
    lines = [BODY, "How Tides Work", BODY + " More."]
    cleaned = remove_residue(lines, "How Tides Work", [])
    assert cleaned.paragraphs == (BODY, "How Tides Work", BODY + " More.")


def test_cookie_banner_wording_inside_the_article_is_kept() -> None:
    quoted = (
        "Many sites now open with a notice saying we use cookies on our website, and regulators"
        " found that half of those cookies load before the reader gives any consent at all."
    )
    body = [f"{BODY} Part {i}." for i in range(12)]
    lines = [*body[:6], quoted, *body[6:]]
    assert remove_residue(lines, None, []).paragraphs == tuple(lines)


def test_headline_printed_twice_cuts_above_the_second() -> None:
    lines = ["How Tides Work", "A standfirst about tides.", "Skip to content", "How Tides Work"]
    cleaned = remove_residue([*lines, BODY], "How Tides Work", [])
    assert cleaned.paragraphs == (BODY,)
