"""A URL job's fetch log rows and URL state: sent with the job's store (no round trip of their
own), and still written, on their own, however else the job ends."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from celery.exceptions import SoftTimeLimitExceeded

from copydesk import db, queries
from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from services.worker import pipeline
from services.worker.webclient import state_key
from tests.support import PageServer, commit_refused

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pool(settings: Settings) -> Iterator[db.Pool]:
    """A pool as the worker opens it."""
    pool = db.create_pool(settings, synchronous_commit=False, recheck_after=1.0)
    try:
        yield pool
    finally:
        pool.close()


def _url_job(conn: psycopg.Connection[Any], pages: PageServer, article: bool = True) -> str:
    marker = secrets.token_hex(6)
    body = (
        f"<html><head><title>Writes {marker}</title></head><body><article>"
        f"<p>The harbour board met on Tuesday, case {marker}, to discuss the sea wall.</p>"
        "<p>It agreed to pay for the repair by spring, and to look at the pier next.</p>"
        "</article></body></html>"
        if article
        else "<html><head><title>Nothing</title></head><body></body></html>"
    )
    return pages.add(f"/writes/{marker}.html", body)


def _insert(conn: psycopg.Connection[Any], url: str) -> UUID:
    (job_id,) = queries.insert_jobs(conn, [NewJob(JobKind.URL, url=url)])
    return job_id


def _logged(conn: psycopg.Connection[Any], job_id: UUID) -> list[tuple[int | None, datetime]]:
    rows = conn.execute(
        "SELECT status, fetched_at FROM fetch_log WHERE job_id = %s AND url NOT LIKE %s",
        (job_id, "%/robots.txt"),
    ).fetchall()
    return [(status, at) for status, at in rows]


def _state(conn: psycopg.Connection[Any], url: str) -> tuple[Any, ...] | None:
    row = conn.execute(
        "SELECT last_status, document_id, last_fetched_at FROM url_state WHERE url = %s",
        (state_key(url),),
    ).fetchone()
    return tuple(row) if row else None


def _job(conn: psycopg.Connection[Any], job_id: UUID) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT status, error, document_id, finished_at FROM ingest_jobs WHERE id = %s",
        (job_id,),
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_a_stored_job_writes_its_fetch_with_the_document_at_the_fetch_time(
    settings: Settings,
    pool: db.Pool,
    conn: psycopg.Connection[Any],
    page_server: PageServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = _url_job(conn, page_server)
    job_id = _insert(conn, url)
    extract = pipeline.build_document

    def slow_extraction(*args: Any) -> Any:
        time.sleep(1)
        return extract(*args)

    monkeypatch.setattr(pipeline, "build_document", slow_extraction)
    result = pipeline.run_job(pool, settings, job_id)
    assert result.outcome is pipeline.Outcome.DONE
    status, _, document_id, finished_at = _job(conn, job_id)
    assert (status, document_id) == ("done", result.document_id)
    ((logged_status, fetched_at),) = _logged(conn, job_id)
    assert logged_status == 200
    # Written with the store, a second later, the row still says when the page was fetched.
    assert finished_at - fetched_at > timedelta(seconds=0.9)
    assert _state(conn, url) == (200, result.document_id, fetched_at)


def test_a_page_without_article_text_still_logs_its_fetch(
    settings: Settings, pool: db.Pool, conn: psycopg.Connection[Any], page_server: PageServer
) -> None:
    url = _url_job(conn, page_server, article=False)
    job_id = _insert(conn, url)
    assert pipeline.run_job(pool, settings, job_id).outcome is pipeline.Outcome.FAILED
    status, error, _, _ = _job(conn, job_id)
    assert status == "failed" and "no article text" in error
    ((logged_status, fetched_at),) = _logged(conn, job_id)
    assert logged_status == 200
    assert _state(conn, url) == (200, None, fetched_at)


@pytest.mark.parametrize(
    ("stage", "failure"),
    [
        ("build_document", SoftTimeLimitExceeded()),
        ("store_document", RuntimeError("store broke")),
        ("store_document", SoftTimeLimitExceeded()),
    ],
)
def test_an_extraction_or_store_that_raises_still_logs_the_fetch(
    settings: Settings,
    pool: db.Pool,
    conn: psycopg.Connection[Any],
    page_server: PageServer,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
    failure: BaseException,
) -> None:
    url = _url_job(conn, page_server)
    job_id = _insert(conn, url)

    def broken(*args: Any) -> Any:
        raise failure

    monkeypatch.setattr(pipeline, stage, broken)
    with pytest.raises(type(failure)):
        pipeline.run_job(pool, settings, job_id)
    assert [status for status, _ in _logged(conn, job_id)] == [200]
    assert _state(conn, url) is not None and _state(conn, url)[:2] == (200, None)  # type: ignore[index]


def test_a_refused_commit_still_logs_the_fetch(
    settings: Settings, pool: db.Pool, conn: psycopg.Connection[Any], page_server: PageServer
) -> None:
    url = _url_job(conn, page_server)
    job_id = _insert(conn, url)
    with commit_refused(conn, job_id):
        result = pipeline.run_job(pool, settings, job_id, defer_commit=True)
        assert result.settle is not None
        with pytest.raises(psycopg.Error, match="commit refused"):
            result.settle()
    assert [status for status, _ in _logged(conn, job_id)] == [200]
    stored = conn.execute("SELECT count(*) FROM documents WHERE job_id = %s", (job_id,))
    assert stored.fetchone() == (0,)
    assert _state(conn, url) is not None and _state(conn, url)[:2] == (200, None)  # type: ignore[index]


def test_a_new_body_that_failed_to_store_is_not_unchanged_next_time(
    settings: Settings,
    pool: db.Pool,
    conn: psycopg.Connection[Any],
    page_server: PageServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = _url_job(conn, page_server)
    first = pipeline.run_job(pool, settings, _insert(conn, url))
    assert first.outcome is pipeline.Outcome.DONE
    revised = (
        "<html><head><title>Revised</title></head><body><article>"
        "<p>The harbour board met again on Friday and changed its mind about the sea wall.</p>"
        "<p>The repair now waits until the autumn, after the pier has been looked at.</p>"
        "</article></body></html>"
    )
    page_server.add(url[len(page_server.base_url) :], revised)
    store = pipeline.store_document

    def broken(*args: Any) -> Any:
        raise RuntimeError("store broke")

    monkeypatch.setattr(pipeline, "store_document", broken)
    with pytest.raises(RuntimeError):
        pipeline.run_job(pool, settings, _insert(conn, url))
    monkeypatch.setattr(pipeline, "store_document", store)
    # The revised body was never stored: fetched again, it gives its own document.
    again = pipeline.run_job(pool, settings, _insert(conn, url))
    assert again.outcome is pipeline.Outcome.DONE
    row = conn.execute("SELECT text FROM documents WHERE id = %s", (again.document_id,))
    (text,) = row.fetchone() or ("",)
    assert "changed its mind" in text
