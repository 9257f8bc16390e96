"""The whole pipe on real parts: HTTP API -> Postgres row -> Redis -> Celery worker -> document."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from copydesk.extract.fingerprint import content_sha256
from tests.support import SEEDS, PageServer

pytestmark = pytest.mark.integration

WaitJob = Callable[[httpx.Client, str], dict[str, Any]]
_WORD = re.compile(r"\w+")
# A cleaner may cut boilerplate and re-split paragraphs, but must keep the article: at least
# this share of the seed's 4-word shingles survive in the stored text.
MIN_SEED_RECALL = 0.5

ARTICLE = """<!doctype html><html><head><title>Harbour reopens | Local Times</title>
<link rel="canonical" href="https://news.example/harbour"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour reopens after storm repairs</h1>
<p>The harbour reopened on Monday after three weeks of repairs to the sea wall, which was
breached during the winter storm that flooded the old town.</p>
<p>Fishing boats returned to their moorings by noon, and the ferry service to the islands
will resume its normal timetable from Wednesday, the port authority said.</p>
<p>Engineers reinforced the wall with new concrete blocks and raised it by half a metre.</p>
</article><footer>Copyright Local Times</footer></body></html>"""


def _post(client: httpx.Client, body: dict[str, Any]) -> str:
    response = client.post("/v1/documents", json=body)
    assert response.status_code == 202, response.text
    data = response.json()
    assert data["status_url"].endswith(f"/v1/jobs/{data['job_id']}")
    job_id: str = data["job_id"]
    return job_id


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def _stored(conn: psycopg.Connection[Any], job_id: str) -> dict[str, Any]:
    row = conn.execute(
        """
        SELECT j.status, j.error, d.id, d.job_id::text, d.text, d.paragraphs, d.removed,
               d.content_sha256, d.word_count, d.source_kind, d.source_url, d.final_url,
               d.canonical_url, d.title, d.extractor, jsonb_typeof(d.removed) AS removed_type
        FROM ingest_jobs j JOIN documents d ON d.id = j.document_id
        WHERE j.id = %(id)s
        """,
        {"id": job_id},
    ).fetchone()
    assert row is not None, f"no document stored for job {job_id}"
    names = [
        "status",
        "error",
        "id",
        "job_id",
        "text",
        "paragraphs",
        "removed",
        "sha256",
        "word_count",
        "source_kind",
        "source_url",
        "final_url",
        "canonical_url",
        "title",
        "extractor",
        "removed_type",
    ]
    return dict(zip(names, row, strict=True))


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_text_is_stored(
    seed: Path, client: httpx.Client, wait_job: WaitJob, conn: psycopg.Connection[Any]
) -> None:
    raw = seed.read_text(encoding="utf-8")
    job_id = _post(client, {"text": raw})
    job = wait_job(client, job_id)
    assert job["status"] == "done", job
    doc = _stored(conn, job_id)
    assert doc["status"] == "done" and doc["error"] is None
    assert doc["source_kind"] == "text" and doc["source_url"] is None
    assert isinstance(doc["paragraphs"], list) and doc["paragraphs"]
    assert doc["text"] == "\n\n".join(doc["paragraphs"])
    assert doc["sha256"] == content_sha256(doc["paragraphs"])
    assert doc["word_count"] == len(_WORD.findall(doc["text"]))
    assert doc["removed_type"] == "array" and isinstance(doc["removed"], list)
    for cut in doc["removed"]:
        assert set(cut) == {"text", "kind", "reason"}
    seed_shingles = _shingles(raw)
    kept = sum((seed_shingles & _shingles(doc["text"])).values())
    assert kept / sum(seed_shingles.values()) >= MIN_SEED_RECALL
    # Everything stored comes from the seed: the cleaner cuts, it does not invent words.
    assert {w.lower() for w in _WORD.findall(doc["text"])} <= {
        w.lower() for w in _WORD.findall(raw)
    }
    api_doc = client.get(job["document_url"]).raise_for_status().json()
    assert api_doc["id"] == doc["id"] and api_doc["content_sha256"] == doc["sha256"]


def test_same_body_twice_is_one_document(
    client: httpx.Client, wait_job: WaitJob, conn: psycopg.Connection[Any]
) -> None:
    text = "A unique paragraph about tide tables.\n\nAnother about the lighthouse keeper."
    first = wait_job(client, _post(client, {"text": text}))
    # Same body, different whitespace: the hash folds it, so it is the same document.
    second = wait_job(client, _post(client, {"text": text.replace(" ", "  ") + "\n"}))
    assert first["status"] == second["status"] == "done"
    assert first["document_id"] == second["document_id"]
    (count,) = conn.execute(
        "SELECT count(*) FROM documents WHERE id = %(id)s", {"id": first["document_id"]}
    ).fetchone() or (0,)
    assert count == 1
    owner = _stored(conn, first["job_id"])["job_id"]
    assert owner == first["job_id"]


def test_url_is_fetched_and_stored(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer, conn: psycopg.Connection[Any]
) -> None:
    url = page_server.add("/harbour.html", ARTICLE, ctype="text/html; charset=utf-8")
    job = wait_job(client, _post(client, {"url": url}))
    assert job["status"] == "done", job
    doc = _stored(conn, job["job_id"])
    assert doc["source_kind"] == "url"
    assert doc["source_url"] == url and doc["final_url"] == url
    assert "sea wall" in doc["text"] and "ferry service" in doc["text"]
    assert doc["sha256"] == content_sha256(doc["paragraphs"])


def test_redirect_is_followed(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer, conn: psycopg.Connection[Any]
) -> None:
    target = page_server.add("/moved-harbour.html", ARTICLE.replace("Monday", "Tuesday"))
    start = page_server.add("/old-harbour.html", target, status=301)
    job = wait_job(client, _post(client, {"url": start}))
    assert job["status"] == "done", job
    doc = _stored(conn, job["job_id"])
    assert doc["source_url"] == start and doc["final_url"] == target


def test_html_with_url_is_stored(
    client: httpx.Client, wait_job: WaitJob, conn: psycopg.Connection[Any]
) -> None:
    html = ARTICLE.replace("Monday", "Friday")
    job = wait_job(client, _post(client, {"html": html, "url": "https://news.example/h2"}))
    assert job["status"] == "done", job
    doc = _stored(conn, job["job_id"])
    assert doc["source_kind"] == "html" and doc["source_url"] == "https://news.example/h2"
    assert doc["final_url"] is None
    assert "Friday" in doc["text"]


def test_batch_answers_one_job_per_item(client: httpx.Client, wait_job: WaitJob) -> None:
    items = [{"text": f"Batch item number {i} about the river ferry."} for i in range(3)]
    response = client.post("/v1/documents:batch", json={"items": items})
    assert response.status_code == 202, response.text
    jobs = response.json()["jobs"]
    assert len(jobs) == 3 and len({j["job_id"] for j in jobs}) == 3
    results = [wait_job(client, j["job_id"]) for j in jobs]
    assert all(r["status"] == "done" for r in results)
    assert all(r["batch_id"] == response.json()["batch_id"] for r in results)
    assert len({r["document_id"] for r in results}) == 3


def test_missing_page_fails_with_its_reason(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer, conn: psycopg.Connection[Any]
) -> None:
    job = wait_job(client, _post(client, {"url": page_server.base_url + "/no-such-page"}))
    assert job["status"] == "failed"
    assert "404" in job["error"] and job["document_id"] is None
    assert job["finished_at"] is not None and job["attempts"] == 1


def test_server_error_is_retried_then_fails(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer
) -> None:
    url = page_server.add("/flaky.html", "oops", status=503)
    job = wait_job(client, _post(client, {"url": url}))
    assert job["status"] == "failed"
    assert "503" in job["error"] and "2 attempts" in job["error"]
    assert job["attempts"] == 2


def test_non_html_page_fails(
    client: httpx.Client, wait_job: WaitJob, page_server: PageServer
) -> None:
    url = page_server.add("/image.png", b"\x89PNG\r\n", ctype="image/png")
    job = wait_job(client, _post(client, {"url": url}))
    assert job["status"] == "failed" and "image/png" in job["error"]


def test_unknown_ids_are_404_problems(client: httpx.Client) -> None:
    for path in (
        "/v1/jobs/00000000-0000-0000-0000-000000000000",
        "/v1/jobs/nope",
        "/v1/documents/999999999",
        "/v1/documents/x",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404
