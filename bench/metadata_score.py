"""Metadata accuracy on the dev set: title, author and publish date against the truth files.

A title counts when equal after Unicode NFKC, straight quotes and dashes, and case and
whitespace folding; an author when any true name is among the output's authors (the truth
field may list several names, and may append a role after a comma); a date when the day
matches. Each figure is over the pages whose truth has that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

# Curly quotes, primes and guillemet-like marks that sites use in place of ASCII quotes.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACE = re.compile(r"\s+")
# Separators between several names in one truth field: "A & B", "A, B", "A and B", "A; B".
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*", re.IGNORECASE)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def fold_text(value: str) -> str:
    """NFKC, straight quotes and dashes, casefold, and collapsed whitespace."""
    value = unicodedata.normalize("NFKC", value).translate(_QUOTES)
    return _SPACE.sub(" ", value).strip().casefold()


def title_matches(got: str | None, want: str) -> bool:
    """Whether the output title equals the true one after folding."""
    return got is not None and fold_text(got) == fold_text(want)


def author_matches(got: Sequence[str], want: str) -> bool:
    """Whether any true name (or the whole truth field) is among the output's authors."""
    found = {fold_text(name) for name in got}
    names = {fold_text(want)} | {fold_text(n) for n in _NAME_SPLIT.split(want) if n.strip()}
    return bool(found & names)


def day_of(value: date | datetime | str | None) -> str | None:
    """The YYYY-MM-DD day of a date, datetime or ISO-like string."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    match = _ISO_DAY.search(value)
    return match.group(0) if match else None


def date_matches(got: date | datetime | str | None, want: str) -> bool:
    """Whether the output date falls on the true day."""
    return day_of(got) is not None and day_of(got) == day_of(want)


@dataclass(frozen=True, slots=True)
class MetaGuess:
    """One extractor's metadata for one page, in comparable form."""

    title: str | None
    authors: tuple[str, ...]
    published: date | datetime | str | None


@dataclass(frozen=True, slots=True)
class MetaAccuracy:
    """Share of correct titles, authors and dates, with the number of pages behind each."""

    title: float
    author: float
    date: float
    n_title: int
    n_author: int
    n_date: int


def _share(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def score_metadata(pairs: Iterable[tuple[MetaGuess, dict[str, object]]]) -> MetaAccuracy:
    """Accuracy of guesses against truth dicts (keys `title`, `author`, `publish_date`)."""
    titles: list[bool] = []
    authors: list[bool] = []
    dates: list[bool] = []
    for guess, truth in pairs:
        if isinstance(truth.get("title"), str) and truth["title"]:
            titles.append(title_matches(guess.title, str(truth["title"])))
        if isinstance(truth.get("author"), str) and truth["author"]:
            authors.append(author_matches(guess.authors, str(truth["author"])))
        if isinstance(truth.get("publish_date"), str) and truth["publish_date"]:
            dates.append(date_matches(guess.published, str(truth["publish_date"])))
    return MetaAccuracy(
        _share(titles), _share(authors), _share(dates), len(titles), len(authors), len(dates)
    )


def trafilatura_authors(value: str | None) -> tuple[str, ...]:
    """Split trafilatura's "A; B" author string into names."""
    if not value:
        return ()
    return tuple(name.strip() for name in value.split(";") if name.strip())
