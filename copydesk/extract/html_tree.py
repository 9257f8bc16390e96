"""Parsing a page once into the lxml tree that trafilatura and the metadata readers share.

The parser is trafilatura's (same options, same repairs, so its output is unchanged) with
one difference: `lxml.html` picks each element's Python class with a lookup written in
Python, called every time an element is touched from Python. Trafilatura touches every
element many times, and that lookup cost about 7% of an extraction. Here every element is
a plain `HtmlElement`, chosen by lxml's C-level default lookup; the form-element
subclasses `lxml.html` would pick are not used by trafilatura or copydesk.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import is_dubious_html, repair_faulty_html

# The options of trafilatura's own parser (`trafilatura.utils.HTML_PARSER`).
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=HtmlComment,
        pi=HtmlProcessingInstruction,
        entity=HtmlEntity,
    )
)
# A page that parses to fewer top-level children than this after looking dubious is not HTML.
_MIN_CHILDREN = 2
# As many leading characters as trafilatura reads to judge whether a string looks like HTML.
_SNIFF_CHARS = 50


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree, or None when the string is not HTML (as `trafilatura.load_html`)."""
    beginning = html[:_SNIFF_CHARS].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree = _from_text(html)
    if tree is None or len(tree) < 1:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < _MIN_CHILDREN:
        return None
    return tree


def _from_text(html: str) -> HtmlElement | None:
    try:
        return fromstring(html, parser=_PARSER)
    except (ValueError, etree.LxmlError):
        # "Unicode strings with encoding declaration are not supported": parse the bytes.
        return None


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except (ValueError, etree.LxmlError):
        return None
