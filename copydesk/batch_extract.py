"""`copydesk extract`: run the extraction pipeline over files, one JSON line per file.

Thousands of files go through one process; a file that cannot be read or extracted gives
an `{"path", "error"}` line and the run goes on.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from copydesk.crawl.charset import decode_body
from copydesk.extract import extract_html, extract_text

Kind = Literal["text", "html"]
STDIN = "-"
_HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
_TEXT_SUFFIXES = (".txt", ".txt.gz")
# A file whose first bytes look like markup is HTML when its name does not say.
_SNIFF_BYTES = 2048
_LOOKS_HTML = re.compile(
    rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|head|body|div|p|article)\b", re.I
)
# Redraw the progress line at most this often (seconds).
_PROGRESS_INTERVAL = 0.2


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """The paths, with each directory replaced by the extractable files under it."""
    for path in paths:
        p = Path(path)
        if path != STDIN and p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.name.lower().endswith(_HTML_SUFFIXES + _TEXT_SUFFIXES):
                    yield str(child)
        else:
            yield path


def read_bytes(path: str) -> bytes:
    """The file's bytes (stdin for `-`), gunzipped when the name ends in .gz."""
    if path == STDIN:
        return sys.stdin.buffer.read()
    data = Path(path).read_bytes()
    return gzip.decompress(data) if path.lower().endswith(".gz") else data


def detect_kind(path: str, data: bytes, requested: str) -> Kind:
    """text or html: as requested, else from the file name, else from the first bytes."""
    if requested in ("text", "html"):
        return "text" if requested == "text" else "html"
    name = path.lower()
    if name.endswith(_HTML_SUFFIXES):
        return "html"
    if name.endswith(_TEXT_SUFFIXES):
        return "text"
    return "html" if _LOOKS_HTML.match(data[:_SNIFF_BYTES]) else "text"


def decode(data: bytes) -> str:
    """Bytes to str the way fetched pages are decoded (BOM, UTF-8, declared charset, guess)."""
    return decode_body(data)[0]


def extract_file(path: str, requested: str = "auto") -> dict[str, Any]:
    """The JSON object for one file: path, title, text, paragraphs, removed, metadata."""
    data = read_bytes(path)
    kind = detect_kind(path, data, requested)
    content = decode(data)
    extraction = extract_text(content) if kind == "text" else extract_html(content)
    result = extraction.to_dict()
    return {
        "path": path,
        "title": result["title"],
        "text": result["text"],
        "paragraphs": result["paragraphs"],
        "removed": result["removed"],
        "metadata": result["metadata"],
    }


def run_extract(paths: Iterable[str], requested: str, out: IO[str], err: IO[str]) -> int:
    """Extract every path to `out` as JSON lines; returns 1 if any file failed, else 0."""
    files = list(expand_paths(paths))
    progress = _Progress(err, len(files)) if err.isatty() else None
    failures = 0
    for path in files:
        try:
            line = extract_file(path, requested)
        except Exception as exc:  # boundary: one bad file must not stop the run
            failures += 1
            line = {"path": path, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if progress:
            progress.step(failures)
    if progress:
        progress.finish(failures)
    return 1 if failures else 0


class _Progress:
    """A one-line `done/total` counter redrawn on a terminal."""

    def __init__(self, stream: IO[str], total: int) -> None:
        self.stream, self.total, self.done, self.last = stream, total, 0, 0.0

    def step(self, failures: int) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.last >= _PROGRESS_INTERVAL or self.done == self.total:
            self.last = now
            self._draw(failures)

    def finish(self, failures: int) -> None:
        self._draw(failures)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, failures: int) -> None:
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} files, {failures} errors")
        self.stream.flush()
