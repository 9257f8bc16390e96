"""Removing what trafilatura keeps around an article, and saying why.

Trafilatura's output still holds short lines a reader does not count as the article:
newsletter and share prompts, "Advertisement", "Related" lines, cookie text (all found
by wording in `cues.py`, shared with the text path), plus residue specific to HTML
pages: image credits and captions, the byline and date repeated above the body, the
headline repeated as the first paragraph and the short lines printed above it, inline
teaser and call-to-action links, cookie-banner paragraphs, and the author's bio box at
the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copydesk.extract.authors import fold_name, looks_like_person
from copydesk.extract.cues import (
    classify_boilerplate,
    is_comment_heading,
    is_related_heading,
    split_glued,
)
from copydesk.extract.result import Removed, RemovedKind

# Image credits: "Photo: Jane Doe/Agency", "Image credit: ...", "(Getty Images)", "Image
# via X" (singular: "Pictures from the scene showed..." is a sentence).
_IMAGE_CREDIT = re.compile(
    r"^[\[(]?\s*(?:photo(?:graph)?s?|image|picture|pic|illustration|credit|source|foto|bild|"
    r"fotos?|crédit|imagen)(?:\s+(?:credit|courtesy|source|by))?\s*(?::|by|courtesy|©)"
    r".{0,120}$|^(?:photo|image|picture|screenshot)\s+(?:from|via)\s"
    r".{0,60}$|^[\[(]?\s*(?:©|\(c\)|copyright)\s*.{0,80}$|"
    r"^.{0,80}(?:/|\|)\s*(?:getty images|shutterstock|istock(?:photo)?|alamy|reuters|afp|ap|"
    r"unsplash|pexels|adobe stock)\s*[\])]?$",
    re.I,
)
# Lines that only carry a date or an update note, as templates print above the body.
_DATELINE = re.compile(
    r"^(?:(?:last\s+)?updated|published|posted|modified|date)\s*(?:on|:)?\s*.{0,60}$|"
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\.?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[|·•,-]\s*.{0,40})?$",
    re.I,
)
# "5 min read", "Reading time: 4 minutes".
_READING_TIME = re.compile(r"^(?:reading time:?\s*)?\d+\s*(?:min(?:ute)?s?)\.?(?:\s+read)?$", re.I)
# A bio box: "<Author> is a writer at...", "<Author> has covered...", "About the author".
_BIO_VERB = re.compile(
    r"^\W*(?:is|was|has|writes|covers|joined|lives|holds|serves|co-?founded|founded"
    r"|specializes|specialises|graduated|earned|began|started|works|worked|teaches)\b",
    re.I,
)
# Any two or three capitalised words introduced as a writer: "Jane Doe is a freelance
# travel writer", "(John Roe is an Associate Attorney at ...".
_WRITER_BIO = re.compile(
    r"^[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){1,2}\s+(?:is|has been)\s+(?:a|an|the)\s+"
    r"(?:[\w-]+\s+){0,4}(?i:writer|journalist|editor|reporter|author|contributor|columnist"
    r"|blogger|correspondent|photographer|attorney|lawyer)\b"
)
MAX_BIO_LEAD_WORDS = 4
# Name parts shorter than this are too often ordinary words to open a bio with.
MIN_NAME_PART_CHARS = 3
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
# A byline line naming the writer or editor: "Written by: Jane Doe, Senior Analyst".
_CREDIT_LINE = re.compile(r"^(?:written|reviewed|edited|fact[- ]checked)\s+by\b", re.I)
# Placeholder text a template shows until an editor fills it in.
_PLACEHOLDER = re.compile(r"\blorem ipsum\b", re.I)
# The prompt or the terms of a contact or download form closing the page ("Fill out the
# form to get a copy of our ebook"); earlier, a how-to may be about filling in forms.
_FORM_PROMPT = re.compile(
    r"\b(?:fill (?:out|in) (?:the|this|our) form|submitting this form|the form below)\b", re.I
)
# A "Recent posts" entry: a list item ending with the post's date ("- Title - May 2, 2025").
_DATED_ITEM = re.compile(
    r"\s[-\u2013\u2014|]\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"\s+\d{1,2},?\s+\d{4}\s*$",
    re.I,
)
# A teaser link set inline between the article's paragraphs: "Also read: <headline>",
# "[Read more: <headline>]", "Related: <headline>", "You may also be interested: ...".
_INLINE_TEASER = re.compile(
    r"^[\[(]?\s*(?:(?:can\s+)?also read|must read|read more|related(?:\s+(?:story|stories"
    r"|article|articles|post|posts|reading|content))?|see also|you (?:may|might) also (?:like"
    r"|enjoy|be interested(?: in)?)|lesen sie auch|lire aussi|à lire aussi|lee también)\s*:\s*\S",
    re.I,
)
# Inline teasers are a headline long; a longer line opening so is prose.
MAX_TEASER_WORDS = 20
# A call-to-action link between or after the paragraphs (list items are spared: a
# how-to lists steps the same way): an imperative link verb and no
# sentence punctuation ("Learn more about the X program", "Read our full X review",
# "Check out these 15 foods", "Download now"), or a button label ending in an arrow
# ("Get the Template >"). Verbs also open headings ("Explore the old town", "Learn how
# the credit works", "Check out the best trails"), so they count only with the words a
# link uses ("more", "our", "the full"). French sets a space before a closing guillemet, so a
# line that opens a quote with « is a quotation, not a button; a line holding < or = is
# code ("conditions = < true || false >").
_CALL_TO_ACTION = re.compile(
    r"^(?:find out more|learn more|see (?:more|our|all)|check out (?:our|more|these|the full|all)"
    r"|explore (?:our|more|all)|discover (?:more|our)"
    r"|read (?:more|our|the full)|watch (?:now|the video|our)"
    r"|download (?:now|our|the free))\b[^.!?:]*$"
    r"|^[^.!?:\u00ab<=]{1,60}\s[>\u00bb\u2192]$",
    re.I,
)
MAX_CTA_WORDS = 15
# A link pointed at by an arrow ("👉 Read about the rise of teledentistry on Example."):
# the arrow marks it a link whatever its punctuation.
_ARROW_LINK = re.compile(
    r"^[\U0001F449\u27a1\u2192\u00bb]\ufe0f?\s*"
    r"(?:learn|see|read|find|check|discover|explore|watch|download|get)\b",
    re.I,
)
# A paywall's prompt left in the body: "This article is exclusive to X subscribers",
# "Already have an account?".
_PAYWALL_PROMPT = re.compile(
    r"^(?:this (?:article|story|content) is (?:exclusive|only available|available only) to\b"
    r".{0,40}\bsubscribers\b|already (?:have an account|a subscriber|a member)\b)",
    re.I,
)
# The writer's contact line closing a news story: "Contact staff writer Jane Roe at ...".
_CONTACT_LINE = re.compile(
    r"^contact (?:the )?(?:staff )?(?:writer|reporter|author|editor)\b", re.I
)
# A cookie-consent banner's paragraphs (consent plugins print several, each too long for
# the short-line cookie cue): at the body's start or end, naming cookies more than once in
# a banner's words, not an article's about cookies.
_COOKIE_NOTICE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site)\s+uses?\s+cookies\b|\bby clicking\b"
    r"|\baccept(?:ing)?(?: all)? cookies\b|\bcookie (?:settings|policy|preferences)\b"
    r"|\b(?:necessary|non-necessary|functional|analytics|performance) cookies\b"
    r"|\b(?:user|your) consent\b|\bopt[- ]out of (?:these )?cookies\b",
    re.I,
)
_COOKIE_WORD = re.compile(r"\bcookies?\b", re.I)
MIN_COOKIE_MENTIONS = 2
COOKIE_EDGE_PARAGRAPHS = 5
# A list marker trafilatura puts before list items ("- 2 min read", "- Sep 26, 2022").
_LIST_MARKER = re.compile(r"^[-*\u2022]\s+")
# A short related-links or comments heading in the last part of the body closes the
# article: it and everything after it go, when what follows is a small share of the body
# (a long run after it is more article, with a teaser box in between).
TAIL_START_SHARE = 0.5
TAIL_MAX_SHARE = 0.25
# The headline repeated after at most this many lines at the body's start ends what sits
# above the article, when none of those lines is longer than this many words.
MAX_ABOVE_HEADLINE = 3
MAX_ABOVE_HEADLINE_WORDS = 40
# A breadcrumb or menu above the article: at least this many list items this short.
MIN_MENU_ITEMS = 2
MAX_MENU_ITEM_WORDS = 3
# A reference list may be long (a paper's is a third of its text): measured on the dev
# set, cutting after a references heading gains precision up to this share, no recall.
SOURCES_MAX_SHARE = 0.4
MAX_TAIL_HEADING_WORDS = 4
# A references or footnotes heading: the list under it cites the article, readers do not
# count it as the article's text.
_SOURCES = re.compile(
    r"^(?:(?:article\s+)?(?:references|sources)(?:\s+(?:and|&)\s+(?:references|sources))?"
    r"|citations|bibliography|works cited|footnotes"
    r"|notes|literatur|quellen|références|referencias|fuentes)\s*:?$",
    re.I,
)
# "Read more" is also a link inside the article, and "More on that..." starts a sentence.
_NOT_TAIL_HEADING = re.compile(r"^(?:read more|more on)\b", re.I)
# An article may repeat a short heading ("Pros", "Step 1"); a paragraph this long printed
# twice is a template block. Measured on the dev set: F1 flat from 6 to 15 words.
MIN_REPEATED_WORDS = 10
# Repeats only go when a page prints this many long paragraphs again (measured on the dev
# set: below it, removing them lost recall on pages whose authors repeat a tip or a list
# item; from 5 up the figures are flat).
MIN_REPEATS = 5
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
    bio_keys = _bio_keys(authors)
    title_key = fold_name(title) if title else None
    paragraphs, tail = _cut_tail(paragraphs)
    paragraphs, menu = _cut_leading_menu(paragraphs)
    paragraphs, above = _cut_above_headline(paragraphs, title_key)
    removed.extend(menu + above)
    last = len(paragraphs)
    # A few repeated paragraphs are the author's (a tip restated, a list item reused); a
    # page printing many again carries a duplicated template block.
    seen: set[str] | None = set() if _repeats(paragraphs) >= MIN_REPEATS else None
    for index, paragraph in enumerate(paragraphs):
        verdict = _judge(
            paragraph, index, last, title_key, author_keys, bio_keys, started=bool(kept)
        )
        verdict = verdict or (_repeated(paragraph, seen) if seen is not None else None)
        if verdict is not None:
            removed.append(Removed(paragraph, *verdict))
            continue
        split = split_glued(paragraph)
        removed.extend(split.before)
        if split.body:
            kept.append(split.body)
        removed.extend(split.after)
    return Cleaned(tuple(kept), tuple(removed) + tail)


def _repeats(paragraphs: Sequence[str]) -> int:
    """How many long paragraphs the page prints again."""
    keys = [_key(p) for p in paragraphs if len(p.split()) >= MIN_REPEATED_WORDS]
    return len(keys) - len(set(keys))


def _key(paragraph: str) -> str:
    return " ".join(paragraph.casefold().split())


def _repeated(paragraph: str, seen: set[str]) -> tuple[RemovedKind, str] | None:
    """A long paragraph printed again word for word: a template block (teaser, testimonial)."""
    if len(paragraph.split()) < MIN_REPEATED_WORDS:
        return None
    key = _key(paragraph)
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
        if seen >= total * TAIL_START_SHARE and rest <= total * SOURCES_MAX_SHARE:
            found = _tail_heading(paragraph)
            limit = SOURCES_MAX_SHARE if found and found[0] is RemovedKind.OTHER else TAIL_MAX_SHARE
            if found is not None and rest <= total * limit:
                gone = tuple(Removed(p, *found) for p in paragraphs[index:])
                return paragraphs[:index], gone
        seen += len(paragraph)
    return paragraphs, ()


def _cut_above_headline(
    paragraphs: Sequence[str], title_key: str | None
) -> tuple[Sequence[str], list[Removed]]:
    """The paragraphs from the headline on, when the body prints the headline within its
    first lines: what comes before it (a kicker, an award banner, a standfirst printed
    twice, a section link) sits above the article. Only short lines go: a long paragraph
    before the headline is more likely article text that a template put first."""
    if not title_key:
        return paragraphs, []
    heads = [
        index
        for index, paragraph in enumerate(paragraphs[: MAX_ABOVE_HEADLINE + 1])
        if fold_name(_LIST_MARKER.sub("", paragraph)) == title_key
    ]
    # The last one: a template may print the headline twice, a skip link in between.
    index = heads[-1] if heads else 0
    above = paragraphs[:index]
    if any(len(p.split()) > MAX_ABOVE_HEADLINE_WORDS for p in above):
        return paragraphs, []
    reason = "text above the headline"
    return paragraphs[index:], [Removed(p, RemovedKind.OTHER, reason) for p in above]


def _cut_leading_menu(paragraphs: Sequence[str]) -> tuple[Sequence[str], list[Removed]]:
    """The paragraphs after a leading run of one- to three-word list items: a breadcrumb
    ("- News", "- Lifestyle") or a language or location menu printed above the article."""
    count = 0
    while count < len(paragraphs) and _is_menu_item(paragraphs[count]):
        count += 1
    if count < MIN_MENU_ITEMS:
        return paragraphs, []
    gone = [
        Removed(p, RemovedKind.NAVIGATION, "menu above the article") for p in paragraphs[:count]
    ]
    return paragraphs[count:], gone


def _is_menu_item(line: str) -> bool:
    marker = _LIST_MARKER.match(line)
    return marker is not None and len(line[marker.end() :].split()) <= MAX_MENU_ITEM_WORDS


def _tail_heading(line: str) -> tuple[RemovedKind, str] | None:
    if len(line.split()) > MAX_TAIL_HEADING_WORDS or _NOT_TAIL_HEADING.match(line):
        return None
    if _SOURCES.match(line):
        return RemovedKind.OTHER, "after a references heading"
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
    bio_keys: list[str],
    *,
    started: bool,
) -> tuple[RemovedKind, str] | None:
    found = classify_boilerplate(paragraph)
    if found is not None:
        return found
    words = len(_WORD.findall(paragraph))
    if not started and title_key and fold_name(_LIST_MARKER.sub("", paragraph)) == title_key:
        return RemovedKind.OTHER, "headline repeated as body text"
    if words <= MAX_SHORT_WORDS:
        short = _judge_short(paragraph, author_keys)
        if short is not None:
            return short
    listed = _LIST_MARKER.match(paragraph)
    if words <= MAX_CTA_WORDS and not listed and _CALL_TO_ACTION.match(paragraph):
        return RemovedKind.NEWSLETTER_PROMO, "call-to-action link"
    if words <= MAX_TEASER_WORDS and _ARROW_LINK.match(paragraph):
        return RemovedKind.RELATED_LINKS, "link pointed at by an arrow"
    if words <= MAX_TEASER_WORDS and _CONTACT_LINE.match(paragraph):
        return RemovedKind.BYLINE, "writer's contact line"
    if words <= MAX_TEASER_WORDS and _INLINE_TEASER.match(paragraph):
        return RemovedKind.RELATED_LINKS, "inline teaser link"
    edge = index < COOKIE_EDGE_PARAGRAPHS or index >= last - COOKIE_EDGE_PARAGRAPHS
    if edge and _is_cookie_notice(paragraph):
        return RemovedKind.COOKIE_NOTICE, "cookie consent banner"
    if _PLACEHOLDER.search(paragraph):
        return RemovedKind.OTHER, "template placeholder text"
    closing = index >= last - BIO_TAIL_PARAGRAPHS
    if closing and words <= MAX_DISCLOSURE_WORDS and _FORM_PROMPT.search(paragraph):
        return RemovedKind.NEWSLETTER_PROMO, "prompt or terms of a sign-up form"
    if listed and _DATED_ITEM.search(paragraph):
        return RemovedKind.RELATED_LINKS, "post link with its date"
    if words <= MAX_DISCLOSURE_WORDS and not listed and _DISCLOSURE.search(paragraph):
        return RemovedKind.ADVERTISEMENT, "affiliate or sponsorship disclosure"
    if index >= last - BIO_TAIL_PARAGRAPHS and _is_bio(paragraph, bio_keys):
        return RemovedKind.BYLINE, "author bio box"
    return None


def _is_cookie_notice(paragraph: str) -> bool:
    mentions = len(_COOKIE_WORD.findall(paragraph))
    return mentions >= MIN_COOKIE_MENTIONS and _COOKIE_NOTICE.search(paragraph) is not None


def _judge_short(line: str, author_keys: list[str]) -> tuple[RemovedKind, str] | None:
    stripped = _LIST_MARKER.sub("", line.strip())
    if _CONTENTS.match(stripped):
        return RemovedKind.NAVIGATION, "table of contents heading"
    if _BARE_LEAD.match(stripped):
        return RemovedKind.BYLINE, "byline lead-in without a name"
    if _CREDIT_LINE.match(stripped):
        return RemovedKind.BYLINE, "writer or editor credit line"
    if _PAYWALL_PROMPT.match(stripped):
        return RemovedKind.PAYWALL, "paywall prompt"
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


def _is_bio(paragraph: str, bio_keys: list[str]) -> bool:
    """Whether a paragraph opens with an author's name (or surname) followed by a bio verb,
    or with any name introduced as a writer ("Jane Doe is a freelance travel writer")."""
    text = paragraph.lstrip("([ ")
    lead, comma, rest = text.partition(",")
    # "At Example News, Doe covers...": the name may follow a short opening clause.
    starts = [text, rest] if comma and len(lead.split()) <= MAX_BIO_LEAD_WORDS else [text]
    for start in starts:
        words = start.split()
        for size in (1, 2, 3, 4):
            named = fold_name(" ".join(words[:size])) in bio_keys
            if named and _BIO_VERB.match(" ".join(words[size:])):
                return True
    return _WRITER_BIO.match(text) is not None


def _bio_keys(authors: Sequence[str]) -> list[str]:
    """Folded author names, first names and surnames: a bio box goes on with "Doe covers
    ..." or opens with "Jane has..."."""
    keys = [fold_name(a) for a in authors if a]
    people = [a.split() for a in authors if looks_like_person(a)]
    parts = [fold_name(w) for words in people for w in (words[0], words[-1])]
    return [k for k in (*keys, *parts) if len(k) >= MIN_NAME_PART_CHARS]
