"""What kind of source a URL is, and which feeds a homepage advertises."""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from copydesk.crawl.feeds import is_feed
from copydesk.crawl.sitemaps import is_sitemap

FEED_LINK_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
)
# Anchors that usually point at a feed when a page has no <link rel="alternate">.
_FEEDLIKE_HREF = re.compile(r"(?:/feed/?$|/rss/?$|\.rss$|\.atom$|/(?:atom|rss|feed)\.xml$)", re.I)
# Guess from the URL alone (used when the body does not settle it).
_SITEMAPLIKE_URL = re.compile(r"sitemap[^/]*\.xml(?:\.gz)?(?:$|\?)", re.I)


class SourceKind(StrEnum):
    """Values match the CHECK constraint on sources.kind in schema.sql."""

    FEED = "feed"
    SITEMAP = "sitemap"
    HOMEPAGE = "homepage"


def detect_kind(body: bytes, content_type: str = "", url: str = "") -> SourceKind:
    """Sniff a fetched source: sitemap or feed by XML root, else a homepage."""
    if is_sitemap(body):
        return SourceKind.SITEMAP
    if is_feed(body):
        return SourceKind.FEED
    if _SITEMAPLIKE_URL.search(url) and "html" not in content_type:
        return SourceKind.SITEMAP
    return SourceKind.HOMEPAGE


def guess_kind_from_url(url: str) -> SourceKind | None:
    """A kind guess from the URL alone, for when nothing can be fetched."""
    if _SITEMAPLIKE_URL.search(url):
        return SourceKind.SITEMAP
    if _FEEDLIKE_HREF.search(url.split("?", 1)[0]):
        return SourceKind.FEED
    return None


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Feed URLs a page advertises: <link rel=alternate> first, then feed-like anchors."""
    if not html.strip():
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found = [urljoin(base_url, href) for href in _alternate_links(doc)]
    if not found:
        found = [urljoin(base_url, href) for href in _feedlike_anchors(doc)]
    return list(dict.fromkeys(found))


def _alternate_links(doc: lxml.html.HtmlElement) -> list[str]:
    hrefs = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_LINK_TYPES and href:
            hrefs.append(href)
    return hrefs


def _feedlike_anchors(doc: lxml.html.HtmlElement) -> list[str]:
    hrefs = ((a.get("href") or "").strip() for a in doc.iter("a"))
    return [href for href in hrefs if href and _FEEDLIKE_HREF.search(href.split("?", 1)[0])]
