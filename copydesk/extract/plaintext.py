"""Plain-text cleaning: keep the article, say what was cut and why.

Steps: split the page into lines; score every line with the shipped model on
bulk features (`text_features`, `text_model`); keep the best contiguous run of
content (`text_select`); cut a reader-comment section off as a unit; cut the section
after the article's end and the page header before its start where the block models
(`text_end`, `text_start`) are confident; cut a closing section named by its heading
(recent posts, the author's bio, sources) and a closing bio line; drop later copies of a
repeated text; then review the few lines at and around the article with the cue phrases
(`cues`) - promos, captions, glued ads, bylines - and credit lines anywhere in it, pick
the title, name the kind of every dropped line, and read the metadata (`text_meta`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter

import numpy as np
import numpy.typing as npt

from copydesk.extract.cues import (
    CLOSING_PREFIXES,
    COMMENT_AUTHOR_STEMS,
    COMMENT_STEMS,
    CONCLUSION_MAX_CHARS,
    CONSENT_OPENINGS,
    CREDIT_TAIL_TOKENS,
    CREDIT_TAIL_WORDS,
    DISCLOSURE_TOKENS,
    DISCLOSURE_WORDS,
    GLUED_HEAD_PREFIXES,
    GLUED_TAIL_STEMS,
    INLINE_PREFIXES,
    MAX_CONSENT_WORDS,
    MAX_CREDIT_WORDS,
    MAX_CTA_WORDS,
    MAX_FORM_WORDS,
    RELATED_PREFIXES,
    about_confirmed,
    classify_boilerplate,
    closing_heading,
    cue_kind,
    has_conclusion_word,
    is_bio_opening,
    is_comment_author,
    is_comment_heading,
    is_conclusion_heading,
    is_consent_line,
    is_credit_line,
    is_credit_tail,
    is_cta_line,
    is_disclosure,
    is_form_line,
    is_related_heading,
    is_toc_heading,
    is_toc_section_word,
    split_glued,
)
from copydesk.extract.result import Extraction, Removed, RemovedKind
from copydesk.extract.text_end import NUMBERED_FIRST, end_features
from copydesk.extract.text_features import (
    CUE_GROUP_NAMES,
    FEATURE_NAMES,
    PageFacts,
    page_features,
    split_lines,
)
from copydesk.extract.text_meta import read_metadata
from copydesk.extract.text_model import Array, LineModel, shipped_model
from copydesk.extract.text_select import EDGE_MIN_TOKENS, select_lines
from copydesk.extract.text_start import find_bounds, start_features
from copydesk.extract.text_stems import StemFinder

PATH = "text"
EXTRACTOR = "copydesk-text"
VERSION = "1"

Named = tuple[RemovedKind, str]
Bools = npt.NDArray[np.bool_]

# Lines this close to the start or end of the kept article are checked against the
# cue phrases whatever their shape (promo banners, bylines, "Advertisement").
REVIEW_MARGIN = 2
REVIEW_MAX_TOKENS = 30
# Inside the article a known cue phrase is dropped when the line is this short.
INSIDE_REVIEW_TOKENS = 3
# A caption: a kept line of at least this many tokens without final punctuation,
# between two prose lines (a photo caption copied from between paragraphs).....
CAPTION_MIN_TOKENS = 14
# ...and at most this many: a longer one is a sentence that lost its full stop (or ends in a
# footnote mark, an emoji, a figure), which photo captions seldom are.
CAPTION_MAX_TOKENS = 20
PROSE_TOKENS = 12
# A headline: the page's first line, this many tokens, not ending with a full stop...
TITLE_TOKENS = (3, 30)
# ...with the article starting within this many lines after it.
TITLE_GAP = 3
# A table of contents: its heading has at most this many tokens, lists at most this many
# entries, each of at most this many tokens, that come back later on the page.
TOC_HEAD_TOKENS = 4
TOC_MAX_ENTRIES = 40
TOC_ENTRY_TOKENS = 14
# A banner head above a newsletter sentence ("Get our weekly briefing") is this short.
BANNER_MAX_TOKENS = 12
# A comment heading ends the article only after this many kept tokens of article.
COMMENTS_AFTER_TOKENS = 50
COMMENT_HEAD_TOKENS = 15
# This many comment author lines ("Jane Doe says:") make a comment thread.
MIN_COMMENT_AUTHORS = 2
# A related-links heading ends the article only after this share of the kept tokens.
RELATED_AFTER_SHARE = 0.75
# A related-links box inside the article runs from its heading to the next prose line,
# over at most this many teaser lines.
RELATED_BOX_LINES = 12
# How many lines before (and after) the article's first line are read for a byline or date.
HEAD_LINES = 8
HEAD_AFTER = 3
# A sentence-final line of at least this many tokens may extend the article's run.
EXTEND_MIN_TOKENS = 8
# A page whose kept text holds this many second copies of lines of at least REPEAT_TOKENS
# tokens repeats its content (a print or mobile copy, tabs holding the same text): only
# the first copy is kept.
MIN_REPEATS = 10
REPEAT_TOKENS = 8
# split_glued looks for a promo tail only in the last characters of a line.
TAIL_CHARS = 160
# A numbered item ("8. Boston, MA", "#3) Supersets", a footnote's bare "5") of at most this
# many tokens continues the kept article's numbering when the next number follows the last
# kept one within this many lines; lines between and after such items are kept above this
# probability (the footer after an article sits well below it).
ITEM_MAX_TOKENS = 20
ITEM_GAP = 30
ITEM_KEEP = 0.1
# A conclusion heading of at most this many tokens, this many lines before or after the
# last kept line, keeps the prose under it.
CONCLUSION_HEAD_TOKENS = 8
CONCLUSION_BEFORE = 10
CONCLUSION_AFTER = 3
# A conclusion section is the heading and at most this many prose lines: a longer run of
# prose under a "Summary" is a page's blurb or a site-wide text, not the article's close.
CONCLUSION_LINES = 6
# QA_MIN_PAIRS kept questions (lines ending in "?" of at most QA_MAX_TOKENS tokens), each
# answered by the kept prose line after it, within the last QA_LOOKBACK lines let the
# question-and-answer pairs after them join the article. One pair is not enough: the model
# often keeps the first pair of a site-wide FAQ below an article.
QA_LOOKBACK = 8
QA_MIN_PAIRS = 2
QA_MAX_TOKENS = 25
_QUESTION = ord("?")
# Words a cookie notice or a newsletter pitch holds (lower-cased), for `_keep_closing`.
_NOTICE_WORDS = ("cookie", "newsletter", "inbox", "subscri", "sign up", "privacy")
_COLON = ord(":")
_DIGIT_OR_HASH = re.compile(rb"[0-9#]")
_ITEM = re.compile(r"#?(\d{1,3})(?:[.):]\s|\s|$)")

_GROUP_KINDS = {
    "ad": (RemovedKind.ADVERTISEMENT, "advertisement marker"),
    "promo": (RemovedKind.NEWSLETTER_PROMO, "subscription or newsletter prompt"),
    "share": (RemovedKind.SHARE, "share or follow button"),
    "nav": (RemovedKind.NAVIGATION, "navigation or related-links item"),
    "comments": (RemovedKind.COMMENTS, "comment-section control"),
    "legal": (RemovedKind.FOOTER, "legal or site link"),
    "caption": (RemovedKind.CAPTION, "media label"),
}
_KIND_BY_GROUP = tuple(_GROUP_KINDS[name] for name in CUE_GROUP_NAMES)
# Zones of dropped lines that no cue names, merged into one span per run.
_KEPT, _NAMED, _BEFORE, _AFTER, _INSIDE, _COMMENTS, _RELATED, _END = range(8)
_BIO, _SOURCES, _POSTNAV, _ABOUT = range(8, 12)
# Lines named by a cue-phrase group g get zone _GROUP_ZONE + g, so runs of one kind merge.
_GROUP_ZONE = 20
_ZONE_KINDS: dict[int, Named] = {
    _BEFORE: (RemovedKind.NAVIGATION, "page header or menu before the article"),
    _AFTER: (RemovedKind.FOOTER, "page footer after the article"),
    _INSIDE: (RemovedKind.OTHER, "low content score inside the article"),
    _COMMENTS: (RemovedKind.COMMENTS, "reader comments after the article"),
    _RELATED: (RemovedKind.RELATED_LINKS, "related links after the article"),
    _END: (RemovedKind.OTHER, "section after the article's end (teasers, bio, FAQ or promos)"),
    _BIO: (RemovedKind.BYLINE, "author bio after the article"),
    _SOURCES: (RemovedKind.OTHER, "list of sources after the article"),
    _POSTNAV: (RemovedKind.NAVIGATION, "links to the previous or next post"),
    _ABOUT: (RemovedKind.FOOTER, "about the site or its publisher, after the article"),
}
_CLOSING_ZONES = {
    "recent": _RELATED, "bio": _BIO, "sources": _SOURCES, "postnav": _POSTNAV, "about": _ABOUT,
}  # fmt: skip
_REPEAT_KEY = np.array([FEATURE_NAMES.index("log_chars"), FEATURE_NAMES.index("chars_per_tok")])
_FIRST_CHAR = itemgetter(0)
_FIRST_TWO = itemgetter(slice(2))
_TAIL = itemgetter(slice(-TAIL_CHARS, None))
_COMMENT_STEMS = StemFinder.of(COMMENT_STEMS + COMMENT_AUTHOR_STEMS)
# The stems read in the lowered ends of kept lines: a glued promo tail's, a disclosure's
# and a photo credit's words, found in one pass (`_split_glued`).
_END_STEMS = StemFinder.of(GLUED_TAIL_STEMS + DISCLOSURE_WORDS + CREDIT_TAIL_WORDS)
_GLUED_TAIL, _DISCLOSURE, _CREDIT = range(3)
_END_KIND = {
    stem.encode(): kind
    for kind, stems in enumerate((GLUED_TAIL_STEMS, DISCLOSURE_WORDS, CREDIT_TAIL_WORDS))
    for stem in stems
}
_FINAL = (".", "!", "?", "\u2026", '"', "\u201d", "\u2019", "'", ")", "»")
_LEAD_IN = (":", ",", ";", "-", "\u2013", "\u2014")


def _by_prefix(prefixes: tuple[str, ...], width: int = 1) -> dict[str, tuple[str, ...]]:
    """The prefixes grouped by their first `width` characters."""
    table: dict[str, tuple[str, ...]] = {}
    for prefix in prefixes:
        assert len(prefix) >= width, prefix  # a shorter one would never be looked up
        table[prefix[:width]] = (*table.get(prefix[:width], ()), prefix)
    return table


def _start_with(
    lines: list[str],
    table: dict[str, tuple[str, ...]],
    key: Callable[[str], str] = _FIRST_CHAR,
) -> Iterator[bool]:
    """Per non-empty line, whether it starts with one of the prefixes in `table` (grouped
    by `key`: a long list keyed by two characters, so a line meets only the few prefixes
    sharing its first two, not the dozens sharing its first)."""
    return map(str.startswith, lines, map(table.get, map(key, lines), repeat(())))


def _first_bytes(prefixes: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """The UTF-8 bytes a line starting with one of `prefixes` (in either case) opens with:
    a vectorised pre-check on `PageFacts.first_byte` before the per-line one."""
    table = np.zeros(256, dtype=bool)
    table[[form.encode()[0] for prefix in prefixes for form in (prefix, prefix.upper())]] = True
    return table


# `str.startswith` tries every prefix of a tuple in turn; a line is tested only against
# those sharing its first character (a dict look-up), which gives the same answer.
_RELATED_BY_FIRST = _by_prefix(RELATED_PREFIXES)
_CLOSING_BY_FIRST = _by_prefix(CLOSING_PREFIXES)
_CLOSING_FIRST_BYTES = _first_bytes(CLOSING_PREFIXES)
_GLUED_BY_FIRST = _by_prefix(GLUED_HEAD_PREFIXES)
_GLUED_FIRST_BYTES = _first_bytes(GLUED_HEAD_PREFIXES)
_INLINE_BY_TWO = _by_prefix(INLINE_PREFIXES, 2)
_INLINE_FIRST_BYTES = _first_bytes(INLINE_PREFIXES)


@dataclass(frozen=True, slots=True)
class _Page:
    """The lines of one page, the model's verdicts, and the rules' named cuts."""

    lines: list[str]
    facts: PageFacts
    keep: npt.NDArray[np.bool_]
    cut: dict[int, Named]


def extract_text(text: str) -> Extraction:
    """Clean pasted page text into title, article paragraphs, removed spans and metadata."""
    return clean_text(text, shipped_model())


def clean_text(text: str, model: LineModel) -> Extraction:
    """`extract_text` with an explicit line model (the training script passes its own)."""
    lines = split_lines(text)
    if not lines:
        return Extraction(None, (), path=PATH, extractor=EXTRACTOR, extractor_version=VERSION)
    features, facts = page_features(lines)
    prob = model.predict(features)
    page, candidates, comments = _article(lines, features, facts, prob, model)
    tails = [comments] if comments is not None else []
    end, start = find_bounds(model.end, model.start, features, prob, facts, page.keep)
    heading = end is not None and has_conclusion_word(lines[end])  # pre-check
    if end is not None and heading and is_conclusion_heading(lines[end]):
        # The section under a conclusion heading is the article's end (_keep_conclusion):
        # the cut moves below its prose (no cut when the page ends there). Without prose
        # under it, the heading is the footer's.
        below = _conclusion_end(facts, end)
        if below > end + 1:
            end = below if below < len(lines) else None
    if end is not None and _cut_at_item(page, end):
        end = None
    if end is not None:
        page.keep[end:] = False
        tails.insert(0, (end, _END))
    if start is not None and (end is None or start < end):  # never both cuts over one line
        page.keep[: start + 1] = False
    _keep_closing(page)
    closing = _cut_closing(page)
    if closing is not None:
        tails.insert(0, closing)
    _cut_repeats(page, features)
    _cut_related_blocks(page, candidates)
    _review(page)
    title = _title(page)
    texts, glued = _split_glued(page)
    if title is not None:
        page.keep[title] = False
    kept = page.keep.nonzero()[0].tolist()
    paragraphs = tuple(map(texts.get, kept, map(lines.__getitem__, kept)))
    first = kept[0] if kept else 0
    head = lines[max(0, first - HEAD_LINES) : first + HEAD_AFTER + 1]
    return Extraction(
        title=lines[title] if title is not None else None,
        paragraphs=paragraphs,
        removed=_removed(page, glued, title, tails),
        metadata=read_metadata(head, paragraphs, facts.clear_language),
        path=PATH,
        extractor=EXTRACTOR,
        extractor_version=VERSION,
    )


def _article(
    lines: list[str], features: Array, facts: PageFacts, prob: Array, model: LineModel
) -> tuple[_Page, list[int], tuple[int, int] | None]:
    """The kept run of lines and the comment-section cut (the steps before the end model)."""
    prose = facts.final & (facts.n_tokens >= EXTEND_MIN_TOKENS)
    keep = select_lines(prob, facts.n_tokens, model.thresholds, prose)
    _extend_end(lines, facts, prob, keep)
    page = _Page(lines, facts, keep, {})
    candidates = _heading_candidates(page)
    return page, candidates, _cut_comments(page, candidates)


def _item_number(line: str) -> int | None:
    """The number a numbered item opens with ("12. Negotiation" -> 12), else None."""
    found = _ITEM.match(line)
    return int(found.group(1)) if found else None


def _extend_end(lines: list[str], facts: PageFacts, prob: Array, keep: Bools) -> None:
    """Keep the article's last parts the run stops short of: the rest of a numbered list,
    a conclusion section, the rest of a question-and-answer run (each read from the last
    kept line the one before it left). Each reads only a few lines around the run's end,
    with a cheap pre-check, since on most pages none applies."""
    bounds = _kept_bounds(keep)
    if bounds is None:
        return
    lo, hi = bounds
    hi = _continue_numbering(lines, facts, prob, keep, lo, hi)
    hi = _keep_conclusion(lines, facts, keep, lo, hi)
    _continue_questions(lines, facts, keep, lo, hi)


def _kept_bounds(keep: Bools) -> tuple[int, int] | None:
    """The first and last kept line (None when none is): two `argmax` calls stop at the
    first hit from each end, where `nonzero` would list every kept line."""
    first = int(keep.argmax())
    if not keep[first]:
        return None
    return first, len(keep) - 1 - int(keep[::-1].argmax())


def _last_item(
    lines: list[str], rows: list[int], keep: Bools | None = None
) -> tuple[int, int] | None:
    """The last of `rows` (kept, with `keep`) that opens with an item number, and the
    number."""
    for row in reversed(rows):
        if keep is None or keep[row]:
            number = _item_number(lines[row])
            if number is not None:
                return row, number
    return None


def _numbered_rows(facts: PageFacts, start: int, stop: int) -> list[int]:
    """The lines in [start, stop) that may be numbered items: at most `ITEM_MAX_TOKENS`
    tokens, opening with a digit or "#"."""
    span = slice(start, stop)
    hit = NUMBERED_FIRST[facts.first_byte[span]] & (facts.n_tokens[span] <= ITEM_MAX_TOKENS)
    return [start + row for row in hit.nonzero()[0].tolist()]


def _continue_numbering(
    lines: list[str], facts: PageFacts, prob: Array, keep: Bools, lo: int, hi: int
) -> int:
    """Keep the rest of a numbered list whose first items the kept run holds; return the
    last kept line.

    A listicle or ranking often outlasts the run: its later items are short lines the line
    model scores in the middle, and the run stops at the first few of them. The next
    numbers after the last kept item (8 after 7, within `ITEM_GAP` lines each) say the
    article goes on; a footer seldom continues the article's numbering. The items, the
    lines between them and the last item's body (as many lines as the gap before it, up
    to the first line below `ITEM_KEEP`) are kept above `ITEM_KEEP`.

    The last kept item is looked for within `ITEM_GAP` lines before the last kept line
    (a further one could only continue onto kept lines); lines are read after a
    first-byte check."""
    start = max(lo, hi - ITEM_GAP)
    if _DIGIT_OR_HASH.search(facts.first_byte[start : hi + 1].tobytes()) is None:
        return hi
    found = _last_item(lines, _numbered_rows(facts, start, hi + 1), keep)
    if found is None:
        return hi
    last, number = found
    n = len(lines)
    stop, gap = None, 0
    while True:
        following = _numbered_rows(facts, last + 1, min(n, last + ITEM_GAP + 1))
        row = next((r for r in following if _item_number(lines[r]) == number + 1), None)
        if row is None:
            break
        stop, gap, last, number = row, row - last, row, number + 1
    if stop is None or stop <= hi:
        return hi
    end = stop + 1
    while end < n and end - stop < gap and prob[end] >= ITEM_KEEP:
        end += 1
    keep[hi + 1 : end] |= prob[hi + 1 : end] > ITEM_KEEP
    return int(keep[:end].nonzero()[0][-1])


def _keep_conclusion(lines: list[str], facts: PageFacts, keep: Bools, lo: int, hi: int) -> int:
    """Keep the paragraphs under a conclusion heading ("Conclusion", "Fazit", "En
    résumé") at the article's end: the heading and the prose lines right under it; return
    the last kept line.

    A closing paragraph often names the writer's product or asks the reader to act, so the
    line model scores it like the promo below an article, and the run stops before it (or
    before the heading). Under a conclusion heading it is the article's last word. Only
    the short lines within `CONCLUSION_BEFORE` lines before and `CONCLUSION_AFTER` after
    the last kept line are read; the section ends at the first line that is not prose."""
    n, ntok = len(lines), facts.n_tokens
    start, stop = max(lo + 1, hi - CONCLUSION_BEFORE), min(n, hi + CONCLUSION_AFTER + 1)
    short = [i for i in range(start, stop) if len(lines[i]) <= CONCLUSION_MAX_CHARS]
    if not short or not has_conclusion_word("\n".join(map(lines.__getitem__, short))):
        return hi
    head = next(
        (
            i
            for i in reversed(short)
            if ntok[i] <= CONCLUSION_HEAD_TOKENS and is_conclusion_heading(lines[i])
        ),
        None,
    )
    if head is None:
        return hi
    end = _conclusion_end(facts, head) - 1
    if end == head:
        return hi
    keep[head : end + 1] = True
    return max(hi, end)


def _conclusion_end(facts: PageFacts, head: int) -> int:
    """The line after the conclusion section under the heading at `head`: the prose lines
    right under it, after a lead-in ending in a colon ("Just to recap:"), at most
    `CONCLUSION_LINES` lines (the section ends at the first line that is not prose)."""
    ntok, final, last_byte = facts.n_tokens, facts.final, facts.last_byte
    stop = min(len(ntok), head + 1 + CONCLUSION_LINES)
    end = head + 1
    lead_in = end < stop and last_byte[end] == _COLON
    end += lead_in
    while end < stop and final[end] and ntok[end] >= EXTEND_MIN_TOKENS:
        end += 1
    return head + 1 if lead_in and end == head + 2 else end


def _continue_questions(lines: list[str], facts: PageFacts, keep: Bools, lo: int, hi: int) -> None:
    """Keep the rest of a run of questions and answers (an FAQ, an interview) that the
    kept run ends in: while the next line is a question and the line after it prose, the
    question and its answer's prose lines.

    The line model scores the later pairs lower as the page's end nears, like the teasers
    below an article; a question after the last kept answer, with its own answer, says the
    article goes on. Only when the run's last `QA_LOOKBACK` lines hold `QA_MIN_PAIRS`
    kept pairs already."""
    n, ntok, last_byte, final = len(lines), facts.n_tokens, facts.last_byte, facts.final
    start = max(lo, hi - QA_LOOKBACK)
    window = last_byte[start:hi].tobytes()
    if window.count(b"?") < QA_MIN_PAIRS:
        return
    pairs = 0
    at = window.find(b"?")
    while at >= 0:
        i = start + at
        if ntok[i] <= QA_MAX_TOKENS and keep[i] and keep[i + 1] and final[i + 1]:
            pairs += ntok[i + 1] >= EXTEND_MIN_TOKENS and last_byte[i + 1] != _QUESTION
        at = window.find(b"?", at + 1)
    if pairs < QA_MIN_PAIRS:
        return

    def question(i: int) -> bool:
        return bool(last_byte[i] == _QUESTION and ntok[i] <= QA_MAX_TOKENS)

    def prose(i: int) -> bool:
        return bool(final[i] and ntok[i] >= EXTEND_MIN_TOKENS and not question(i))

    j = hi + 1
    while j + 1 < n and question(j) and prose(j + 1):
        k = j + 1
        while k < n and prose(k):
            k += 1
        keep[j:k] = True
        j = k


def _keep_closing(page: _Page) -> None:
    """Keep the long prose line right after the kept article when the end model cut
    nothing there: the article's closing paragraph.

    A closing paragraph often sums up with the writer's product or a call to act, so the
    line model scores it like the promo after an article. Growing the run over it in
    `select_lines` would also change what the end model reads (and, measured, flip its cut
    on some pages, keeping a whole footer); here the end model has had its say, and a line
    after an end cut is its heading, never prose. A promo line after an article is seldom
    `EDGE_MIN_TOKENS` tokens long."""
    bounds = _kept_bounds(page.keep)
    if bounds is None:
        return
    after = bounds[1] + 1
    facts = page.facts
    if (
        after >= len(page.lines)
        or not facts.final[after]
        or facts.n_tokens[after] < EDGE_MIN_TOKENS
    ):
        return
    # ...unless its wording names it (a cookie notice, a newsletter pitch): those are often
    # long prose lines right below an article too. `cue_kind` runs every cue pattern over
    # the line (measured: most of this rule's cost), so only a line holding a word of those
    # two kinds is read.
    line = page.lines[after]
    low = line.lower()
    if not any(word in low for word in _NOTICE_WORDS) or cue_kind(line) is None:
        page.keep[after] = True


def end_inputs(text: str, model: LineModel) -> tuple[PageFacts, Bools, npt.NDArray[np.intp], Array]:
    """What the end model sees on a page: line facts, kept lines, candidate end lines and
    their block features (for `bench/train_text_model.py`, which labels the candidates)."""
    return _bound_inputs(text, model, end_features)


def start_inputs(
    text: str, model: LineModel
) -> tuple[PageFacts, Bools, npt.NDArray[np.intp], Array]:
    """What the start model sees on a page (the same kept lines as the end model):
    candidate last lines of a header and their block features."""
    return _bound_inputs(text, model, start_features)


def _bound_inputs(
    text: str,
    model: LineModel,
    candidates: Callable[[Array, Array, PageFacts, Bools], tuple[npt.NDArray[np.intp], Array]],
) -> tuple[PageFacts, Bools, npt.NDArray[np.intp], Array]:
    lines = split_lines(text)
    features, facts = page_features(lines)
    prob = model.predict(features)
    page, _, _ = _article(lines, features, facts, prob, model)
    cand, x = candidates(features, prob, facts, page.keep)
    return facts, page.keep, cand, x


def _lower_lines(lines: list[str], index: list[int]) -> list[str]:
    """The `index` lines, lower-cased one by one: `str.lower` has a fast path for ASCII
    strings, which most lines are, while one curly quote sends a whole join to the slow
    per-character path."""
    return list(map(str.lower, map(lines.__getitem__, index)))


def _heading_candidates(page: _Page) -> list[int]:
    """Short lines in the kept span that may open a comment section or a related-links
    box: those starting like a related-links heading, or holding a comment or
    comment-author stem. The section rules below test only these with their patterns."""
    kept = page.keep.nonzero()[0]
    if len(kept) == 0:
        return []
    ntok = page.facts.n_tokens
    span = np.arange(int(kept[0]), int(kept[-1]) + 1)
    short = span[ntok[span] <= COMMENT_HEAD_TOKENS].tolist()
    lowered = _lower_lines(page.lines, short)
    related = compress(range(len(short)), _start_with(lowered, _RELATED_BY_FIRST))
    rows = {*related, *_COMMENT_STEMS.rows_with(lowered)}
    return [short[row] for row in sorted(rows)]


def _cut_comments(page: _Page, candidates: list[int]) -> tuple[int, int] | None:
    """Drop a reader-comment section (or a late related-links block) as a unit.

    A comment heading ends the article once the article has begun; a related-links
    heading only when most of the kept text lies before it, since such boxes also sit
    inside articles."""
    kept = page.keep.nonzero()[0]
    if len(kept) == 0:
        return None
    kept_tokens = np.where(page.keep, page.facts.n_tokens, 0.0).cumsum()
    late = kept_tokens[-1] * RELATED_AFTER_SHARE
    # Only headings with kept lines after them and enough article before them matter.
    ready = [i for i in candidates if i > kept[0] and kept_tokens[i] >= COMMENTS_AFTER_TOKENS]
    # An author line ends with a colon ("Jane Doe says:"); the lines are stripped, so the
    # pattern (its backtracking over names is dear) reads only those.
    authors = [i for i in ready if page.lines[i].endswith(":") and is_comment_author(page.lines[i])]
    # Two or more "Name says:" lines are a comment thread, even without a heading.
    first_author = authors[0] if len(authors) >= MIN_COMMENT_AUTHORS else len(page.lines)
    for i in candidates:
        if i > first_author:
            break
        if i <= kept[0] or kept_tokens[i] < min(COMMENTS_AFTER_TOKENS, late):
            continue
        line = page.lines[i]
        if kept_tokens[i] >= COMMENTS_AFTER_TOKENS and is_comment_heading(line):
            page.keep[i:] = False
            return i, _COMMENTS
        if kept_tokens[i] >= late and is_related_heading(line):
            page.keep[i:] = False
            return i, _RELATED
    if first_author < len(page.lines):
        page.keep[first_author:] = False
        return first_author, _COMMENTS
    return None


def _cut_closing(page: _Page) -> tuple[int, int] | None:
    """Drop what closes a page after the article, when most of the kept text lies before
    it: a section named by its heading (the site's recent posts, the author's bio box,
    the list of sources, the links to the previous and next post), cut from the heading
    on; then the last kept line when it opens like the writer's bio ("Jane Doe is a
    freelance writer..."), an author box pasted without its heading.

    Run after the block models, so their inputs (and their training data) stay as they
    were: they see the page as the comment cut left it. Only the short lines of the
    article's last quarter are read, after a first-byte and a prefix pre-check."""
    kept = page.keep.nonzero()[0]
    if len(kept) < 2:
        return None
    ntok, lines = page.facts.n_tokens, page.lines
    cum = ntok[kept].cumsum()
    late = cum[-1] * RELATED_AFTER_SHARE
    first = max(int(kept[0]) + 1, int(kept[int(np.searchsorted(cum, late))]))
    span = np.arange(first, int(kept[-1]) + 1)
    pick = (ntok[span] <= COMMENT_HEAD_TOKENS) & _CLOSING_FIRST_BYTES[page.facts.first_byte[span]]
    short = span[pick].tolist()
    tail = None
    for row in compress(
        range(len(short)), _start_with(_lower_lines(lines, short), _CLOSING_BY_FIRST)
    ):
        closing = closing_heading(lines[short[row]])
        if closing == "about" and not about_confirmed(
            lines[short[row]], lines[short[row] + 1] if short[row] + 1 < len(lines) else ""
        ):
            continue
        if closing is not None:
            tail = short[row], _CLOSING_ZONES[closing]
            page.keep[tail[0] :] = False
            kept = kept[kept < tail[0]]
            cum = cum[: len(kept)]
            break
    last = int(kept[-1])
    if len(kept) >= 2 and cum[-2] >= cum[-1] * RELATED_AFTER_SHARE and is_bio_opening(lines[last]):
        page.cut[last] = (RemovedKind.BYLINE, "author bio after the article")
    return tail


def _cut_repeats(page: _Page, features: Array) -> None:
    """Drop later copies of kept lines when the page repeats much of its text.

    A copied page sometimes holds the article twice or more (a print or mobile version,
    tabs holding the same text); the article counts once. A few repeated lines (a
    call to action, a recurring label) are left alone: the rule needs `MIN_REPEATS`.

    Hashing every kept line's text would cost as much as a feature pass, so a key from
    numbers already at hand (characters and characters per token) is compared first:
    equal lines share it, and on most pages fewer than `MIN_REPEATS` keys repeat."""
    rows = (page.keep & (page.facts.n_tokens >= REPEAT_TOKENS)).nonzero()[0]
    if len(rows) <= MIN_REPEATS:
        return
    # Both float32 columns side by side are one 64-bit key: equal lines have equal keys.
    key = features[rows[:, None], _REPEAT_KEY].view(np.int64)[:, 0]
    key.sort()
    if np.count_nonzero(key[1:] == key[:-1]) < MIN_REPEATS:
        return
    seen: set[str] = set()
    repeats = []
    for i in rows.tolist():
        line = page.lines[i]
        if line in seen:
            repeats.append(i)
        seen.add(line)
    if len(repeats) >= MIN_REPEATS:
        for i in repeats:
            page.cut[i] = (RemovedKind.OTHER, "repeated copy of an earlier paragraph")


def _cut_related_blocks(page: _Page, candidates: list[int]) -> None:
    """Drop a related-links box inside the article: its heading ("More on X:", "Related
    articles") and the teaser titles under it, up to the next prose line.

    Such boxes sit between paragraphs, so only the box goes, not the text after it; nor
    does the next item of a numbered article after the box ("4. Northwestern Kellogg"
    after "3. ..." and its box), which is not prose either."""
    kept = page.keep.nonzero()[0]
    if len(kept) == 0:
        return
    facts = page.facts
    prose = facts.final & (facts.n_tokens >= PROSE_TOKENS)
    for i in candidates:
        if i > kept[-1] or i in page.cut or not is_related_heading(page.lines[i]):
            continue
        stop = min(i + 1 + RELATED_BOX_LINES, len(page.lines))
        numbered = set(_numbered_rows(facts, i + 1, stop))
        box = i + 1
        while box < stop and not prose[box] and not (box in numbered and _next_item(page, i, box)):
            box += 1
        for j in range(i, box):
            page.cut[j] = (RemovedKind.RELATED_LINKS, "related-links box")


def _cut_at_item(page: _Page, end: int) -> bool:
    """Whether the end model's cut falls on the next item of the article's numbered list
    (line `end` continues the numbering above it: "5. Group 3..." after "4. ..."): the
    list, so the article, goes on there, and the cut is dropped. A footer seldom continues
    the article's numbering (see `_continue_numbering`)."""
    facts = page.facts
    if facts.n_tokens[end] > ITEM_MAX_TOKENS or not NUMBERED_FIRST[facts.first_byte[end]]:
        return False  # scalar checks first: `_numbered_rows` over one line costs more
    return bool(page.keep[:end].any()) and _next_item(page, end, end)


def _next_item(page: _Page, head: int, row: int) -> bool:
    """Whether numbered line `row` continues the numbering of the last numbered line
    within `ITEM_GAP` lines above line `head`."""
    number = _item_number(page.lines[row])
    if number is None:
        return False
    start = max(0, head - ITEM_GAP)
    numbered = NUMBERED_FIRST[page.facts.first_byte[start:head]].nonzero()[0]
    before = _last_item(page.lines, (numbered + start).tolist())
    return before is not None and before[1] == number - 1


def _review(page: _Page) -> None:
    """Name and drop lines at or around the article that a cue phrase or a rule marks."""
    kept = page.keep.nonzero()[0]
    if len(kept) == 0:
        return
    n, ntok = len(page.lines), page.facts.n_tokens
    start, end = int(kept[0]), int(kept[-1])
    # The few lines within the margin of the article's first or last line, in order
    # (read one by one: cheaper than numpy masks over the whole page).
    edge = sorted(
        {
            *range(max(0, start - REVIEW_MARGIN), min(n, start + REVIEW_MARGIN + 1)),
            *range(max(0, end - REVIEW_MARGIN), min(n, end + REVIEW_MARGIN + 1)),
        }
    )
    for i in edge:
        line = page.lines[i]
        if ntok[i] <= REVIEW_MAX_TOKENS:
            found = classify_boilerplate(line)
            if found is not None:
                page.cut[i] = found
                continue
        # A form's consent note ("By submitting this form, you agree..."), often longer.
        if (
            ntok[i] <= MAX_CONSENT_WORDS
            and line.startswith(CONSENT_OPENINGS)
            and is_consent_line(line)
        ):
            page.cut[i] = (RemovedKind.OTHER, "form consent note")
    # A dropped line by the article that opens with a glued marker ("AdvertisementThe...").
    for i in edge:
        if page.keep[i]:
            continue
        if page.lines[i].startswith(GLUED_HEAD_PREFIXES) and split_glued(page.lines[i]).before:
            page.cut.setdefault(
                i, (RemovedKind.ADVERTISEMENT, "advertisement glued to a promotion")
            )
    # Inside the article a short line that is a known cue phrase ("Share", "Advertisement").
    labels = page.keep & (page.facts.cue_group > 0) & (ntok <= INSIDE_REVIEW_TOKENS)
    for i in labels.nonzero()[0].tolist():
        page.cut.setdefault(i, _KIND_BY_GROUP[int(page.facts.cue_group[i]) - 1])
    _mark_captions(page, kept)
    _mark_inline(page, kept)
    _mark_banners(page)
    for i in page.cut:
        page.keep[i] = False


def _mark_captions(page: _Page, kept: npt.NDArray[np.int64]) -> None:
    """A long (but not very long) unpunctuated single-sentence line between two prose
    paragraphs is a caption.

    Lead-ins to lists ("...as follows:") and lines holding several sentences are prose
    cut by copy-paste, not captions, so they stay."""
    ntok, final = page.facts.n_tokens, page.facts.final
    prose = final & (ntok >= PROSE_TOKENS)
    mid = kept[1:-1]
    size = ntok[mid]
    hit = ~final[mid] & (size >= CAPTION_MIN_TOKENS) & (size <= CAPTION_MAX_TOKENS)
    hit &= prose[kept[:-2]] & prose[kept[2:]]
    for i in mid[hit].tolist():
        line = page.lines[i]
        if line.endswith(_LEAD_IN) or ". " in line:
            continue
        page.cut.setdefault(i, (RemovedKind.CAPTION, "unpunctuated line between paragraphs"))


def _mark_inline(page: _Page, kept: npt.NDArray[np.int64]) -> None:
    """Lines anywhere in the article that their wording alone marks, which the line model
    keeps for their place between paragraphs (the cue review above reads only the
    article's edges): a photo or media credit ("Photo: Jane Doe", "Bild: Archiv"), a
    call-to-action button ("Learn more", "Mehr erfahren") or a form builder's stock message
    left by product boxes and sign-up forms, and a table of contents.

    One prefix pre-check over the kept lines picks the few worth a pattern."""
    ntok = page.facts.n_tokens
    pick = (ntok[kept] <= MAX_CREDIT_WORDS) & _INLINE_FIRST_BYTES[page.facts.first_byte[kept]]
    rows = kept[pick].tolist()
    lines = list(map(page.lines.__getitem__, rows))
    last_at: dict[str, int] = {}
    for i in compress(rows, _start_with(lines, _INLINE_BY_TWO, _FIRST_TWO)):
        line, tokens = page.lines[i], ntok[i]
        if tokens <= MAX_CTA_WORDS and is_cta_line(line):
            page.cut.setdefault(i, (RemovedKind.NAVIGATION, "call-to-action button"))
        elif tokens <= TOC_HEAD_TOKENS and is_toc_heading(line):
            # Where each line last occurs: one pass per page, however many headings (a
            # pass per heading made a page of thousands of them quadratic).
            last_at = last_at or {text: row for row, text in enumerate(page.lines)}
            _mark_contents(page, i, last_at)
        elif is_credit_line(line):
            page.cut.setdefault(i, (RemovedKind.CAPTION, "photo or media credit"))
        elif tokens <= MAX_FORM_WORDS and is_form_line(line):
            page.cut.setdefault(i, (RemovedKind.OTHER, "form message"))


def _mark_contents(page: _Page, head: int, last_at: dict[str, int]) -> None:
    """A table of contents: its heading ("Table of contents", "Sommaire") and the short
    lines under it that come back later on the page (`last_at`: each line's last row) as
    the headings they list. A heading that is also a section name ("Inhalt") goes only
    with entries under it."""
    lines, ntok = page.lines, page.facts.n_tokens
    stop = min(len(lines), head + 1 + TOC_MAX_ENTRIES)
    entry = head + 1
    while entry < stop and ntok[entry] <= TOC_ENTRY_TOKENS and last_at[lines[entry]] > entry:
        entry += 1
    if entry == head + 1 and is_toc_section_word(lines[head]):
        return
    for i in range(head, entry):
        page.cut.setdefault(i, (RemovedKind.NAVIGATION, "table of contents"))


def _mark_banners(page: _Page) -> None:
    """The short head line of a newsletter banner goes with the banner's sentence."""
    for i, (kind, _) in sorted(page.cut.items()):
        head = i - 1
        if kind is not RemovedKind.NEWSLETTER_PROMO or head < 0:
            continue
        if page.facts.n_tokens[head] <= BANNER_MAX_TOKENS and not page.facts.final[head]:
            page.cut[head] = (RemovedKind.NEWSLETTER_PROMO, "newsletter banner heading")


def _title(page: _Page) -> int | None:
    """Index 0 when the page opens with a headline right above the article, else None."""
    kept = page.keep.nonzero()[0]
    # The first kept line after line 0.
    later = int(kept[1] if len(kept) > 1 and kept[0] == 0 else kept[0] if len(kept) else 0)
    first, tokens = page.lines[0], page.facts.n_tokens[0]
    if 0 in page.cut or later == 0 or later > TITLE_GAP:
        return None
    if not TITLE_TOKENS[0] <= tokens <= TITLE_TOKENS[1] or first.endswith("."):
        return None
    return 0 if classify_boilerplate(first) is None else None


# A disclosure is printed above the article or below it: among this many first or last
# kept lines.
NOTICE_EDGE = 3


def _split_glued(page: _Page) -> tuple[dict[int, str], dict[int, tuple[Removed, ...]]]:
    """Cut glued markers and promo tails off kept lines; drop a marked ad whole; drop a
    disclosure or a caption ending in its credit (`_cut_notice`), whose words one search
    of the kept lines' ends finds with the promo tails' (a disclosure says what it is in
    its last sentence too: "...we may earn a commission"). Reading the lines' starts as
    well found one more disclosure on the dev set for +3.8% instructions per document."""
    texts: dict[int, str] = {}
    glued: dict[int, tuple[Removed, ...]] = {}
    rows = page.keep.nonzero()[0]
    kept = rows.tolist()
    lines = page.lines
    kept_lines = list(map(lines.__getitem__, kept))
    # Only the few lines opening with a marker's first byte meet the prefixes.
    opening = rows[_GLUED_FIRST_BYTES[page.facts.first_byte[rows]]].tolist()
    heads = compress(opening, _start_with(list(map(lines.__getitem__, opening)), _GLUED_BY_FIRST))
    ends = list(map(str.lower, map(_TAIL, kept_lines)))
    kinds: dict[int, set[int]] = {}
    for j, stem in _END_STEMS.stems_in(ends):
        kinds.setdefault(j, set()).add(_END_KIND[stem])
    tails = []
    notices = set()
    for j, found in sorted(kinds.items()):
        row = kept[j]
        edge = j < NOTICE_EDGE or j >= len(kept) - NOTICE_EDGE
        if _cut_notice(page, row, kept_lines[j], found, edge):
            notices.add(row)
        elif _GLUED_TAIL in found:
            tails.append(row)
    for i in sorted({*heads, *tails} - notices):
        split = split_glued(lines[i])
        if not split.before and not split.after:
            continue
        if split.before and not split.body.endswith(_FINAL):
            page.cut[i] = (RemovedKind.ADVERTISEMENT, "advertisement glued to a promotion")
            page.keep[i] = False
            continue
        texts[i] = split.body
        glued[i] = (*split.before, *split.after)
    return texts, glued


def _cut_notice(page: _Page, row: int, line: str, kinds: set[int], edge: bool) -> bool:
    """Drop kept line `row` when its wording names it, though the line model keeps it for
    its prose shape and its place: a site's affiliate or sponsorship disclosure ("We may
    earn a commission from links on this page") among the first or last `NOTICE_EDGE`
    kept lines (`edge`; inside the article, such words are more often reported speech);
    a photo caption ending in its credit ("... Jane Doe/AFP via Getty Images") anywhere.
    `kinds`: whose stems the line holds. Return whether it was dropped."""
    tokens = page.facts.n_tokens[row]
    if (
        edge
        and _DISCLOSURE in kinds
        and DISCLOSURE_TOKENS[0] <= tokens <= DISCLOSURE_TOKENS[1]
        and is_disclosure(line)
    ):
        page.cut[row] = (RemovedKind.ADVERTISEMENT, "affiliate or sponsorship disclosure")
    elif (
        _CREDIT in kinds
        and CREDIT_TAIL_TOKENS[0] <= tokens <= CREDIT_TAIL_TOKENS[1]
        and is_credit_tail(line)
    ):
        page.cut[row] = (RemovedKind.CAPTION, "caption ending in a photo credit")
    else:
        return False
    page.keep[row] = False
    return True


_NEW = object.__new__
_SET_TEXT, _SET_KIND, _SET_REASON = (
    Removed.__dict__[name].__set__ for name in ("text", "kind", "reason")
)


def removed_span(text: str, kind: RemovedKind, reason: str) -> Removed:
    """`Removed(text, kind, reason)`, built without the frozen dataclass's `__init__`,
    which sets each field through a Python-level `object.__setattr__` call and costs
    several times more than writing the three slots directly (a page names a few dozen
    spans). `Removed` has no `__post_init__` to skip."""
    span: Removed = _NEW(Removed)
    _SET_TEXT(span, text)
    _SET_KIND(span, kind)
    _SET_REASON(span, reason)
    return span


def _zones(page: _Page, title: int | None, tails: list[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """Per line: kept, named by a cue, or the zone of an unnamed dropped line."""
    n = len(page.lines)
    kept = page.keep.nonzero()[0]
    start, end = (int(kept[0]), int(kept[-1])) if len(kept) else (n, -1)
    zone = np.full(n, _INSIDE, dtype=np.int64)
    zone[end + 1 :] = _AFTER
    zone[:start] = _BEFORE  # last: with nothing kept, every line is "before"
    # Sections cut after the article, in page order (a comment thread after the end cut
    # keeps its own name).
    for start, kind in tails:
        zone[start:] = kind
    groups = page.facts.cue_group
    named = groups > 0
    zone[named] = groups[named] + _GROUP_ZONE
    zone[list(page.cut)] = _NAMED
    zone[page.keep] = _KEPT
    if title is not None:
        zone[title] = _KEPT
    return zone


def _removed(
    page: _Page,
    glued: dict[int, tuple[Removed, ...]],
    title: int | None,
    tails: list[tuple[int, int]],
) -> tuple[Removed, ...]:
    """Every dropped line (runs of unnamed lines merged) and every glued piece, in order."""
    zone = _zones(page, title, tails)
    bounds = ((zone[1:] != zone[:-1]).nonzero()[0] + 1).tolist()
    starts = [0, *bounds]
    stops = [*bounds, len(zone)]
    kinds = zone[starts].tolist()
    out: list[Removed] = []
    lines = page.lines
    for a, b, kind in zip(starts, stops, kinds, strict=True):
        if kind == _KEPT:
            for i in sorted(i for i in glued if a <= i < b):
                out.extend(glued[i])
        elif kind == _NAMED:
            out.extend(removed_span(lines[i], *page.cut[i]) for i in range(a, b))
        else:
            named = (
                _ZONE_KINDS[kind] if kind < _GROUP_ZONE else _KIND_BY_GROUP[kind - _GROUP_ZONE - 1]
            )
            out.append(removed_span("\n".join(lines[a:b]), *named))
    return tuple(out)
