"""What parsing a feed or sitemap yields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FoundUrl:
    """An article URL listed by a source, with its publication date if the source gave one."""

    url: str
    published: datetime | None = None
