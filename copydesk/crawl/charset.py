"""Turn fetched bytes into text when the declared charset may be wrong.

Servers often send `charset=ISO-8859-1` (or nothing) for UTF-8 pages, and pages
declare one charset in a `<meta>` tag while the server says another. Order of
trust, most reliable first:

1. a byte-order mark;
2. strict UTF-8, if the bytes hold any non-ASCII at all (Latin-1 or cp1252 text
   almost never happens to be valid UTF-8, so a clean decode is strong evidence);
3. the charset in the Content-Type header, then the one in the document
   (`<meta charset>`, `http-equiv`, or the XML declaration), if it decodes cleanly;
4. charset_normalizer's guess;
5. cp1252 with replacement characters, so we always return text.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declarations sit near the top of a document; 4 KiB is what browsers pre-scan (1024)
# with room for long <head> preambles.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# Browsers decode "iso-8859-1" and "ascii" as windows-1252 (WHATWG Encoding); do the same,
# so 0x80-0x9F curly quotes and dashes come out right.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}
FALLBACK_ENCODING = "cp1252"
# How much worse (charset_normalizer "chaos", 0..1) cp1252 may score and still be preferred.
_CHAOS_MARGIN = 0.1


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset the document declares for itself (meta tag or XML declaration)."""
    head = body[:_PRESCAN_BYTES]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", errors="ignore") if match else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode `body` to text, returning (text, encoding used)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    if not body.isascii():
        decoded = _try_decode(body, "utf-8")
        if decoded is not None:
            return decoded, "utf-8"
    for candidate in (header_charset(content_type), declared_charset(body)):
        codec = _codec_name(candidate)
        decoded = _try_decode(body, codec) if codec else None
        if decoded is not None and codec is not None:
            return decoded, codec
    if body.isascii():
        return body.decode("ascii"), "ascii"
    return _guess(body)


def _guess(body: bytes) -> tuple[str, str]:
    """charset_normalizer's guess, nudged towards cp1252 when that is about as good.

    On short Western text it ranks cp1257/cp1250 first by a hair, yet cp1252 is by
    far the commonest unlabelled legacy encoding on the web (the WHATWG default).
    """
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return body.decode(FALLBACK_ENCODING, errors="replace"), FALLBACK_ENCODING
    best = matches[0]
    for match in matches:
        if match.encoding == FALLBACK_ENCODING and match.chaos <= best.chaos + _CHAOS_MARGIN:
            return str(match), FALLBACK_ENCODING
    return str(best), best.encoding


def _codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try_decode(body: bytes, name: str) -> str | None:
    try:
        return body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None
