"""Article links from RSS 2.0, RSS 1.0 (RDF) and Atom feeds."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from copydesk.crawl.dates import parse_feed_date
from copydesk.crawl.found import FoundUrl
from copydesk.crawl.xml import child_text, children, descendants, local_name, parse_xml

FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_RSS_DATES = ("pubdate", "date", "published", "updated")  # "date" is dc:date
_ATOM_DATES = ("published", "updated", "issued", "modified")
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def is_feed(body: bytes) -> bool:
    """True when `body` is an RSS or Atom document."""
    root = parse_xml(body)
    return root is not None and local_name(root) in FEED_ROOTS


def parse_feed(body: bytes, base_url: str = "") -> list[FoundUrl]:
    """The item/entry links of a feed, in feed order, resolved against `base_url`."""
    root = parse_xml(body)
    if root is None or local_name(root) not in FEED_ROOTS:
        return []
    if local_name(root) == "feed":
        found = (_atom_entry(entry) for entry in descendants(root, "entry"))
    else:
        found = (_rss_item(item) for item in descendants(root, "item"))
    return [
        FoundUrl(urljoin(base_url, url), published) for url, published in found if url is not None
    ]


def _rss_item(item: etree._Element) -> tuple[str | None, datetime | None]:
    link = child_text(item, "link") or _permalink_guid(item) or item.get(_RDF_ABOUT)
    return link, _first_date(item, _RSS_DATES)


def _permalink_guid(item: etree._Element) -> str | None:
    """An RSS <guid> is a URL unless isPermaLink="false"."""
    for guid in children(item, "guid"):
        text = (guid.text or "").strip()
        if guid.get("isPermaLink", "true").lower() != "false" and text.startswith("http"):
            return text
    return None


def _atom_entry(entry: etree._Element) -> tuple[str | None, datetime | None]:
    links = list(children(entry, "link"))
    # rel defaults to "alternate" in Atom; that link is the article itself.
    chosen = next((ln for ln in links if ln.get("rel", "alternate") == "alternate"), None)
    href = chosen.get("href") if chosen is not None else None
    return (href.strip() if href else None), _first_date(entry, _ATOM_DATES)


def _first_date(element: etree._Element, names: tuple[str, ...]) -> datetime | None:
    for name in names:
        parsed = parse_feed_date(child_text(element, name))
        if parsed is not None:
            return parsed
    return None
