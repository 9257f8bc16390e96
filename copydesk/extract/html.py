"""HTML extraction: trafilatura for the body, copydesk's own pass for residue and metadata.

Trafilatura is called without its metadata (copydesk reads metadata itself, faster and
validated) and without comments, in its recall mode first (which keeps article sections
its default mode drops, and runs faster); its default mode runs as well only when recall
mode found a small part of the page's text, and copydesk's text cleaner reads the page's
visible text when both find too little; `Extraction.path` names the path taken. The
body then loses its residue (`html_residue`) and a short closing run that the text
cleaner's line model scores as page furniture (`html_tail`).
Trafilatura's internal caches are not thread-safe: callers running extractions in
threads must serialise them (the worker uses processes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import trafilatura
from lxml.etree import XPath
from lxml.html import HtmlElement

from copydesk.extract.html_residue import remove_residue
from copydesk.extract.html_tail import cut_low_tail
from copydesk.extract.html_tree import parse_html
from copydesk.extract.metadata import page_metadata
from copydesk.extract.plaintext import extract_text
from copydesk.extract.result import Extraction, Metadata, Removed

EXTRACTOR = "copydesk-html"
# Below this many characters of body the page is treated as a trafilatura failure.
MIN_BODY_CHARS = 250
# Visible text is only worth cleaning when it holds more than a menu's worth of words.
MIN_VISIBLE_CHARS = 200
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")


@dataclass(frozen=True, slots=True)
class Settings:
    """The trafilatura options copydesk uses (chosen by measurement, see bench/)."""

    favor_precision: bool = False
    favor_recall: bool = False
    fast: bool = False
    include_tables: bool = True
    # Run trafilatura's fast mode first and its full mode (which compares against
    # readability and jusText) only when the fast body is shorter than this; 0: always full.
    full_below_chars: int = 0
    # Run trafilatura's recall mode first, and its default mode as well only when the
    # recall body holds less than this share of the page's `<p>` text (recall mode then
    # picked a teaser box or a single post). Measured on the dev set's articles: recall
    # mode keeps the sections the default mode drops (R 0.948 -> 0.959) at no precision
    # cost; the second run is needed on 1 page in 13.
    recall_first: bool = True
    default_below_share: float = 0.3


DEFAULT = Settings()


def extract_html(html: str, url: str | None = None, now: datetime | None = None) -> Extraction:
    """The article in an HTML page: clean paragraphs, what was removed, and metadata.

    `now` bounds publication dates (none may lie in the future); the default is the clock.
    """
    return extract_html_with(html, url, DEFAULT, now)


def extract_html_with(
    html: str, url: str | None, settings: Settings, now: datetime | None = None
) -> Extraction:
    """`extract_html` with explicit trafilatura settings (for the benchmarks)."""
    tree = parse_html(html) if html and html.strip() else None
    if tree is None:
        return Extraction(title=None, paragraphs=(), path="empty", extractor=EXTRACTOR)
    _drop_hidden_dialogs(tree)
    body, path = _body(tree, url, settings)
    title, meta = page_metadata(tree, url, "\n".join(body), now)
    if path == "text-cleaner":
        cleaned_text = extract_text("\n".join(body))
        return _result(title, cleaned_text.paragraphs, cleaned_text.removed, meta, path)
    cleaned = remove_residue(body, title, meta.authors)
    kept, closing = cut_low_tail(cleaned.paragraphs)
    return _result(title, kept, cleaned.removed + closing, meta, path)


# A modal dialog the page keeps hidden until a button opens it ("Republish this story",
# a newsletter or contact form): no reader sees it beside the article.
_HIDDEN_DIALOG = XPath(
    "//*[(@aria-modal='true' or @role='dialog')"
    " and contains(translate(@style, ' ', ''), 'display:none')]"
)


def _drop_hidden_dialogs(tree: HtmlElement) -> None:
    for elem in _HIDDEN_DIALOG(tree):
        elem.drop_tree()


def _result(
    title: str | None,
    paragraphs: tuple[str, ...],
    removed: tuple[Removed, ...],
    meta: Metadata,
    path: str,
) -> Extraction:
    return Extraction(
        title=title,
        paragraphs=paragraphs,
        removed=removed,
        metadata=meta,
        path=path,
        extractor=EXTRACTOR,
        extractor_version=f"trafilatura {trafilatura.__version__}",
    )


def _body(tree: HtmlElement, url: str | None, settings: Settings) -> tuple[list[str], str]:
    """Body paragraphs and the path that produced them."""
    if settings.recall_first:
        return _recall_first(tree, url, settings)
    paragraphs = _trafilatura(tree, url, settings, recall=False)
    short = sum(map(len, paragraphs)) < settings.full_below_chars
    if settings.fast and short:
        paragraphs = _trafilatura(tree, url, replace(settings, fast=False), recall=False)
    if sum(map(len, paragraphs)) >= MIN_BODY_CHARS:
        return paragraphs, "trafilatura"
    recall = _trafilatura(tree, url, settings, recall=True)
    if sum(map(len, recall)) >= MIN_BODY_CHARS:
        return recall, "trafilatura-recall"
    visible = _visible_lines(tree)
    if sum(map(len, visible)) >= MIN_VISIBLE_CHARS:
        return visible, "text-cleaner"
    best = recall if sum(map(len, recall)) > sum(map(len, paragraphs)) else paragraphs
    return best, "trafilatura" if best is paragraphs else "trafilatura-recall"


def _recall_first(tree: HtmlElement, url: str | None, settings: Settings) -> tuple[list[str], str]:
    """Recall mode's body; the default mode's when recall mode found a small part only."""
    body, path = _trafilatura(tree, url, settings, recall=True), "trafilatura-recall"
    size = sum(map(len, body))
    if size < settings.default_below_share * _paragraph_chars(tree) or size < MIN_BODY_CHARS:
        default = _trafilatura(tree, url, settings, recall=False)
        if sum(map(len, default)) > size:
            body, path, size = default, "trafilatura", sum(map(len, default))
    if size >= MIN_BODY_CHARS:
        return body, path
    visible = _visible_lines(tree)
    if sum(map(len, visible)) >= MIN_VISIBLE_CHARS:
        return visible, "text-cleaner"
    return body, path


def _paragraph_chars(tree: HtmlElement) -> int:
    """The characters of text in the page's `<p>` elements: what an article body holds."""
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _trafilatura(
    tree: HtmlElement, url: str | None, settings: Settings, *, recall: bool
) -> list[str]:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=settings.favor_precision and not recall,
        favor_recall=settings.favor_recall or recall,
        fast=settings.fast,
        include_tables=settings.include_tables,
        with_metadata=False,
    )
    text = getattr(doc, "text", None) or ""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _visible_lines(tree: HtmlElement) -> list[str]:
    """The page's visible text, one line per text block, as a reader would copy it."""
    body = tree.find("body")
    root = body if body is not None else tree
    lines: list[str] = []
    for elem in root.iter():
        if elem.tag in _INVISIBLE or not isinstance(elem.tag, str):
            continue
        if any(a.tag in _INVISIBLE for a in elem.iterancestors()):
            continue
        for piece in (elem.text, elem.tail):
            if piece and piece.strip():
                lines.append(" ".join(piece.split()))
    return lines
