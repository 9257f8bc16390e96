"""Metadata a pasted article states about itself: byline, date, dateline, language.

Only a handful of lines are read (the byline and date lines near the start of the
article, the first paragraph, a short sample for the language), so this stays
cheap next to the line classifier.
"""

from __future__ import annotations

import re
from datetime import datetime

import py3langid

from copydesk.extract.cues import case_sensitive
from copydesk.extract.result import Metadata
from copydesk.extract.text_features import clear_language, stopword_votes

# "By Jane Doe and John Roe", "Von Max Muster", "Par Jean Dupont", "Por Ana Pérez".
_BYLINE = re.compile(
    r"^(?:written\s+)?(?:by|von|par|por|di|door)\s+(?P<names>[^|·•\n]{3,120}?)"
    r"(?:\s*(?:[|·•]|,\s*(?:updated|published|staff|reporter|correspondent)).*)?$",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|\bund\b|\bet\b|\by\b|&)\s*", re.I)
_NAME = re.compile(r"^[A-ZÀ-Þ][\w'\u2019.-]*(?:\s+[A-ZÀ-Þ][\w'\u2019.-]*){1,3}$")
MAX_AUTHORS = 5

_MONTHS = {
    "jan": 1, "january": 1, "januar": 1, "janvier": 1, "enero": 1,
    "feb": 2, "february": 2, "februar": 2, "février": 2, "febrero": 2,
    "mar": 3, "march": 3, "märz": 3, "mars": 3, "marzo": 3,
    "apr": 4, "april": 4, "avril": 4, "abril": 4,
    "may": 5, "mai": 5, "mayo": 5,
    "jun": 6, "june": 6, "juni": 6, "juin": 6, "junio": 6,
    "jul": 7, "july": 7, "juli": 7, "juillet": 7, "julio": 7,
    "aug": 8, "august": 8, "août": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9,
    "oct": 10, "october": 10, "oktober": 10, "octobre": 10, "octubre": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dezember": 12, "décembre": 12, "diciembre": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "June 3, 2024", "3 June 2024", "3. Juni 2024", "3 de junio de 2024", "2024-06-03".
_DATES = (
    re.compile(
        rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I
    ),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<m>{_MONTH})\.?,?\s+(?:de\s+)?(?P<y>\d{{4}})",
        re.I,
    ),
    re.compile(r"\b(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})\b"),
)

# The same patterns without IGNORECASE, for lower-cased ASCII lines (see `case_sensitive`):
# `sre` tests each month's first letter before trying the month only without IGNORECASE.
_DATES_LOWER = tuple(map(case_sensitive, _DATES))
# Every date pattern has a four-digit year: lines without one skip the month scans.
_YEAR = re.compile(r"\d{4}")
# "WASHINGTON (AP) — ...", "LONDON, June 3 (Reuters) - ...", "PARIS — ...".
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ .'-]{2,40}?)(?:,\s*[\w .]{2,30}?)?\s*(?:\([^)]{1,30}\))?"
    r"\s*[\u2014\u2013-]\s+\S"
)
LANGUAGE_SAMPLE = 100
# The stop-word vote reads this many characters of the first paragraphs.
STOP_PARAGRAPHS = 20
STOP_SAMPLE = 1000


def parse_authors(line: str) -> tuple[str, ...]:
    """Names from a byline such as "By Jane Doe and John Roe"; empty when it is none."""
    match = _BYLINE.match(line.strip())
    if not match:
        return ()
    names = [n.strip(" .") for n in _NAME_SPLIT.split(match.group("names"))]
    return tuple(n for n in names if _NAME.match(n))[:MAX_AUTHORS]


def parse_date(line: str) -> datetime | None:
    """The first calendar date written in `line`, if any."""
    if _YEAR.search(line) is None:
        return None
    ascii_line = line.isascii()
    text = line.lower() if ascii_line else line
    for pattern in _DATES_LOWER if ascii_line else _DATES:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["mn"]) if parts.get("mn") else _MONTHS[parts["m"].lower()]
        try:
            return datetime(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            continue
    return None


def parse_dateline(paragraph: str) -> str | None:
    """The place of a news dateline opening the first paragraph ("PARIS — ...")."""
    match = _DATELINE.match(paragraph)
    return match.group("place").strip() if match else None


def detect_language(paragraphs: tuple[str, ...]) -> str | None:
    """ISO 639-1 code of the body: by stop words when they clearly name one language,
    else from a short sample of its longest paragraph with py3langid.

    Stop words first because they are cheap and, on prose, surer than a character
    model on 100 characters (which took English pages for Latin or Welsh); the
    character model covers languages without a stop-word list and text without prose."""
    if not paragraphs:
        return None
    votes = stopword_votes("\n".join(paragraphs[:STOP_PARAGRAPHS])[:STOP_SAMPLE])
    code = clear_language(votes)
    if code is not None:
        return code
    sample = max(paragraphs[:5], key=len)[:LANGUAGE_SAMPLE]
    return str(py3langid.classify(sample)[0])


def read_metadata(
    head_lines: list[str], paragraphs: tuple[str, ...], language: str | None = None
) -> Metadata:
    """Authors and date from the lines around the article's start, plus dateline and language
    (`language`, when the caller already knows it, saves reading it from the body)."""
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    for line in head_lines:
        authors = authors or parse_authors(line)
        published = published or (parse_date(line) if len(line) < MAX_DATE_LINE else None)
    dateline = parse_dateline(paragraphs[0]) if paragraphs else None
    raw = tuple((k, v) for k, v in (("byline", ", ".join(authors)),) if v)
    return Metadata(
        authors=authors,
        published_at=published,
        dateline=dateline,
        language=(language or detect_language(paragraphs)) if paragraphs else None,
        raw=raw,
    )


# A date is read only from short lines (a date line, a byline with a date), not prose.
MAX_DATE_LINE = 120
