"""Decoding fetched bytes when headers lie."""

from __future__ import annotations

import codecs

import pytest

from copydesk.crawl.charset import declared_charset, decode_body, header_charset

TEXT = "Café \u2013 \u201cquoted\u201d naïve crème brûlée"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),
        (TEXT.encode("utf-8"), "text/html", "utf-8"),
        (TEXT.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8-sig"),
        (TEXT.encode("utf-16"), None, "utf-16"),
    ],
)
def test_decode_body(body: bytes, content_type: str | None, encoding: str) -> None:
    text, used = decode_body(body, content_type)
    assert TEXT in text
    assert used == encoding


def test_meta_charset_used_when_header_is_silent() -> None:
    body = b"<html><head><meta charset='koi8-r'></head><body>" + "привет".encode("koi8_r")
    text, used = decode_body(body, "text/html")
    assert "привет" in text
    assert used == "koi8-r"


def test_declared_charset_reads_xml_declaration() -> None:
    assert declared_charset(b"<?xml version='1.0' encoding='ISO-8859-15'?><rss/>") == "ISO-8859-15"
    assert header_charset('text/html; charset="UTF-8"') == "UTF-8"
    assert header_charset("text/html") is None


def test_ascii_needs_no_guess() -> None:
    assert decode_body(b"plain", None) == ("plain", "ascii")
