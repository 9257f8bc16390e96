"""Collecting the raw metadata a page declares: meta tags, JSON-LD, `<title>`, headings, links.

Nothing here judges a value; `metadata.py` validates and chooses. Keeping the raw
values apart lets the result carry them for auditing (`Metadata.raw`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement

from copydesk.extract.jsonld import LdArticle, parse_blocks, read_article

_SPACE = re.compile(r"\s+")
# Zero-width spaces and joiners some CMSs leave in titles ("Healthy\u200b | Site").
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Elements that name an article's author in visible markup, by microdata, rel or class.
# Checked in one Python pass over the elements: with the shared parser's C-level class
# lookup that is twice as fast as the equivalent `contains()` XPath.
_BYLINE_CLASS_MARKS = ("author", "Author", "byline", "Byline", "writer")
_AUTHOR_HREFS = ("/author/", "/authors/")
_NOT_BYLINE_TAGS = frozenset({"meta", "link", "body", "html", "article", "main", "section"})
# Author boxes inside comment threads name commenters, not the article's author.
_COMMENT_CLASS = re.compile(r"comment", re.I)
_MAX_ANCESTORS = 12
# `<time>` elements marked as the publication or update time.
_TIME_XPATH = XPath("//time[@datetime]")
_MAX_BYLINE_NODES = 12
# Tags that end a line of visible text, so words either side must not run together.
_BREAKING_TAGS = frozenset({"br", "div", "p", "li"})
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
# The glyph of a heading's permalink (`<a class="headerlink" href="#id">¶</a>` in Sphinx,
# MkDocs and many blog themes): a hover target, not part of the headline.
_PERMALINK_GLYPHS = frozenset({"\u00b6", "\u00a7", "#", "\U0001f517", "\u2693"})
# Classes of a tag printed in front of a headline: a forum thread's prefix
# (`<span class="label">News</span>` in XenForo), Bootstrap's label and badge.
_TAG_CLASSES = frozenset({"label", "badge"})
# Longer text in such an element is more likely part of the headline styled apart.
_MAX_TAG_WORDS = 3
_MAX_BYLINE_CHARS = 200
# The first text of an author box is read as a byline when it is this short (a name).
_MAX_BOX_NAME_WORDS = 4
# The text nodes read after the headline (where templates print the byline and date), then
# those just before it (a kicker line "May 2, 2025" above the `<h1>`).
_FOLLOWING_TEXT = XPath(
    "following::text()[normalize-space()][not(ancestor::script or ancestor::style)]"
    "[position() <= 30]"
)
_PRECEDING_TEXT = XPath(
    "preceding::text()[normalize-space()][not(ancestor::script or ancestor::style)]"
    "[position() <= 3]"
)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Every candidate value found in a page, unvalidated."""

    title_tag: str | None
    meta: dict[str, tuple[str, ...]]
    ld: LdArticle
    h1: tuple[str, ...]
    canonical: str | None
    html_lang: str | None
    license_links: tuple[str, ...]
    times: tuple[tuple[str, str], ...]
    # Short texts printed by the first `<h1>`, nearest first: after it, then just before it.
    beside_headline: tuple[str, ...]

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value under any of the keys, in key order."""
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None


def squash(text: str | None) -> str:
    """Entities decoded (CMSs double-escape `&amp;#038;`), whitespace collapsed, stripped."""
    if text and "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", (text or "").translate(_ZERO_WIDTH)).strip()


def _heading_text(elem: HtmlElement) -> str:
    """Visible text of a heading, with `<br>` and child blocks read as spaces.

    Permalink glyphs and prefix tags are left out, unless they are all the heading holds.
    """
    parts: list[str] = []
    _append_text(elem, parts, skip_extras=True)
    text = squash("".join(parts))
    if not text:
        parts.clear()
        _append_text(elem, parts, skip_extras=False)
        text = squash("".join(parts))
    return text


def _append_text(elem: HtmlElement, parts: list[str], *, skip_extras: bool) -> None:
    parts.append(elem.text or "")
    for child in elem:
        if child.tag in _BREAKING_TAGS:
            parts.append(" ")
        if (
            isinstance(child.tag, str)
            and child.tag not in _INVISIBLE_TAGS
            and not (skip_extras and _is_extra(child))
        ):
            _append_text(child, parts, skip_extras=skip_extras)
        if child.tag in _BREAKING_TAGS:
            parts.append(" ")
        parts.append(child.tail or "")


def _is_extra(elem: HtmlElement) -> bool:
    """Whether a heading's child is a prefix tag or a same-page link showing only a
    permalink glyph."""
    if not _TAG_CLASSES.isdisjoint((elem.get("class") or "").split()):
        return len(elem.text_content().split()) <= _MAX_TAG_WORDS
    if elem.tag != "a" or not (elem.get("href") or "").startswith("#"):
        return False
    return elem.text_content().strip() in _PERMALINK_GLYPHS


def collect_facts(tree: HtmlElement) -> PageFacts:
    """Read every metadata source of a parsed page."""
    title = tree.find(".//title")
    blocks = [s.text or "" for s in tree.iterfind(".//script[@type='application/ld+json']")]
    ld = read_article(parse_blocks(blocks))
    return PageFacts(
        title_tag=squash(title.text_content()) or None if title is not None else None,
        meta=_meta_tags(tree),
        ld=ld,
        h1=tuple(t for h in tree.iter("h1") if (t := _heading_text(h))),
        canonical=_link(tree, "canonical"),
        html_lang=squash(tree.get("lang") or tree.get("xml:lang")) or None,
        license_links=_license_links(tree),
        times=_times(tree),
        beside_headline=_beside_headline(tree),
    )


def _meta_tags(tree: HtmlElement) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for elem in tree.iter("meta"):
        key = elem.get("property") or elem.get("name") or elem.get("itemprop")
        key = key or elem.get("http-equiv")
        content = squash(elem.get("content"))
        if key and content:
            found.setdefault(key.strip().lower(), []).append(content)
    return {k: tuple(v) for k, v in found.items()}


def _link(tree: HtmlElement, rel: str) -> str | None:
    for elem in tree.iter("link"):
        if rel in (elem.get("rel") or "").lower().split() and elem.get("href"):
            return squash(elem.get("href"))
    return None


def _license_links(tree: HtmlElement) -> tuple[str, ...]:
    links = [
        squash(elem.get("href"))
        for elem in tree.iter("a", "link")
        if "license" in (elem.get("rel") or "").lower().split() and elem.get("href")
    ]
    return tuple(dict.fromkeys(links))


def _beside_headline(tree: HtmlElement) -> tuple[str, ...]:
    heading = next(tree.iter("h1"), None)
    if heading is None:
        return ()
    # lxml returns the preceding nodes in document order: read the nearest first.
    pieces = [*_FOLLOWING_TEXT(heading), *reversed(_PRECEDING_TEXT(heading))]
    return tuple(line for piece in pieces if (line := squash(str(piece))))


def visible_bylines(tree: HtmlElement) -> tuple[str, ...]:
    """Texts of elements marked as an author or byline, outside comment threads.

    The costliest read of a page, so it is only made when the declared authors leave
    the question open.
    """
    texts: list[str] = []
    marked = (e for e in tree.iter(etree.Element) if _is_marked_byline(e))
    nodes = [e for e in marked if _is_byline_node(e)]
    for elem in nodes[:_MAX_BYLINE_NODES]:
        text = squash(elem.get("content") or " ".join(elem.itertext()))
        if text and len(text) > _MAX_BYLINE_CHARS:
            # An author box: the name comes first, then the bio.
            text = next((t for t in map(squash, elem.itertext()) if t), "")
            text = text if len(text.split()) <= _MAX_BOX_NAME_WORDS else ""
        if text:
            texts.append(text)
    return tuple(dict.fromkeys(texts))


def copyright_lines(tree: HtmlElement) -> tuple[str, ...]:
    """Short visible texts holding a copyright notice ("(c) 2025 Jane Doe."), which on a
    personal blog is often the only place the author is named. Read only as a last resort."""
    lines = []
    for node in _COPYRIGHT_XPATH(tree):
        parent = node.getparent()
        if parent is None or parent.tag in _NOT_TEXT_TAGS:
            continue
        line = squash(str(node))
        if len(line) <= _MAX_COPYRIGHT_CHARS:
            lines.append(line)
    return tuple(lines)


def _is_marked_byline(elem: HtmlElement) -> bool:
    attrib = elem.attrib
    if not attrib:
        return False
    marks = attrib.get("class")
    if marks and any(mark in marks for mark in _BYLINE_CLASS_MARKS):
        return True
    if attrib.get("rel") == "author" or "author" in attrib.get("itemprop", ""):
        return True
    return elem.tag == "a" and any(h in attrib.get("href", "") for h in _AUTHOR_HREFS)


def _is_byline_node(elem: HtmlElement) -> bool:
    if elem.tag in _NOT_BYLINE_TAGS:
        return False
    for depth, ancestor in enumerate(elem.iterancestors()):
        if depth >= _MAX_ANCESTORS:
            break
        marks = f"{ancestor.get('id', '')} {ancestor.get('class', '')}"
        if _COMMENT_CLASS.search(marks):
            return False
    return True


_COPYRIGHT_XPATH = etree.XPath(
    "//text()[contains(., '\u00a9') or contains(., 'opyright') or contains(., '(c)')]"
)
_NOT_TEXT_TAGS = frozenset(["script", "style", "noscript", "template"])
# A footer notice is short; a longer text mentioning copyright is prose about it.
_MAX_COPYRIGHT_CHARS = 120


def _times(tree: HtmlElement) -> tuple[tuple[str, str], ...]:
    """(marker, datetime) pairs; the marker is the itemprop/class/pubdate hint, lowercased."""
    pairs = []
    for elem in _TIME_XPATH(tree):
        marks = [elem.get("itemprop") or "", elem.get("class") or ""]
        if "pubdate" in elem.attrib:
            marks.append("pubdate")
        hint = " ".join(m for m in marks if m)
        pairs.append((hint.lower(), squash(elem.get("datetime"))))
    return tuple(pairs)
