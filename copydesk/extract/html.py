"""HTML extraction (placeholder: plain trafilatura)."""

from __future__ import annotations

import trafilatura

from copydesk.extract.result import Extraction


def extract_html(html: str, url: str | None = None) -> Extraction:
    """Extract the main text of a page with trafilatura's defaults."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, as_dict=True)
    if not doc or not doc.get("text"):
        return Extraction(title=None, paragraphs=(), path="trafilatura", extractor="trafilatura")
    paragraphs = tuple(p.strip() for p in doc["text"].split("\n") if p.strip())
    return Extraction(
        title=doc.get("title"),
        paragraphs=paragraphs,
        path="trafilatura",
        extractor="trafilatura",
        extractor_version=trafilatura.__version__,
    )
