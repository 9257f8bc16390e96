"""Finding the character set an HTML document declares for itself."""

from __future__ import annotations

import re

# The HTML spec wants <meta charset> in the first 1024 bytes; some pages are sloppier.
SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def sniff_charset(data: bytes) -> str | None:
    """The charset named by a <meta> tag near the start of `data`, if any."""
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    return match.group(1).decode("ascii", errors="ignore") if match else None
