"""Plain-text cleaning: keep the article, say what was cut and why.

Steps: split the page into lines; score every line with the shipped model on
bulk features (`text_features`, `text_model`); keep the best contiguous run of
content (`text_select`); then review the few lines at and around the article with
the cue phrases (`cues`) - promos, captions, glued ads, bylines - pick the title,
name the kind of every dropped line, and read the metadata (`text_meta`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.extract.cues import classify_boilerplate, split_glued
from copydesk.extract.result import Extraction, Removed, RemovedKind
from copydesk.extract.text_features import CUE_GROUP_NAMES, PageFacts, page_features, split_lines
from copydesk.extract.text_meta import read_metadata
from copydesk.extract.text_model import LineModel, shipped_model
from copydesk.extract.text_select import select_lines

PATH = "text"
EXTRACTOR = "copydesk-text"
VERSION = "1"

# Lines this close to the kept article are reviewed one by one with the cue phrases.
REVIEW_MARGIN = 2
# Lines up to this many tokens are checked against the cue phrases.
REVIEW_MAX_TOKENS = 30
# A caption: a kept line of at least this many tokens without final punctuation,
# between two prose lines (a photo caption copied from between paragraphs).
CAPTION_MIN_TOKENS = 10
PROSE_TOKENS = 12
# A headline: the page's first line, this many tokens, not ending with a full stop.
TITLE_TOKENS = (3, 30)
# ...and the article must start within this many lines after it.
TITLE_GAP = 3
# A banner head above a newsletter sentence ("Get our weekly briefing") is this short.
BANNER_MAX_TOKENS = 12
# How many lines before the article are read for a byline or date.
HEAD_LINES = 8

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
_BEFORE = (RemovedKind.NAVIGATION, "page header or menu before the article")
_AFTER = (RemovedKind.FOOTER, "page footer after the article")
_COMMENTS_AFTER = (RemovedKind.COMMENTS, "reader comments after the article")
_INSIDE = (RemovedKind.OTHER, "low content score inside the article")
_FINAL = (".", "!", "?", "…", '"', "”", "’", "'", ")", "»")


@dataclass(frozen=True, slots=True)
class _Page:
    """The lines of one page and the model's verdicts on them."""

    lines: list[str]
    facts: PageFacts
    keep: npt.NDArray[np.bool_]


def extract_text(text: str) -> Extraction:
    """Clean pasted page text into title, article paragraphs, removed spans and metadata."""
    return clean_text(text, shipped_model())


def clean_text(text: str, model: LineModel) -> Extraction:
    """`extract_text` with an explicit line model (the training script passes its own)."""
    lines = split_lines(text)
    if not lines:
        return Extraction(None, (), path=PATH, extractor=EXTRACTOR, extractor_version=VERSION)
    features, facts = page_features(lines)
    keep = select_lines(model.predict(features), facts.n_tokens, model.thresholds)
    page = _Page(lines, facts, keep.copy())
    cut = _review(page)
    title = _title(page, cut)
    texts, glued = _split_glued(page, cut)
    kept = [i for i in np.flatnonzero(page.keep).tolist() if i not in cut and i != title]
    paragraphs = tuple(texts.get(i, lines[i]) for i in kept)
    removed = _removed(page, cut, glued, title, kept)
    start = kept[0] if kept else 0
    head = lines[max(0, start - HEAD_LINES) : start + 1]
    return Extraction(
        title=lines[title] if title is not None else None,
        paragraphs=paragraphs,
        removed=removed,
        metadata=read_metadata(head, paragraphs),
        path=PATH,
        extractor=EXTRACTOR,
        extractor_version=VERSION,
    )


def _review(page: _Page) -> dict[int, tuple[RemovedKind, str]]:
    """Dropped lines at or around the article that a cue phrase or a rule names."""
    kept = np.flatnonzero(page.keep)
    if len(kept) == 0:
        return {}
    n, ntok = len(page.lines), page.facts.n_tokens
    lo, hi = max(0, int(kept[0]) - REVIEW_MARGIN), min(n, int(kept[-1]) + REVIEW_MARGIN + 1)
    near = np.zeros(n, dtype=bool)
    near[lo : int(kept[0])] = True
    near[int(kept[-1]) + 1 : hi] = True
    todo = np.flatnonzero((page.keep | near) & (ntok <= REVIEW_MAX_TOKENS)).tolist()
    cut: dict[int, tuple[RemovedKind, str]] = {}
    for i in todo:
        found = classify_boilerplate(page.lines[i])
        if found is not None:
            cut[i] = found
    _mark_captions(page, kept, cut)
    _mark_banners(page, cut)
    for i in cut:
        page.keep[i] = False
    return cut


