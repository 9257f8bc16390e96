"""Canonical article URLs and a source's include/exclude patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import courlan

# Links that are never articles: media, archives, documents, stylesheets.
_NOT_A_PAGE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|mp[34]|m4a|avi|mov|webm|zip|gz|tar|pdf|docx?|xlsx?|pptx?|"
    r"css|js|json|woff2?|ttf)$",
    re.I,
)
MAX_URL_LENGTH = 2048


class BadPattern(ValueError):
    """An include/exclude pattern that is not a valid regular expression."""


def normalize_url(url: str) -> str | None:
    """The canonical form we deduplicate on (courlan: lower-case host, sorted query,
    tracking parameters dropped), without the fragment; None if not a web page URL."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        normalized = courlan.normalize_url(url)
    except ValueError:
        return None
    parts = urlsplit(normalized)
    if not parts.hostname or _NOT_A_PAGE.search(parts.path):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compile regular expressions (searched anywhere in the URL); BadPattern if invalid."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise BadPattern(f"invalid URL pattern {pattern!r}: {exc}") from exc
    return tuple(compiled)


def url_wanted(
    url: str, include: tuple[re.Pattern[str], ...], exclude: tuple[re.Pattern[str], ...]
) -> bool:
    """Kept if it matches some include pattern (or there are none) and no exclude pattern."""
    if include and not any(p.search(url) for p in include):
        return False
    return not any(p.search(url) for p in exclude)
