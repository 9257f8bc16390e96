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
from copydesk.extract.cues import classify_boilerplate, split_glued
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
    last = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        verdict = _judge(paragraph, index, last, title_key, author_keys, started=bool(kept))
        if verdict is not None:
            removed.append(Removed(paragraph, *verdict))
            continue
        split = split_glued(paragraph)
        removed.extend(split.before)
        if split.body:
            kept.append(split.body)
        removed.extend(split.after)
    return Cleaned(tuple(kept), tuple(removed))


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
    if index >= last - BIO_TAIL_PARAGRAPHS and _is_bio(paragraph, author_keys):
        return RemovedKind.BYLINE, "author bio box"
    return None


def _judge_short(line: str, author_keys: list[str]) -> tuple[RemovedKind, str] | None:
    stripped = line.strip()
    if _IMAGE_CREDIT.match(stripped):
        return RemovedKind.CAPTION, "image credit"
    if _DATELINE.match(stripped) or _READING_TIME.match(stripped):
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
