"""Feeds, sitemaps, homepage discovery and URL normalisation: pure parsing."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from copydesk.crawl.discover import SourceKind, detect_kind, discover_feeds, guess_kind_from_url
from copydesk.crawl.feeds import parse_feed
from copydesk.crawl.sitemaps import SitemapTooLarge, gunzip_if_needed, parse_sitemap
from copydesk.crawl.urls import BadPattern, compile_patterns, normalize_url, url_wanted

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://news.example/a</link>
<pubDate>Tue, 10 Nov 2026 08:30:00 +0100</pubDate></item>
<item><title>b</title><guid>https://news.example/b</guid></item>
<item><title>c</title><guid isPermaLink="false">tag:x</guid></item>
<item><title>rel</title><link>/relative</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><link rel="self" href="https://news.example/api/1"/>
<link rel="alternate" href="https://news.example/1"/><updated>2026-11-01T08:00:00Z</updated></entry>
<entry><link href="https://news.example/2"/><published>2026-11-02</published></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<item rdf:about="https://news.example/r1"><link>https://news.example/r1</link>
<dc:date>2026-11-03T10:00:00+00:00</dc:date></item></rdf:RDF>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/s1.xml</loc></sitemap>
<sitemap><loc>https://news.example/s2.xml.gz</loc></sitemap></sitemapindex>"""

NEWS = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/n1</loc><lastmod>2026-01-01</lastmod><news:news>
<news:publication_date>2026-11-05T06:00:00Z</news:publication_date></news:news></url>
<url><loc>https://news.example/n2</loc><lastmod>2026-10-01</lastmod></url>
<url><lastmod>2026-10-01</lastmod></url></urlset>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>"""


def test_rss_items_links_guids_dates() -> None:
    found = parse_feed(RSS, "https://news.example/feed")
    assert [f.url for f in found] == [
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/relative",
    ]
    assert found[0].published == datetime(2026, 11, 10, 7, 30, tzinfo=UTC)
    assert found[1].published is None


def test_atom_prefers_alternate_link() -> None:
    found = parse_feed(ATOM)
    assert [f.url for f in found] == ["https://news.example/1", "https://news.example/2"]
    assert found[1].published == datetime(2026, 11, 2, tzinfo=UTC)


def test_rss1_rdf() -> None:
    (item,) = parse_feed(RDF)
    assert item.url == "https://news.example/r1"
    assert item.published == datetime(2026, 11, 3, 10, tzinfo=UTC)


def test_not_a_feed() -> None:
    assert parse_feed(b"<html><body>hi</body></html>") == []
    assert parse_feed(b"") == []


def test_sitemap_index_and_gzip_child() -> None:
    assert parse_sitemap(INDEX).children == (
        "https://news.example/s1.xml",
        "https://news.example/s2.xml.gz",
    )
    assert parse_sitemap(gzip.compress(INDEX)).children == parse_sitemap(INDEX).children


def test_news_sitemap_publication_date_wins_over_lastmod() -> None:
    urls = parse_sitemap(NEWS).urls
    assert [u.url for u in urls] == ["https://news.example/n1", "https://news.example/n2"]
    assert urls[0].published == datetime(2026, 11, 5, 6, tzinfo=UTC)
    assert urls[1].published == datetime(2026, 10, 1, tzinfo=UTC)


def test_sitemap_entities_are_not_expanded() -> None:
    assert all("root:" not in u.url for u in parse_sitemap(XXE).urls)


def test_plain_text_sitemap() -> None:
    body = b"https://news.example/t1\n\nnot a url\nhttps://news.example/t2\n"
    assert [u.url for u in parse_sitemap(body).urls] == [
        "https://news.example/t1",
        "https://news.example/t2",
    ]


def test_gzip_bomb_is_refused() -> None:
    with pytest.raises(SitemapTooLarge):
        gunzip_if_needed(gzip.compress(b"\0" * 2_000_000), limit=1_000_000)


@pytest.mark.parametrize(
    ("body", "content_type", "url", "kind"),
    [
        (RSS, "application/rss+xml", "https://x/feed", SourceKind.FEED),
        (ATOM, "text/xml", "https://x/a", SourceKind.FEED),
        (RDF, "application/xml", "https://x/r", SourceKind.FEED),
        (INDEX, "application/xml", "https://x/s", SourceKind.SITEMAP),
        (gzip.compress(NEWS), "application/x-gzip", "https://x/s.xml.gz", SourceKind.SITEMAP),
        (b"<html><head></head></html>", "text/html", "https://x/", SourceKind.HOMEPAGE),
    ],
)
def test_detect_kind(body: bytes, content_type: str, url: str, kind: SourceKind) -> None:
    assert detect_kind(body, content_type, url) is kind


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x/sitemap.xml", SourceKind.SITEMAP),
        ("https://x/news-sitemap.xml.gz", SourceKind.SITEMAP),
        ("https://x/feed/", SourceKind.FEED),
        ("https://x/rss.xml", SourceKind.FEED),
        ("https://x/feed.xml", SourceKind.FEED),
        ("https://x/", None),
    ],
)
def test_guess_kind_from_url(url: str, kind: SourceKind | None) -> None:
    assert guess_kind_from_url(url) is kind


def test_discover_feeds_from_link_tags() -> None:
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://x/atom">
    <link rel="alternate" type="text/html" href="/en/">
    <link rel="stylesheet" href="/s.css"></head><body><a href="/rss">rss</a></body></html>"""
    assert discover_feeds(html, "https://x/") == ["https://x/feed.xml", "https://x/atom"]


def test_discover_feeds_falls_back_to_anchors() -> None:
    html = "<html><body><a href='/news/rss'>RSS</a><a href='/about'>a</a></body></html>"
    assert discover_feeds(html, "https://x/") == ["https://x/news/rss"]
    assert discover_feeds("", "https://x/") == []


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://News.Example/a?utm_source=rss&b=2&a=1#top", "https://news.example/a?a=1&b=2"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example/photo.JPG", None),
        ("mailto:someone@news.example", None),
        ("javascript:void(0)", None),
    ],
)
def test_normalize_url(url: str, normalized: str | None) -> None:
    assert normalize_url(url) == normalized


def test_include_exclude_patterns() -> None:
    include = compile_patterns([r"/2026/", r"/world/"])
    exclude = compile_patterns([r"/live/"])
    assert url_wanted("https://x/2026/a", include, exclude)
    assert not url_wanted("https://x/2025/a", include, exclude)
    assert not url_wanted("https://x/world/live/a", include, exclude)
    assert url_wanted("https://x/anything", (), ())
    with pytest.raises(BadPattern):
        compile_patterns(["("])
