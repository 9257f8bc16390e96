"""The worker's pre-fork warm-up loads what extraction would load on a child's first job."""

from __future__ import annotations

import subprocess
import sys

from copydesk.extract import extract_html, extract_text
from services.worker.warmup import SAMPLE_HTML, SAMPLE_TEXT


def test_warm_up_loads_the_models() -> None:
    """In a fresh interpreter: in this one, earlier tests may have loaded them already."""
    check = (
        "import py3langid.langid as langid\n"
        "from copydesk.extract.text_model import shipped_model\n"
        "from services.worker.warmup import warm_extractors\n"
        "assert langid.IDENTIFIER is None and shipped_model.cache_info().currsize == 0\n"
        "warm_extractors()\n"
        "assert langid.IDENTIFIER is not None and shipped_model.cache_info().currsize == 1\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_sample_goes_through_both_extraction_paths() -> None:
    """A sample that failed would warm only part of the path (and raise at worker start)."""
    assert extract_html(SAMPLE_HTML).paragraphs
    assert extract_text(SAMPLE_TEXT).paragraphs
