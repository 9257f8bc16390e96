"""The extraction pipeline: pure functions from text or HTML to an `Extraction`.

No network, disk, database or settings here, so the same code serves the worker,
the `copydesk extract` CLI, the benchmarks and the unit tests.
"""

from __future__ import annotations

from copydesk.extract.html import extract_html
from copydesk.extract.plaintext import extract_text
from copydesk.extract.result import Extraction, Metadata, Removed, RemovedKind

__all__ = [
    "Extraction",
    "Metadata",
    "Removed",
    "RemovedKind",
    "extract_html",
    "extract_text",
]
