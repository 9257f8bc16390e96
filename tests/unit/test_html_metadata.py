"""Table-driven tests of HTML metadata: authors, dates, titles, JSON-LD and OpenGraph."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from trafilatura.utils import load_html

from copydesk.extract.authors import clean_authors
from copydesk.extract.dates import parse_date, valid_date
from copydesk.extract.metadata import page_metadata
from copydesk.extract.titles import choose_title, strip_site_name

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SITES = ["Example News", "example.com"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("Jane Doe, Ph.D.", ("Jane Doe",)),
        ("Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Center for Drug Evaluation and Research", ("Center for Drug Evaluation and Research",)),
        ("Staff", ()),
        ("Editorial Team", ()),
        ("5 Minute Read", ()),
        ("March 5, 2025", ()),
        ("2024-01-02", ()),
        ("Example News", ()),
        ("@janedoe", ()),
        ("https://example.com/authors/jane", ()),
        ("JANE DOE", ("Jane Doe",)),
    ],
)
def test_declared_authors_are_validated(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], SITES) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe | March 5, 2025 | 4 min read", ("Jane Doe",)),
        ("Jane DoeDec 18, 2025", ("Jane Doe",)),
        ("JD Jane Doe Last updated on 17 December 2025", ("Jane Doe",)),
        ("Posted by Jane Doe on Friday", ("Jane Doe",)),
        ("Florence says", ()),
        ("Name *", ()),
    ],
)
def test_visible_bylines_lose_dates_and_ui_text(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], SITES, visible=True) == expected


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        ("Jane Doe", "Jane Doe", ("Jane Doe",)),  # a personal site named after its author
        ("Harbour Dental Care", "Harbour Dental Care", ()),
        ("USA TODAY", "USA TODAY", ()),
        ("Example", "Example", ()),
        ("The Daily Tide", "The Daily Tide", ()),
    ],
)
def test_site_name_is_an_author_only_for_a_personal_site(
    raw: str, site: str, expected: tuple[str, ...]
) -> None:
    assert clean_authors([raw], [site]) == expected


def test_declared_person_may_share_the_site_name() -> None:
    assert clean_authors(["Tide"], ["Tide"], people=["Tide"]) == ("Tide",)


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2025-03-05T10:00:00Z", "2025-03-05"),
        ("2025-03-05T23:30:00-05:00", "2025-03-05"),
        ("2025-03-05", "2025-03-05"),
        ("Wed, 05 Mar 2025 10:00:00 +0000", "2025-03-05"),
        ("March 5, 2025", "2025-03-05"),
        ("5th March 2025", "2025-03-05"),
        ("20250305", "2025-03-05"),
    ],
)
def test_dates_parse_timezone_aware(raw: str, day: str) -> None:
    parsed = parse_date(raw)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed.date().isoformat() == day


@pytest.mark.parametrize("raw", ["1970-01-01", "1990-12-31", "2030-06-01", "not a date", ""])
def test_dates_outside_the_web_era_are_dropped(raw: str) -> None:
    assert valid_date(raw, NOW) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("How Tides Work | Example News", "How Tides Work"),
        ("How Tides Work - example.com", "How Tides Work"),
        ("Example News — How Tides Work", "How Tides Work"),
        ("How Tides Work | Science | Example News", "How Tides Work | Science"),
        ("Tides - A Primer", "Tides - A Primer"),
    ],
)
def test_site_name_is_cut_from_titles(title: str, expected: str) -> None:
    assert strip_site_name(title, SITES) == expected


@pytest.mark.parametrize(
    ("h1", "declared", "expected"),
    [
        (["How Tides Work"], ["How Tides Work | Example News"], "How Tides Work"),
        (["Example News", "How Tides Work"], ["How Tides Work | Example News"], "How Tides Work"),
        ([], ["How Tides Work | Example News"], "How Tides Work"),
        (["How Tides Work Posted on May 2, 2024 by Jane"], ["How Tides Work"], "How Tides Work"),
        (["Why the Moon Pulls"], ["The Moon and tides - Example News"], "Why the Moon Pulls"),
        # A sole heading sharing almost no word with the declared title is a menu or a
        # promo box heading, and one whose "?" stand for characters lost to a wrong
        # charset is the declared title.
        (["Open Menu Close Menu"], ["Webcams - Example News"], "Webcams"),
        (["Beginner? Guide to Tides"], ["Beginner's Guide to Tides"], "Beginner's Guide to Tides"),
        (["Why Do Tides Turn?"], ["Why Do Tides Turn? - Example News"], "Why Do Tides Turn?"),
    ],
)
def test_headline_choice(h1: list[str], declared: list[str], expected: str) -> None:
    assert choose_title(h1, declared, SITES) == expected


PAGE = """<html lang="en-GB"><head>
<title>How Tides Work | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="How Tides Work">
<meta property="og:image" content="/img/tide.jpg">
<meta name="description" content="Why the sea rises twice a day.">
<meta property="article:tag" content="ocean"><meta property="article:tag" content="moon">
<link rel="canonical" href="https://www.example.com/science/tides/?utm_source=x">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "NewsArticle", "headline": "How Tides Work",
  "datePublished": "2025-03-05T08:00:00+01:00",
  "dateModified": "2025-03-06T09:00:00+01:00", "author": {"@id": "#jane"},
  "articleSection": "Science", "license": "https://creativecommons.org/licenses/by/4.0/"},
 {"@type": "Person", "@id": "#jane", "name": "Jane Doe"}]}</script>
