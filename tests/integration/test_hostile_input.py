"""Hostile input through the real API and worker, at the default limits.

Each submission gets a clear 4xx (and nothing stored), or a job that ends `failed` with its
reason or `done`: never a 5xx, a crashed worker, an "internal error" or a half-written row.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from copydesk.settings import Settings
from tests.support import PageServer, Service

pytestmark = pytest.mark.integration

WaitJob = Callable[[httpx.Client, str], dict[str, Any]]
Conn = psycopg.Connection[Any]

ARTICLE = (
    "<html><head><title>Harbour reopens</title></head><body><article>"
    "<h1>Harbour reopens after the storm</h1>"
    "<p>The harbour reopened on Monday, three weeks after the storm tore away the outer "
    "breakwater, the port authority said in a statement.</p>"
    "<p>Fishing boats were the first to leave, followed by the morning café ferry to the "
    "islands, which had been running from a temporary pier since the storm.</p>"
    "</article></body></html>"
)
_RANDOM = random.Random(7)
BINARY = bytes(_RANDOM.randrange(256) for _ in range(4096))


def _rows(conn: Conn) -> tuple[int, int]:
    (jobs,) = conn.execute("SELECT count(*) FROM ingest_jobs").fetchone() or (0,)
    (docs,) = conn.execute("SELECT count(*) FROM documents").fetchone() or (0,)
    return jobs, docs


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


REJECTED: list[tuple[str, str, bytes, str, int, str]] = [
    ("empty-text", "/v1/documents", b'{"text": ""}', "json", 422, "text is empty"),
    ("whitespace-text", "/v1/documents", _json({"text": " \t\n\u00a0 "}), "json", 422, "empty"),
    ("20mb-text", "/v1/documents", _json({"text": "word " * 4_000_000}), "json", 413, "larger"),
    ("invalid-utf8", "/v1/documents", b'{"text": "caf\xe9 \xff"}', "json", 422, "UTF-8"),
    ("nul-bytes", "/v1/documents", b'{"text": "one\\u0000two"}', "json", 422, "NUL"),
    ("binary-as-text", "/v1/documents", BINARY, "text/plain", 422, "not valid"),
    (
        "binary-in-a-json-string",
        "/v1/documents",
        _json({"text": BINARY.replace(b"\x00", b"").decode("latin-1")}),
        "json",
        422,
        "looks like binary data",
    ),
    ("file-url", "/v1/documents", b'{"url": "file:///etc/passwd"}', "json", 422, "'file'"),
    ("javascript-url", "/v1/documents", b'{"url": "javascript:alert(1)"}', "json", 422, "http"),
    ("ftp-url", "/v1/documents", b'{"url": "ftp://ftp.example/a.txt"}', "json", 422, "'ftp'"),
    ("credentials", "/v1/documents", b'{"url": "https://u:pw@a.example/"}', "json", 422, "cred"),
    (
        "lone-surrogate-url",
        "/v1/documents",
        b'{"url": "https://a.example/\\ud800"}',
        "json",
        422,
        "lone surrogate",
    ),
    ("duplicate-keys", "/v1/documents", b'{"text": "a", "text": "b"}', "json", 422, "twice"),
    (
        "nul-in-source-pattern",
        "/v1/sources",
        _json({"url": "https://a.example/feed.xml", "include_patterns": ["a\u0000"]}),
        "json",
        422,
        "NUL",
    ),
    (
        "batch-1001",
        "/v1/documents:batch",
        _json({"items": [{"text": f"item {i}"} for i in range(1001)]}),
        "json",
        422,
        "at most 1000",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "ctype", "status", "detail"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_hostile_requests_get_a_clear_4xx_and_store_nothing(
    path: str,
    body: bytes,
    ctype: str,
    status: int,
    detail: str,
    client: httpx.Client,
    conn: Conn,
) -> None:
    before = _rows(conn)
    content_type = "application/json" if ctype == "json" else ctype
    response = client.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert _rows(conn) == before


def _charset_liar() -> bytes:
    """UTF-8 bytes whose header and meta both claim Latin-1."""
    page = ARTICLE.replace("<head>", '<head><meta charset="iso-8859-1">')
    return page.encode("utf-8")


def _deeply_nested() -> str:
    depth = 100_000
    return "<html><body>" + "<div>" * depth + ARTICLE + "</div>" * depth + "</body></html>"


SCRIPTS_ONLY = (
    "<html><head><script>var a = 1;</script></head><body>"
    + "<script>document.write('hello');</script>" * 50
    + "</body></html>"
)


def _item(name: str, pages: PageServer) -> dict[str, str]:
    """The submitted item of each job case; pages are served by the local page server."""
    if name == "wrong-charset":
        pages.add("/liar.html", _charset_liar(), ctype="text/html; charset=iso-8859-1")
        return {"url": pages.base_url + "/liar.html"}
    if name == "nul-in-page":
        pages.add("/nul.html", ARTICLE.replace("<p>", "<p>\x00", 1).encode())
        return {"url": pages.base_url + "/nul.html"}
    if name == "binary-page":
        pages.add("/blob", BINARY, ctype="application/octet-stream")
        return {"url": pages.base_url + "/blob"}
    if name == "binary-page-said-html":
        pages.add("/blob.html", BINARY, ctype="text/html")
        return {"url": pages.base_url + "/blob.html"}
    if name == "2000-char-url":
        path = "/long/" + "a" * 1990
        pages.add(path, ARTICLE)
        assert len(pages.base_url + path) >= 2000
        return {"url": pages.base_url + path}
    if name == "deeply-nested-html":
        return {"html": _deeply_nested()}
    if name == "scripts-only-html":
        return {"html": SCRIPTS_ONLY}
    raise AssertionError(name)


# Which end each job case may have: "done", or "failed" with words the reason must hold.
JOB_CASES: list[tuple[str, str, str]] = [
    ("wrong-charset", "done", ""),
    ("nul-in-page", "done", ""),
    ("binary-page", "failed", "content type"),
    ("binary-page-said-html", "failed", "no article text"),
    ("2000-char-url", "done", ""),
    ("deeply-nested-html", "failed", "no article text"),
    ("scripts-only-html", "failed", "no article text"),
]


@pytest.mark.parametrize(
    ("name", "status", "reason"), JOB_CASES, ids=[case[0] for case in JOB_CASES]
)
def test_hostile_content_ends_done_or_failed_with_a_reason(
    name: str,
    status: str,
    reason: str,
    client: httpx.Client,
    wait_job: WaitJob,
    page_server: PageServer,
    conn: Conn,
    worker: Service,
    settings: Settings,
) -> None:
    response = client.post("/v1/documents", json=_item(name, page_server))
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["job_id"])
    assert (job["status"], reason in (job["error"] or "")) == (status, True), job
    assert not (job["error"] or "").startswith("internal error"), job
    assert worker.proc.poll() is None, "the worker died"
    if status == "failed":
        assert job["document_id"] is None
        return
    document = client.get(job["document_url"]).json()
    assert document["paragraphs"] and "\x00" not in document["text"]
    if name == "wrong-charset":
        assert "café ferry" in document["text"], document["text"]
