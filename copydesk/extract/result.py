"""The value types every extraction path returns.

They are frozen and slotted so a result can be shared between threads and cached
without copies; the database layer and the CLI serialise them with `to_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class RemovedKind(StrEnum):
    """Why a span was cut; the values are part of the stored JSON contract."""

    ADVERTISEMENT = "advertisement"
    NEWSLETTER_PROMO = "newsletter-promo"
    CAPTION = "caption"
    SHARE = "share"
    RELATED_LINKS = "related-links"
    NAVIGATION = "navigation"
    COOKIE_NOTICE = "cookie-notice"
    PAYWALL = "paywall"
    BYLINE = "byline"
    DATELINE = "dateline"
    FOOTER = "footer"
    COMMENTS = "comments"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Removed:
    """One span dropped from the input, with the reason a reader can check."""

    text: str
    kind: RemovedKind
    reason: str


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an extraction learned about the document besides its body."""

    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    dateline: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: str | None = None
    license: str | None = None
    # The values as found in the page before validation, for auditing.
    raw: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """The clean document: title, body paragraphs, what was cut, and metadata."""

    title: str | None
    paragraphs: tuple[str, ...]
    removed: tuple[Removed, ...] = ()
    metadata: Metadata = field(default_factory=Metadata)
    # Which code path produced it, e.g. "text", "trafilatura", "trafilatura-recall".
    path: str = "text"
    extractor: str = "copydesk"
    extractor_version: str = ""

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 strings)."""
        data = asdict(self)
        meta = data["metadata"]
        for key in ("published_at", "modified_at"):
            if meta[key] is not None:
                meta[key] = meta[key].isoformat()
        meta["raw"] = dict(meta["raw"])
        data["removed"] = [
            {"text": r.text, "kind": str(r.kind), "reason": r.reason} for r in self.removed
        ]
        data["text"] = self.text
        return data