def _mark_captions(
    page: _Page, kept: npt.NDArray[np.int64], cut: dict[int, tuple[RemovedKind, str]]
) -> None:
    """A long unpunctuated line between two prose paragraphs is a photo caption."""
    ntok, final = page.facts.n_tokens, page.facts.final
    prose = final & (ntok >= PROSE_TOKENS)
    for a, b, c in zip(kept[:-2].tolist(), kept[1:-1].tolist(), kept[2:].tolist(), strict=True):
        if not final[b] and ntok[b] >= CAPTION_MIN_TOKENS and prose[a] and prose[c]:
            cut.setdefault(b, (RemovedKind.CAPTION, "unpunctuated line between paragraphs"))


def _mark_banners(page: _Page, cut: dict[int, tuple[RemovedKind, str]]) -> None:
    """The short head line of a newsletter banner goes with the banner's sentence."""
    for i, (kind, _) in sorted(cut.items()):
        if kind is not RemovedKind.NEWSLETTER_PROMO or i == 0:
            continue
        head = i - 1
        short = page.facts.n_tokens[head] <= BANNER_MAX_TOKENS
        if short and not page.facts.final[head]:
            cut[head] = (RemovedKind.NEWSLETTER_PROMO, "newsletter banner heading")


def _title(page: _Page, cut: dict[int, tuple[RemovedKind, str]]) -> int | None:
    """Index 0 when the page opens with a headline right above the article, else None."""
    kept = np.flatnonzero(page.keep)
    first = page.lines[0]
    tokens = page.facts.n_tokens[0]
    if 0 in cut or not TITLE_TOKENS[0] <= tokens <= TITLE_TOKENS[1] or first.endswith("."):
        return None
    later = kept[kept > 0]
    if len(later) == 0 or later[0] > TITLE_GAP or classify_boilerplate(first) is not None:
        return None
    return 0


def _split_glued(
    page: _Page, cut: dict[int, tuple[RemovedKind, str]]
) -> tuple[dict[int, str], dict[int, tuple[Removed, ...]]]:
    """Cut glued markers and promo tails off kept lines; drop a marked ad whole."""
    texts: dict[int, str] = {}
    glued: dict[int, tuple[Removed, ...]] = {}
    for i in np.flatnonzero(page.keep).tolist():
        line = page.lines[i]
        split = split_glued(line)
        if not split.before and not split.after:
            continue
        if split.before and not split.body.endswith(_FINAL):
            cut[i] = (RemovedKind.ADVERTISEMENT, "advertisement glued to a promotion")
            page.keep[i] = False
            continue
        texts[i] = split.body
        glued[i] = (*split.before, *split.after)
    return texts, glued


def _removed(
    page: _Page,
    cut: dict[int, tuple[RemovedKind, str]],
    glued: dict[int, tuple[Removed, ...]],
    title: int | None,
    kept: list[int],
) -> tuple[Removed, ...]:
    """Every dropped line (runs of unnamed lines merged) and every glued piece, in order."""
    start, end = (kept[0], kept[-1]) if kept else (len(page.lines), -1)
    out: list[Removed] = []
    run: list[str] = []
    run_kind: tuple[RemovedKind, str] | None = None
    keep = page.keep
    for i, line in enumerate(page.lines):
        if i == title:
            continue
        if keep[i]:
            out.extend(glued.get(i, ()))
            continue
        named = cut.get(i)
        if named is None:
            group = int(page.facts.cue_group[i])
            named = _KIND_BY_GROUP[group - 1] if group else None
        if named is not None:
            _flush(out, run, run_kind)
            run, run_kind = [], None
            out.append(Removed(line, named[0], named[1]))
            continue
        where = _BEFORE if i < start else _AFTER if i > end else _INSIDE
        if where != run_kind:
            _flush(out, run, run_kind)
            run, run_kind = [], where
        run.append(line)
    _flush(out, run, run_kind)
    return tuple(out)


def _flush(out: list[Removed], run: list[str], kind: tuple[RemovedKind, str] | None) -> None:
    if run and kind is not None:
        out.append(Removed("\n".join(run), kind[0], kind[1]))
