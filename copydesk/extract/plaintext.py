"""Plain-text cleaning (placeholder: passes paragraphs through unchanged)."""

from __future__ import annotations

import re

from copydesk.extract.result import Extraction

_BLANK_RUN = re.compile(r"\n\s*\n|\n")


def extract_text(text: str) -> Extraction:
    """Split pasted text into paragraphs, keeping every non-empty line."""
    paragraphs = tuple(" ".join(p.split()) for p in _BLANK_RUN.split(text) if p.strip())
    return Extraction(title=None, paragraphs=paragraphs, path="text", extractor="copydesk-text")
