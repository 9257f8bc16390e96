"""The shared page parser gives trafilatura the tree its own loader would."""

from __future__ import annotations

import logging

import pytest
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from copydesk.extract.html_tree import parse_html

PARAGRAPH = "The moon pulls the sea towards it, and the water rises on the near coast. " * 4
PAGES = [
    f"<html><head><title>Tides</title></head><body><article><h1>Tides</h1>"
    f"<p>{PARAGRAPH}</p><form><input name='q'></form><p>{PARAGRAPH}</p></article></body></html>",
    f'<?xml version="1.0" encoding="utf-8"?><html><body><p>{PARAGRAPH}</p></body></html>',
    f"<html><body><main><p>{PARAGRAPH}</p><!-- note --><p>{PARAGRAPH}</p></main></body></html>",
]


@pytest.mark.parametrize("html", PAGES)
def test_trafilatura_output_is_unchanged(html: str) -> None:
    ours, theirs = parse_html(html), load_html(html)
    assert ours is not None and theirs is not None
    assert all(type(e) is HtmlElement for e in ours.iter() if isinstance(e.tag, str))
    got = trafilatura.extract(ours, include_comments=False)
    want = trafilatura.extract(theirs, include_comments=False)
    assert got and got == want


@pytest.mark.parametrize("html", ["", "not html at all", '{"json": true}'])
def test_non_html_gives_what_trafilatura_gives(html: str) -> None:
    logging.disable(logging.ERROR)
    try:
        assert (parse_html(html) is None) == (load_html(html) is None)
    finally:
        logging.disable(logging.NOTSET)