</head><body><h1>How Tides Work</h1><p>The moon pulls the sea.</p></body></html>"""


def test_page_metadata_reads_json_ld_and_opengraph() -> None:
    title, meta = page_metadata(load_html(PAGE), "https://example.com/x", "", NOW)
    assert title == "How Tides Work"
    assert meta.authors == ("Jane Doe",)
    assert meta.published_at == datetime.fromisoformat("2025-03-05T08:00:00+01:00")
    assert meta.modified_at is not None and meta.modified_at.day == 6
    assert meta.sitename == "Example News"
    assert meta.language == "en"
    assert meta.canonical_url == "https://www.example.com/science/tides/"
    assert meta.image == "https://www.example.com/img/tide.jpg"
    assert meta.description == "Why the sea rises twice a day."
    assert meta.categories == ("Science",)
    assert meta.tags == ("ocean", "moon")
    assert meta.license == "https://creativecommons.org/licenses/by/4.0/"
    raw = dict(meta.raw)
    assert raw["title"] == "How Tides Work | Example News"
    assert raw["ld:author"] == "Jane Doe"


def test_undeclared_language_is_detected_and_url_normalised() -> None:
    html = "<html><head><title>Die Gezeiten</title></head><body><p>x</p></body></html>"
    text = "Der Mond zieht das Meer an, und deshalb steigt das Wasser zweimal am Tag."
    _, meta = page_metadata(load_html(html), "HTTPS://Example.com/a?utm_source=y", text, NOW)
    assert meta.language == "de"
    assert meta.canonical_url == "https://example.com/a"
    assert meta.published_at is None
    assert meta.authors == ()


def test_date_printed_under_the_headline_is_found() -> None:
    html = (
        "<html><head><title>Tides</title></head><body><h1>How Tides Work</h1>"
        "<div class='meta'><span>Oct 3, 2024</span></div><p>The moon pulls the sea.</p>"
        "</body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.published_at is not None
    assert meta.published_at.date().isoformat() == "2024-10-03"


DATED_PAGE = """<html><head>
<meta property="article:published_time" content="2020-05-13T20:03:25+00:00">
<meta property="article:modified_time" content="2025-01-02T15:06:00-06:00">
</head><body>{before}<h1>Best Car Rental Companies</h1>{after}<p>Body text.</p></body></html>"""


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # The update shown under the headline is the date readers see: the declared
        # modified timestamp of that day is used, with its time and zone.
        ("", "<span>Updated January 2, 2025</span>", "2025-01-02T15:06:00-06:00"),
        # A kicker line above the headline counts too.
        ("<div>Jan 2, 2025</div>", "", "2025-01-02T15:06:00-06:00"),
        # A shown day that matches no declared date is taken as it is.
        ("", "<time>March 1, 2024</time>", "2024-03-01T00:00:00+00:00"),
        # Nothing shown beside the headline: the declared publication date.
        ("", "<p>No date here.</p>", "2020-05-13T20:03:25+00:00"),
    ],
)
def test_date_shown_beside_the_headline_wins(before: str, after: str, expected: str) -> None:
    html = DATED_PAGE.format(before=before, after=after)
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.published_at == datetime.fromisoformat(expected)
    assert meta.modified_at == datetime.fromisoformat("2025-01-02T15:06:00-06:00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A named desk or team declared as the author is the byline readers see.
        ("TOI Lifestyle Desk", ("TOI Lifestyle Desk",)),
        ("Great Day Editorial Team", ("Great Day Editorial Team",)),
        ("The Investopedia Team", ("The Investopedia Team",)),
        # A bare role, or a job title after the name, is still no author.
        ("The Editorial Team", ()),
        ("Staff Writer", ()),
        ("Jane Doe, Sr. Director of Operations", ("Jane Doe",)),
        # A user handle declared as the author is kept as written.
        ("jsteinhardt", ("jsteinhardt",)),
        ("march", ()),
        ("jane@example.com", ()),
    ],
)
def test_declared_teams_and_handles(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], SITES) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lifestyle Desk", ()),  # not declared: a visible "Desk" is a section label
        ("jsteinhardt", ()),  # a lone lowercase word in a page is rarely a byline
        ("by jsteinhardt", ("jsteinhardt",)),  # unless "By" introduces it
        ("By Sofia Kondrat EdTech Content writer", ()),  # a job title is no team name
        ("Jane Doe Last update: June 2, 2025", ("Jane Doe",)),
    ],
)
def test_visible_bylines_stay_strict(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], [], visible=True) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("<p>By <a href='/p/jane'>Jane Doe</a></p>", ("Jane Doe",)),
        ("<p>Written by Jane Doe, Dec 17, 2025</p>", ("Jane Doe",)),
        # A sentence opening with "By" is not a byline.
        ("<p>By the end of the year the tide had turned.</p>", ()),
    ],
)
def test_byline_printed_by_the_headline(after: str, expected: tuple[str, ...]) -> None:
    html = f"<html><body><h1>How Tides Work</h1>{after}<p>The moon pulls.</p></body></html>"
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == expected


def test_declared_author_is_not_replaced_by_a_headline_byline() -> None:
    html = (
        "<html><head><meta name='author' content='John Roe'></head><body>"
        "<h1>How Tides Work</h1><p>By Jane Doe</p></body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == ("John Roe",)


@pytest.mark.parametrize(
    ("html", "url", "day"),
    [
        # A `<time>` element without any publication marker.
        ("<body><p>Text.</p><time datetime='2025-06-02T10:00:00Z'>June 2</time></body>", None,
         "2025-06-02"),
        # The day in the URL's path.
        ("<body><p>Text.</p></body>", "https://blog.example.com/2025/12/18/tides", "2025-12-18"),
        ("<body><p>Text.</p></body>", "https://blog.example.com/2025/13/45/tides", None),
    ],
)  # fmt: skip
def test_undeclared_dates_from_time_elements_and_urls(
    html: str, url: str | None, day: str | None
) -> None:
    _, meta = page_metadata(load_html(f"<html>{html}</html>"), url, "", NOW)
    got = meta.published_at.date().isoformat() if meta.published_at else None
    assert got == day


@pytest.mark.parametrize(("wrapper", "found"), [("article", True), ("div", False)])
def test_htmldate_guesses_only_for_article_pages(wrapper: str, found: bool) -> None:
    # No declared, shown or linked date: only htmldate's search could find this one, and
    # it is asked only when the page presents itself as an article.
    html = (
        f"<html><body><{wrapper}><p>Some words about tides.</p><p>More text.</p>"
        f"<span class='entry-date'>Posted 2024-05-06</span><p>End.</p></{wrapper}></body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert (meta.published_at is not None) == found


def test_author_box_gives_the_name_before_the_bio() -> None:
    bio = "Jane Doe has covered the oceans for ten years and lives by the sea. " * 4
    html = (
        "<html><body><h1>How Tides Work</h1><p>The moon pulls the sea.</p>"
        f"<div class='blog-author'><h4>Jane Doe</h4><p>{bio}</p></div></body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("USA TODAY", ()),  # a news desk typed `Person` is still the site
        ("Clemson News", ()),
        ("Jane Doe", ("Jane Doe",)),  # a blogger named like the site stays
    ],
)
def test_declared_person_named_like_a_brand_site(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], [raw], people=[raw]) == expected


def test_site_name_printed_after_a_visible_byline_is_cut() -> None:
    assert clean_authors(["Jane Doe USA TODAY"], ["USA TODAY"], visible=True) == ("Jane Doe",)
    assert clean_authors(["Trial Attorney at Example News"], SITES, visible=True) == ()


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}<p>The moon pulls.</p></body></html>"


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # A bare name under the headline with a role or a date beside it.
        ("<div>Jane Doe</div><div>Senior Editor</div>", ("Jane Doe",)),
        ("<div>Jane Doe</div><div>Updated on 23 Oct 2025</div>", ("Jane Doe",)),
        # A subheading, or a name-like line with nothing beside it, is no byline.
        ("<h2>Getting Started</h2><p>The sea rises twice a day.</p>", ()),
        ("<div>Saul's Investing Discussions</div><div>Mar 2, 2024</div>", ()),
    ],
)
def test_bare_name_under_the_headline(after: str, expected: tuple[str, ...]) -> None:
    html = _page("", f"<h1>How Tides Work</h1>{after}")
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == expected


def test_organisation_author_yields_to_a_name_under_the_headline() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "How Tides '
        'Work", "author": {"@type": "Organization", "name": "Tide Media Ltd"}}</script>'
    )
    html = _page(ld, "<h1>How Tides Work</h1><div>Jane Doe</div><div>Co-Founder</div>")
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == ("Jane Doe",)


def test_publisher_declared_as_author_is_the_site() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "How Tides '
        'Work", "author": {"@type": "Person", "name": "Harbour Construction"}, '
        '"publisher": {"@type": "Organization", "name": "Harbour Construction"}}</script>'
    )
    _, meta = page_metadata(load_html(_page(ld, "<h1>How Tides Work</h1>")), None, "", NOW)
    assert meta.authors == ()


@pytest.mark.parametrize(
    ("h1", "declared", "expected"),
    [
        # A heading printing the whole declared title, site part included.
        (
            ["Tide Letter #18 - Why the Sea Rises", "Why the sea rises"],
            ["Tide Letter #18 - Why the Sea Rises"],
            "Tide Letter #18 - Why the Sea Rises",
        ),
        # A JSON-LD headline cut at a length limit yields to the whole `og:title`.
        (
            [],
            [
                "How Tides Work and What the Moon Has to Do (With",
                "How Tides Work and What the Moon Has to Do (With the Sea) | Example News",
            ],
            "How Tides Work and What the Moon Has to Do (With the Sea)",
        ),
        # A short title beginning a longer one is not a cut one.
        (["Tides"], ["Tides", "Tides: Services and Consulting"], "Tides"),
    ],
)
def test_headline_whole_and_untruncated(h1: list[str], declared: list[str], expected: str) -> None:
    assert choose_title(h1, declared, ["Tide Letter", *SITES]) == expected


def test_zero_width_space_does_not_hide_the_site_suffix() -> None:
    html = "<html><head><title>How Tides Work\u200b | Example News</title></head></html>"
    title, _ = page_metadata(load_html(html), "https://example.com/x", "", NOW)
    assert title == "How Tides Work"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # Sphinx, MkDocs and blog themes print a permalink glyph linking to the heading.
        ('Tide Tables<a class="headerlink" href="#tide-tables">\u00b6</a>', "Tide Tables"),
        ('<a class="anchor" href="#tide-tables">#</a> Tide Tables', "Tide Tables"),
        ('Tide Tables <a href="#tide-tables">\u00a7</a>', "Tide Tables"),
        # A same-page link with words, or a glyph linking elsewhere, is part of the heading.
        ('<a href="#tables">Tide Tables</a> for 2026', "Tide Tables for 2026"),
        ('Tide Tables <a href="/tags/c">#</a>', "Tide Tables #"),
        # A forum thread's prefix tag is no part of the thread's title.
        ('<span class="label label--primary">News</span>&nbsp;Tide Tables', "Tide Tables"),
        ('<span class="badge">Solved</span> Tide Tables', "Tide Tables"),
        ('<span class="field--label-hidden">Tide Tables</span>', "Tide Tables"),
        # A heading holding nothing else keeps its text.
        ('<span class="label">Tide Tables</span>', "Tide Tables"),
        # More than a short tag in such an element is headline text styled apart.
        (
            'Why <span class="label">the moon pulls the sea</span> twice a day',
            "Why the moon pulls the sea twice a day",
        ),
    ],
)
def test_permalink_glyph_and_prefix_tag_are_no_headline(heading: str, expected: str) -> None:
    html = f"<html><body><h1>{heading}</h1><p>The moon pulls.</p></body></html>"
    title, _ = page_metadata(load_html(html), "https://example.com/x", "", NOW)
    assert title == expected


def test_declared_author_keeps_the_honorific_printed_by_the_headline() -> None:
    html = (
        "<html><head><meta name='author' content='Jane Doe'></head><body>"
        "<h1>How Tides Work</h1><p>Written by</p><p>Dr Jane Doe</p><p>The moon pulls.</p>"
        "</body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == ("Dr Jane Doe",)


@pytest.mark.parametrize(
    ("wrapper", "footer", "expected"),
    [
        ("article", "<footer>\u00a9 2025 Jane Doe. All rights reserved.</footer>", ("Jane Doe",)),
        ("article", "<footer>Copyright 2019-2025 Jane Doe</footer>", ("Jane Doe",)),
        # A company, the site itself, a bare notice, or a shop's page name no author.
        ("article", "<footer>\u00a9 2025 Acme North America, Inc.</footer>", ()),
        ("article", "<footer>\u00a9 2025 Example News</footer>", ()),
        ("article", "<footer>\u00a9 2025 All Rights Reserved</footer>", ()),
        ("div", "<footer>\u00a9 2025 Jane Doe.</footer>", ()),
    ],
)
def test_copyright_holder_is_the_author_of_a_personal_blog(
    wrapper: str, footer: str, expected: tuple[str, ...]
) -> None:
    html = (
        "<html><head><meta property='og:site_name' content='Example News'></head><body>"
        f"<{wrapper}><h1>How Tides Work</h1><p>The moon pulls the sea.</p></{wrapper}>"
        f"{footer}</body></html>"
    )
    _, meta = page_metadata(load_html(html), None, "", NOW)
    assert meta.authors == expected
