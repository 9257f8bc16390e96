"""GET /v1/stats and `copydesk status` against a real database with jobs of known ages."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from copydesk import queries
from copydesk.crawl.records import NewSource
from copydesk.models import Document, JobKind, NewJob
from copydesk.stats import collect_stats
from tests.support import REPO, child_env, copydesk_command, scratch_database

pytestmark = pytest.mark.integration

Conn = psycopg.Connection[Any]


@pytest.fixture(scope="module")
def stats_database(run_id: str) -> Iterator[str]:
    """A database of its own: the counts below must not see other tests' jobs."""
    with scratch_database(f"copydesk_test_{run_id}_stats") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            _populate(conn)
        yield url


def _job(
    conn: Conn,
    created_ago: int,
    status: str = "queued",
    finished_ago: int | None = None,
    **fields: Any,
) -> UUID:
    """A text job submitted `created_ago` seconds ago, now in `status`."""
    (job_id,) = queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body=f"body {created_ago}")])
    conn.execute(
        """
        UPDATE ingest_jobs
        SET created_at = now() - make_interval(secs => %(created)s),
            finished_at = now() - make_interval(secs => %(finished)s),
            status = %(status)s, error = %(error)s, document_id = %(document_id)s
        WHERE id = %(id)s
        """,
        {
            "id": job_id,
            "created": created_ago,
            "finished": finished_ago,
            "status": status,
            "error": fields.get("error"),
            "document_id": fields.get("document_id"),
        },
    )
    return job_id


def _populate(conn: Conn) -> None:
    # Three days old, in no window: enough rows for page ranges that the submission-time
    # index (BRIN) has summarized before the jobs below are added and re-dated.
    filler = NewJob(JobKind.TEXT, body="Old filler paragraph. " * 60)
    conn.execute(
        "UPDATE ingest_jobs SET created_at = now() - interval '3 days', status = 'failed',"
        " error = 'filler' WHERE id = ANY(%(ids)s)",
        {"ids": queries.insert_jobs(conn, [filler] * 600)},
    )
    assert queries.summarize_job_ranges(conn) >= 1
    doc = Document(
        source_kind=JobKind.TEXT,
        text="t",
        paragraphs=("t",),
        content_sha256="0" * 64,
        word_count=1,
        extractor="test",
    )
    doc_id = queries.upsert_document(conn, doc)
    _job(conn, 30)  # queued, recent
    _job(conn, 2 * 3600)  # queued two hours: the oldest queued
    _job(conn, 10, status="running")
    _job(conn, 40, status="done", document_id=doc_id, finished_ago=20)
    _job(conn, 700, status="done", document_id=doc_id, finished_ago=200)
    _job(conn, 3 * 3600, status="done", document_id=doc_id, finished_ago=2 * 3600)
    _job(conn, 50, status="failed", error="HTTP 404 Not Found", finished_ago=45)
    _job(conn, 5000, status="failed", error="HTTP 404 Not Found (gave up)", finished_ago=4900)
    _job(conn, 60, status="failed", error="connection failed: [Errno 111] refused")
    _job(conn, 90, status="failed", error="cannot resolve host 'a.example': nope")
    _job(conn, 95, status="failed", error="cannot resolve host 'b.example': nope")
    # Older than a day: in no window, but still queued now.
    _job(conn, 2 * 86400, status="done", document_id=doc_id, finished_ago=86400 + 10)
    queries.insert_source(conn, NewSource(url="https://a.example/feed"))  # due at once
    queries.insert_source(conn, NewSource(url="https://b.example/feed", enabled=False))
    later = queries.insert_source(conn, NewSource(url="https://c.example/feed"))
    assert later is not None
    conn.execute(
        "UPDATE sources SET next_run_at = now() + interval '1 hour' WHERE id = %(id)s",
        {"id": later.id},
    )


def test_jobs_per_state_in_each_window(stats_database: str) -> None:
    with psycopg.connect(stats_database, autocommit=True) as conn:
        stats = collect_stats(conn)
    assert stats.last_hour == {"queued": 1, "running": 1, "done": 2, "failed": 4}
    assert stats.last_day == {"queued": 2, "running": 1, "done": 3, "failed": 5}
    assert stats.open_jobs == {"queued": 2, "running": 1}


def test_throughput_counts_jobs_finished_in_each_window(stats_database: str) -> None:
    with psycopg.connect(stats_database, autocommit=True) as conn:
        stats = collect_stats(conn)
    windows = {t.window_seconds: (t.done, t.failed) for t in stats.throughput}
    assert windows == {60: (1, 1), 300: (2, 1), 3600: (2, 1)}
    assert stats.throughput[0].docs_per_second == round(1 / 60, 3)


def test_failures_are_grouped_by_reason_without_details(stats_database: str) -> None:
    with psycopg.connect(stats_database, autocommit=True) as conn:
        stats = collect_stats(conn)
    assert dict(stats.failures) == {
        "HTTP 404 Not Found": 2,
        "cannot resolve host …": 2,
        "connection failed": 1,
    }
    assert stats.failures[-1] == ("connection failed", 1)  # the commonest first


def test_sources_due_and_oldest_queued_job(stats_database: str) -> None:
    with psycopg.connect(stats_database, autocommit=True) as conn:
        stats = collect_stats(conn)
        (oldest_id,) = conn.execute(
            "SELECT id FROM ingest_jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1"
        ).fetchone() or (None,)
    assert stats.sources_due == 1
    assert stats.oldest_queued is not None
    assert stats.oldest_queued.job_id == str(oldest_id)
    assert 2 * 3600 <= stats.oldest_queued.age_seconds < 2 * 3600 + 60


def _status(database_url: str, *args: str) -> str:
    env = child_env({"COPYDESK_DATABASE_URL": database_url})
    result = subprocess.run(
        copydesk_command("status", *args), env=env, cwd=REPO, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_status_command_prints_the_same_figures(stats_database: str) -> None:
    data = json.loads(_status(stats_database, "--json"))
    assert data["jobs"]["last_day"] == {"queued": 2, "running": 1, "done": 3, "failed": 5}
    assert {"reason": "HTTP 404 Not Found", "count": 2} in data["failures_last_day"]
    assert data["sources_due"] == 1
    text = _status(stats_database)
    assert "last hour" in text and "oldest queued job  2.0h" in text
    assert "2  HTTP 404 Not Found" in text


def test_stats_endpoint_sees_a_finished_job(
    client: httpx.Client, wait_job: Callable[[httpx.Client, str], dict[str, Any]]
) -> None:
    before = client.get("/v1/stats").raise_for_status().json()
    response = client.post("/v1/documents", json={"text": "Stats test body.\n\nSecond one."})
    assert wait_job(client, response.json()["job_id"])["status"] == "done"
    after = client.get("/v1/stats").raise_for_status().json()
    assert after["jobs"]["last_hour"]["done"] == before["jobs"]["last_hour"]["done"] + 1
    assert after["throughput"][0]["window_seconds"] == 60
    assert after["throughput"][0]["done"] >= 1
    assert set(after) >= {"open_jobs", "failures_last_day", "sources_due", "oldest_queued"}
