"""Removing what trafilatura keeps around an article, and saying why.

Trafilatura's output still holds short lines a reader does not count as the article:
newsletter and share prompts, "Advertisement", "Related" lines, cookie text (all found
by wording in `cues.py`, shared with the text path), plus residue specific to HTML
pages: image credits and captions, the byline and date repeated above the body, the
headline repeated as the first paragraph, and the author's bio box at the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copydesk.extract.authors import fold_name
from copydesk.extract.cues import (
    classify_boilerplate,
    is_comment_heading,
    is_related_heading,
    split_glued,
)
from copydesk.extract.result import Removed, RemovedKind

# Image credits: "Photo: Jane Doe/Agency", "Image credit: ...", "(Getty Images)".
_IMAGE_CREDIT = re.compile(
    r"^[\[(]?\s*(?:photo(?:graph)?s?|image|picture|pic|illustration|credit|source|foto|bild|"
    r"fotos?|crédit|imagen)(?:\s+(?:credit|courtesy|source|by))?\s*(?::|by|courtesy|©)"
    r".{0,120}$|^[\[(]?\s*(?:©|\(c\)|copyright)\s*.{0,80}$|"
    r"^.{0,80}(?:/|\|)\s*(?:getty images|shutterstock|istock(?:photo)?|alamy|reuters|afp|ap|"
    r"unsplash|pexels|adobe stock)\s*[\])]?$",
    re.I,
)
# Lines that only carry a date or an update note, as templates print above the body.
_DATELINE = re.compile(
    r"^(?:(?:last\s+)?updated|published|posted|modified|date)\s*(?:on|:)?\s*.{0,60}$|"
    r"^(?:\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\.?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[|·•,-]\s*.{0,40})?$",
    re.I,
)
# "5 min read", "Reading time: 4 minutes".
_READING_TIME = re.compile(r"^(?:reading time:?\s*)?\d+\s*(?:min(?:ute)?s?)\.?(?:\s+read)?$", re.I)
# A bio box: "<Author> is a writer at...", "<Author> has covered...", "About the author".
_BIO_VERB = re.compile(r"^\W*(?:is|was|has|writes|covers|joined|lives|holds|serves)\b", re.I)
_ABOUT_AUTHOR = re.compile(r"^(?:about the authors?|about\s+\w+(?:\s+\w+)?|author bio)\W*$", re.I)
# A table of contents' heading: the entries below it repeat the article's own headings.
_CONTENTS = re.compile(
    r"^(?:table of contents|contents|on this page|in this (?:article|post|guide)|jump to"
    r"|skip to|quick links|inhalt|inhaltsverzeichnis|sommaire|índice|contenido)\s*:?$",
    re.I,
)
# Affiliate and sponsorship disclosures: "We may earn a commission...", "This post
# contains affiliate links", "independently selected by our editors".
_DISCLOSURE = re.compile(
    r"\b(?:(?:may|might|will|could|we)\s+(?:\w+\s+){0,2}(?:earn|receive|get)"
    r"\s+(?:\w+\s+){0,3}(?:commission|compensation)|(?:contains?|may contain|includes?)\s+"
    r"(?:\w+\s+)?(?:affiliate|sponsored)\s+(?:links?|content)"
    r"|(?:independently|editorially)\s+(?:selected|chosen|reviewed))\b",
    re.I,
)
# Disclosures are a sentence or three; longer paragraphs mentioning them are prose.
MAX_DISCLOSURE_WORDS = 60
# A byline lead-in or a reading-time remnant left on its own line by the page's markup.
_BARE_LEAD = re.compile(r"^(?:written by|posted by|min(?:ute)? read)\s*:?$", re.I)
# A list marker trafilatura puts before list items ("- 2 min read", "- Sep 26, 2022").
_LIST_MARKER = re.compile(r"^[-*\u2022]\s+")
# A short related-links or comments heading in the last part of the body closes the
# article: it and everything after it go, when what follows is a small share of the body
# (a long run after it is more article, with a teaser box in between).
TAIL_START_SHARE = 0.5
TAIL_MAX_SHARE = 0.25
MAX_TAIL_HEADING_WORDS = 4
# "Read more" is also a link inside the article, and "More on that..." starts a sentence.
_NOT_TAIL_HEADING = re.compile(r"^(?:read more|more on)\b", re.I)
# An article may repeat a short heading ("Pros", "Step 1"); a paragraph this long printed
# twice is a template block. Measured on the dev set: F1 flat from 6 to 15 words.
MIN_REPEATED_WORDS = 10
# Only lines this short are judged by their look alone (credits, datelines, counters).
MAX_SHORT_WORDS = 12
# A bio box sits in the last paragraphs of an article.
BIO_TAIL_PARAGRAPHS = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Paragraphs kept and spans removed, in document order."""

    paragraphs: tuple[str, ...]
    removed: tuple[Removed, ...]


