"""`copydesk extract`: one JSON line per file, errors per file, HTML and text by name."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from copydesk.batch_extract import decode, detect_kind, run_extract
from copydesk.cli import main
from tests.support import SEEDS

HTML = "<html><head><title>T</title></head><body><article><p>{}</p></article></body></html>"
PARAGRAPH = "A paragraph of article text that is long enough for the extractor to keep it."


def _run(paths: list[str], requested: str = "auto") -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    code = run_extract(paths, requested, out, io.StringIO())
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_seeds_give_one_line_each() -> None:
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    code, lines = _run(seeds)
    assert code == 0 and [line["path"] for line in lines] == seeds
    for line in lines:
        assert set(line) == {"path", "title", "text", "paragraphs", "removed", "metadata"}
        assert line["paragraphs"] and line["text"] == "\n\n".join(line["paragraphs"])
        assert isinstance(line["removed"], list) and isinstance(line["metadata"], dict)


def test_html_gz_and_bad_files(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(HTML.format(PARAGRAPH).encode()))
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    missing = tmp_path / "missing.txt"
    code, lines = _run([str(page), str(broken), str(missing)])
    assert code == 1
    assert PARAGRAPH in lines[0]["text"]
    assert set(lines[1]) == {"path", "error"} and "gzip" in lines[1]["error"].lower()
    assert lines[2]["path"] == str(missing) and "FileNotFoundError" in lines[2]["error"]


def test_folder_is_expanded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First.\n\nSecond.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.htm").write_text(HTML.format(PARAGRAPH), encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    code, lines = _run([str(tmp_path)])
    assert code == 0 and [Path(line["path"]).name for line in lines] == ["a.txt", "b.htm"]


@pytest.mark.parametrize(
    ("path", "data", "requested", "kind"),
    [
        ("x.txt", b"<p>looks like html</p>", "auto", "text"),
        ("x.HTML", b"plain", "auto", "html"),
        ("-", b"  <!DOCTYPE html><html>", "auto", "html"),
        ("-", b"Just words.", "auto", "text"),
        ("x.txt", b"words", "html", "html"),
    ],
)
def test_detect_kind(path: str, data: bytes, requested: str, kind: str) -> None:
    assert detect_kind(path, data, requested) == kind


def test_stdin_through_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"Line one.\n\nLine two.\n"))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["extract", "--jsonl", "-"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["paragraphs"] == ["Line one.", "Line two."]


def test_html_declaring_a_legacy_charset_is_decoded(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    html = '<html><head><meta charset="windows-1252"></head><body><p>Café déjà vu</p></body>'
    page.write_bytes(html.encode("cp1252"))
    assert "Café déjà vu" in decode(page.read_bytes())
    assert decode("naïve".encode()) == "naïve"
