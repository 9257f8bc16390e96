"""Dates as feeds and sitemaps write them: RFC 822 (RSS) and W3C/ISO 8601 (Atom, sitemaps)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_feed_date(value: str | None) -> datetime | None:
    """An aware datetime (UTC if no zone given), or None if unparseable."""
    if not value:
        return None
    value = value.strip()
    parsed = _iso(value) or _rfc822(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