def remove_residue(paragraphs: Sequence[str], title: str | None, authors: Sequence[str]) -> Cleaned:
    """Drop boilerplate paragraphs and glued tails, recording each removal."""
    kept: list[str] = []
    removed: list[Removed] = []
    author_keys = [fold_name(a) for a in authors if a]
    title_key = fold_name(title) if title else None
    paragraphs, tail = _cut_tail(paragraphs)
    last = len(paragraphs)
    seen: set[str] = set()
    for index, paragraph in enumerate(paragraphs):
        verdict = _judge(paragraph, index, last, title_key, author_keys, started=bool(kept))
        verdict = verdict or _repeated(paragraph, seen)
        if verdict is not None:
            removed.append(Removed(paragraph, *verdict))
            continue
        split = split_glued(paragraph)
        removed.extend(split.before)
        if split.body:
            kept.append(split.body)
        removed.extend(split.after)
    return Cleaned(tuple(kept), tuple(removed) + tail)


def _repeated(paragraph: str, seen: set[str]) -> tuple[RemovedKind, str] | None:
    """A long paragraph printed again word for word: a template block (teaser, testimonial)."""
    if len(paragraph.split()) < MIN_REPEATED_WORDS:
        return None
    key = " ".join(paragraph.casefold().split())
    if key in seen:
        return RemovedKind.OTHER, "paragraph repeated verbatim"
    seen.add(key)
    return None


def _cut_tail(paragraphs: Sequence[str]) -> tuple[Sequence[str], tuple[Removed, ...]]:
    """The paragraphs before a closing related-links or comments heading, and what went."""
    total = sum(len(p) for p in paragraphs)
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        rest = total - seen - len(paragraph)
        if seen >= total * TAIL_START_SHARE and rest <= total * TAIL_MAX_SHARE:
            found = _tail_heading(paragraph)
            if found is not None:
                gone = tuple(Removed(p, *found) for p in paragraphs[index:])
                return paragraphs[:index], gone
        seen += len(paragraph)
    return paragraphs, ()


def _tail_heading(line: str) -> tuple[RemovedKind, str] | None:
    if len(line.split()) > MAX_TAIL_HEADING_WORDS or _NOT_TAIL_HEADING.match(line):
        return None
    if is_related_heading(line):
        return RemovedKind.RELATED_LINKS, "after a related-links heading"
    if is_comment_heading(line):
        return RemovedKind.COMMENTS, "after a comments heading"
    return None


def _judge(
    paragraph: str,
    index: int,
    last: int,
    title_key: str | None,
    author_keys: list[str],
    *,
    started: bool,
) -> tuple[RemovedKind, str] | None:
    found = classify_boilerplate(paragraph)
    if found is not None:
        return found
    words = len(_WORD.findall(paragraph))
    if not started and title_key and fold_name(paragraph) == title_key:
        return RemovedKind.OTHER, "headline repeated as body text"
    if words <= MAX_SHORT_WORDS:
        short = _judge_short(paragraph, author_keys)
        if short is not None:
            return short
    listed = _LIST_MARKER.match(paragraph)
    if words <= MAX_DISCLOSURE_WORDS and not listed and _DISCLOSURE.search(paragraph):
        return RemovedKind.ADVERTISEMENT, "affiliate or sponsorship disclosure"
    if index >= last - BIO_TAIL_PARAGRAPHS and _is_bio(paragraph, author_keys):
        return RemovedKind.BYLINE, "author bio box"
    return None


def _judge_short(line: str, author_keys: list[str]) -> tuple[RemovedKind, str] | None:
    stripped = _LIST_MARKER.sub("", line.strip())
    if _CONTENTS.match(stripped):
        return RemovedKind.NAVIGATION, "table of contents heading"
    if _BARE_LEAD.match(stripped):
        return RemovedKind.BYLINE, "byline lead-in without a name"
    if _IMAGE_CREDIT.match(stripped):
        return RemovedKind.CAPTION, "image credit"
    dated = _DATELINE.match(stripped) and any(c.isdigit() for c in stripped)
    if dated or _READING_TIME.match(stripped):
        return RemovedKind.DATELINE, "date or reading-time line"
    if author_keys and fold_name(stripped) in author_keys:
        return RemovedKind.BYLINE, "author name on its own line"
    if _ABOUT_AUTHOR.match(stripped):
        return RemovedKind.BYLINE, "author bio heading"
    return None


def _is_bio(paragraph: str, author_keys: list[str]) -> bool:
    """Whether a paragraph opens with an author's name followed by a bio verb."""
    if not author_keys:
        return False
    words = paragraph.split()
    for size in (2, 3, 4, 1):
        head = fold_name(" ".join(words[:size]))
        if head in author_keys or any(head and k.startswith(head) for k in author_keys):
            return bool(_BIO_VERB.match(" ".join(words[size:])))
    return False
