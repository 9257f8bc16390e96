"""Choosing the article's headline among `<h1>`, JSON-LD, OpenGraph and `<title>`.

`<title>` and often `og:title` carry the site's name ("Headline | Site", "Site - Headline");
the visible `<h1>` is the headline a reader sees, but some templates put the logo or a
section name in an `<h1>`. So an `<h1>` wins when it agrees with a declared title or is
the only real heading; otherwise the declared title is used with the site part cut off.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from copydesk.extract.authors import fold_name

# Separators between headline and site name in `<title>`: "A | B", "A - B", "A — B", "A • B".
_SEPARATOR = re.compile(r"\s+[|\-\u2013\u2014\u2022\u00b7:\u00bb/~]\s+|\s*[|\u2022]\s*")
_WORD = re.compile(r"\w+")
# What templates glue to a headline inside the `<h1>`: "Posted on May 2, 2024 by x", a
# date, or a source domain with a score ("(example.com) 87").
_DATE_OR_BYLINE = re.compile(
    r"\b(?:posted|published|updated|by)\b|\(\w+\.\w+\)|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
    re.I,
)
# A site part is short; a longer segment is more likely part of the headline.
_MAX_SITE_WORDS = 6
# An `<h1>` "agrees" with a declared title when this share of its words appear there.
_AGREEMENT = 0.6
# A sole `<h1>` sharing less than this share of its words with every declared title is a
# menu label, pull quote or promo box heading ("Open Menu Close Menu"), not the headline.
_CLASH = 0.3
_MIN_HEADLINE_WORDS = 2
_MAX_HEADLINE_CHARS = 300
# An `<h1>` longer than this is a standfirst or a slogan, not a headline.
_MAX_HEADLINE_WORDS = 30
# A shorter title than this beginning a longer one is a short headline, not a cut one.
_MIN_CUT_WORDS = 6
# A title with fewer segments has no site part to cut.
_MIN_PARTS = 2


def strip_site_name(title: str, site_names: Sequence[str]) -> str:
    """The title without a leading or trailing site-name segment."""
    sites = [fold_name(s) for s in site_names if s and fold_name(s)]
    for _ in range(2):  # "Headline | Section | Site" needs two cuts
        parts = _SEPARATOR.split(title)
        if len(parts) < _MIN_PARTS:
            break
        last, first = parts[-1], parts[0]
        if _is_site(last, sites):
            title = title[: title.rfind(last)].rstrip(" |-\u2013\u2014\u2022\u00b7:\u00bb/~")
        elif _is_site(first, sites):
            title = title[len(first) :].lstrip(" |-\u2013\u2014\u2022\u00b7:\u00bb/~")
        else:
            break
    return title.strip()


def _is_site(segment: str, sites: list[str]) -> bool:
    key = fold_name(segment)
    if not key or len(segment.split()) > _MAX_SITE_WORDS:
        return False
    return any(key == s or (len(key) > 3 and (key in s or s in key)) for s in sites)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _agrees(heading: str, declared: str) -> bool:
    """Most words of each title appear in the other (one-word logos do not agree)."""
    words, other = _words(heading), _words(declared)
    if not words or not other:
        return False
    common = len(words & other)
    return common / len(words) >= _AGREEMENT and common / len(other) >= _AGREEMENT


def _clashes(heading: str, declared: Sequence[str]) -> bool:
    """Whether the heading shares almost no words with any declared title."""
    words = _words(heading)
    if not words or not declared:
        return False
    return all(len(words & _words(d)) / len(words) < _CLASH for d in declared if d)


def _repaired(heading: str, declared: Sequence[str]) -> str:
    """The declared title a heading prints with characters lost to a wrong encoding.

    A page decoded with the wrong charset shows "?" or U+FFFD for each character it could
    not map ("Beginner? Guide"); the `<title>` or `og:title` often kept them intact.
    """
    if "?" not in heading and "\ufffd" not in heading:
        return heading
    parts = re.split(r"[?\ufffd]", heading)
    pattern = re.compile(r".{1,2}".join(re.escape(p) for p in parts), re.I)
    return next((d for d in declared if pattern.fullmatch(d)), heading)


def _trimmed(heading: str, declared: Sequence[str]) -> str:
    """A declared title found inside the heading, when the heading adds a date or byline."""
    heading = _repaired(heading, declared)
    folded = heading.casefold()
    for title in declared:
        start = folded.find(title.casefold())
        if len(title.split()) < _MIN_HEADLINE_WORDS or start < 0:
            continue
        rest = folded[:start] + folded[start + len(title) :]
        if _DATE_OR_BYLINE.search(rest):
            return title
    return heading


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _untruncated(titles: list[str]) -> list[str]:
    """Each title, or a longer declared one it begins: JSON-LD headlines are often cut at a
    length limit ("... Solutions (Including") while `og:title` keeps the whole."""
    whole = []
    for title in titles:
        key = _fold(title)
        longer = [t for t in titles if len(t) > len(title) and _fold(t).startswith(key)]
        cut = len(title.split()) >= _MIN_CUT_WORDS and longer
        whole.append(max(longer, key=len) if cut else title)
    return whole


def choose_title(
    headings: Sequence[str], declared: Sequence[str], site_names: Sequence[str]
) -> str | None:
    """The headline: an agreeing or sole `<h1>`, else the first declared title, site cut off."""
    sites = [fold_name(s) for s in site_names if s]
    stripped = _untruncated([strip_site_name(d, site_names) for d in declared if d])
    candidates = [
        h
        for h in headings
        if len(h) <= _MAX_HEADLINE_CHARS and fold_name(h) not in sites and fold_name(h)
    ]
    # A heading printing a declared title whole, site part included ("Newsletter #18 -
    # The World Without Work?"), is the headline as the site means it.
    whole = {_fold(d) for d in declared if d and len(d.split()) >= _MIN_HEADLINE_WORDS}
    for heading in candidates:
        if _fold(heading) in whole:
            return heading
    for heading in candidates:
        if any(_agrees(heading, d) for d in stripped):
            return _trimmed(heading, stripped)
    real = [h for h in candidates if _MIN_HEADLINE_WORDS <= len(h.split()) <= _MAX_HEADLINE_WORDS]
    if (len(real) == 1 and not _clashes(real[0], stripped)) or (real and not stripped):
        return _trimmed(real[0], stripped)
    return next((s for s in stripped if s), None)
