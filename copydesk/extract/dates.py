"""Parsing and bounding publication dates.

Pages state dates as ISO 8601 (JSON-LD, OpenGraph), as RFC 2822, or in words
("March 5, 2025", "5 March 2025"). A date before the web existed or after the moment of
extraction is a template default or a typo, never a publication date, so it is dropped.
Dates without a zone are taken as UTC so every value is timezone-aware.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

# The first web page went online on 6 August 1991; nothing was published on the web before.
WEB_EPOCH = datetime(1991, 8, 6, tzinfo=UTC)
# Allow for a page published "tomorrow" in a zone ahead of the extracting machine.
FUTURE_SLACK = timedelta(days=1)

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        )
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "March 5, 2025" / "Mar. 5th 2025"
_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
# "5 March 2025" / "5th of March, 2025"
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})\b", re.I)
# "2025-03-05", "2025/03/05", "2025.03.05", optionally followed by a time
_YMD = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
# Compact ISO dates "20250305" as some CMSs write in meta tags.
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{4,6})?$")


def parse_date(value: str | None) -> datetime | None:
    """A timezone-aware datetime from a date string, or None if it is not one."""
    if not value:
        return None
    value = value.strip()
    parsed = _iso(value) or _rfc2822(value) or _words(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: str) -> datetime | None:
    text = value.replace(" ", "T", 1) if len(value) > 10 and value[10] == " " else value
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    match = _COMPACT.match(value)
    if match:
        return build_date(*match.groups())
    match = _YMD.match(value)
    return build_date(*match.groups()) if match else None


def _rfc2822(value: str) -> datetime | None:
    if "," not in value[:5] and not value[:3].isalpha():
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _words(value: str) -> datetime | None:
    match = _MDY.search(value)
    if match:
        month, day, year = match.groups()
        return build_date(year, str(_MONTHS[month.lower()]), day)
    match = _DMY.search(value)
    if match:
        day, month, year = match.groups()
        return build_date(year, str(_MONTHS[month.lower()]), day)
    return None


def build_date(year: str, month: str, day: str) -> datetime | None:
    """A UTC midnight datetime for a day given as strings, or None if it is no day."""
    try:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None


def within_web_era(value: datetime, now: datetime) -> bool:
    """Whether a date lies between the first web page and (just after) now."""
    return WEB_EPOCH <= value <= now + FUTURE_SLACK


def valid_date(value: str | None, now: datetime) -> datetime | None:
    """The parsed date if it is a plausible publication date, else None."""
    parsed = parse_date(value)
    return parsed if parsed is not None and within_web_era(parsed, now) else None


def as_datetime(day: date | datetime) -> datetime:
    """A UTC midnight datetime for a plain date (htmldate returns days)."""
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
