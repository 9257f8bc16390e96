"""The worker's pre-fork warm-up loads what extraction would load on a child's first job."""

from __future__ import annotations

import py3langid.langid

from copydesk.extract import extract_html, extract_text
from copydesk.extract.text_model import shipped_model
from services.worker.warmup import SAMPLE_HTML, SAMPLE_TEXT, warm_extractors


def test_warm_up_loads_the_models() -> None:
    warm_extractors()
    assert py3langid.langid.IDENTIFIER is not None
    assert shipped_model.cache_info().currsize == 1


def test_the_sample_goes_through_both_extraction_paths() -> None:
    """A sample that failed would warm only part of the path (and raise at worker start)."""
    assert extract_html(SAMPLE_HTML).paragraphs
    assert extract_text(SAMPLE_TEXT).paragraphs
