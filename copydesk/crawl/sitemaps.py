"""URLs from XML sitemaps: url sets, sitemap indexes, gzip files, news sitemaps, plain text."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from copydesk.crawl.dates import parse_feed_date
from copydesk.crawl.found import FoundUrl
from copydesk.crawl.xml import child_text, children, descendants, local_name, parse_xml

SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
GZIP_MAGIC = b"\x1f\x8b"
# The sitemaps protocol caps an uncompressed file at 50 MB; refuse to inflate past that
# so a small gzip bomb cannot exhaust memory.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Sitemap:
    """One parsed sitemap file: page URLs, or (for an index) child sitemap URLs."""

    urls: tuple[FoundUrl, ...] = ()
    children: tuple[str, ...] = ()


class SitemapTooLarge(ValueError):
    """The sitemap inflates past the protocol's 50 MB limit."""


def gunzip_if_needed(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Inflate a gzip body (sitemap.xml.gz), at most `limit` bytes; other bodies pass through."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise gzip.BadGzipFile(str(exc)) from exc
    if len(data) > limit:
        raise SitemapTooLarge(f"sitemap inflates past {limit} bytes")
    return data


def is_sitemap(body: bytes) -> bool:
    """True for an XML url set or sitemap index (gzipped or not)."""
    try:
        root = parse_xml(gunzip_if_needed(body))
    except (gzip.BadGzipFile, SitemapTooLarge):
        return False
    return root is not None and local_name(root) in SITEMAP_ROOTS


def parse_sitemap(body: bytes, base_url: str = "") -> Sitemap:
    """Parse a sitemap file; news sitemap publication dates win over <lastmod>."""
    data = gunzip_if_needed(body)
    root = parse_xml(data)
    if root is None:
        return _plain_text(data, base_url)
    name = local_name(root)
    if name == "sitemapindex":
        locs = (child_text(entry, "loc") for entry in children(root, "sitemap"))
        return Sitemap(children=tuple(urljoin(base_url, loc) for loc in locs if loc))
    if name != "urlset":
        return Sitemap()
    found = (_url_entry(entry, base_url) for entry in children(root, "url"))
    return Sitemap(urls=tuple(item for item in found if item is not None))


def _url_entry(entry: etree._Element, base_url: str) -> FoundUrl | None:
    loc = child_text(entry, "loc")
    if not loc:
        return None
    return FoundUrl(urljoin(base_url, loc), _published(entry))


def _published(entry: etree._Element) -> datetime | None:
    """<news:publication_date> when present (news sitemaps), else <lastmod>."""
    for node in descendants(entry, "publication_date"):
        parsed = parse_feed_date(node.text)
        if parsed is not None:
            return parsed
    return parse_feed_date(child_text(entry, "lastmod"))


def _plain_text(data: bytes, base_url: str) -> Sitemap:
    """The protocol's text format: one absolute URL per line."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    urls = [line.strip() for line in lines if line.strip().startswith(("http://", "https://"))]
    return Sitemap(urls=tuple(FoundUrl(urljoin(base_url, url)) for url in urls))
