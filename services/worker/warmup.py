"""Load the extractors' models once in the worker's main process, before it forks children.

Each prefork child would otherwise load them on its first job: py3langid's model (about half
a CPU-second), the text cleaner's line model, trafilatura's and htmldate's lazy imports and
tables. Loaded in the parent, they are inherited through fork (pages shared copy-on-write),
so no child pays for them, a recycled child's replacement starts warm, and no job's
extract time carries a model load.
"""

from __future__ import annotations

import logging
import time

import py3langid

from copydesk.extract import extract_html, extract_text
from copydesk.extract.text_model import shipped_model

logger = logging.getLogger(__name__)

# A page with the parts the extractors read (headline, byline, date, paragraphs, a menu),
# in no particular language's vocabulary beyond plain English.
_SAMPLE_PARAGRAPH = (
    "The council met on Tuesday evening to discuss the new budget for the coming year, "
    "and members agreed that the library and the swimming pool would stay open longer."
)
SAMPLE_HTML = (
    "<html><head><title>Council agrees budget</title>"
    '<meta property="og:title" content="Council agrees budget">'
    '<meta name="author" content="Jane Doe">'
    '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
    "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<article><h1>Council agrees budget</h1><p>By Jane Doe</p>"
    + "".join(f"<p>{_SAMPLE_PARAGRAPH}</p>" for _ in range(4))
    + "</article><footer>Contact us</footer></body></html>"
)
SAMPLE_TEXT = "Council agrees budget\n\n" + "\n\n".join([_SAMPLE_PARAGRAPH] * 3)


def warm_extractors() -> float:
    """Load the models and run both extraction paths once; the seconds it took."""
    began = time.monotonic()
    py3langid.classify(_SAMPLE_PARAGRAPH)
    shipped_model()
    extract_html(SAMPLE_HTML, url="https://example.com/news/council-budget")
    extract_text(SAMPLE_TEXT)
    took = time.monotonic() - began
    logger.info("extractors_warmed", extra={"duration_ms": round(took * 1000, 1)})
    return took
