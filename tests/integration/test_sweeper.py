"""Jobs whose message was lost or whose worker died are picked up again by beat's sweeper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from copydesk import db, queries
from copydesk.models import Delivery, JobKind, JobStatus, NewJob
from copydesk.settings import Settings
from services.worker.pipeline import (
    IDEMPOTENCY_PURGE_GRACE_SECONDS,
    purge_idempotency_keys,
    summarize_job_ranges,
    sweep_stale_jobs,
)
from tests.support import Service, settings_env, start_service, stop_process

pytestmark = pytest.mark.integration

WaitJob = Callable[[httpx.Client, str], dict[str, Any]]


def _insert_stale(conn: psycopg.Connection[Any], job: NewJob, status: str, attempts: int) -> UUID:
    """A job row that was never enqueued (or whose worker vanished) an hour ago."""
    (job_id,) = queries.insert_jobs(conn, [job])
    conn.execute(
        """
        UPDATE ingest_jobs
        SET status = %(status)s, attempts = %(attempts)s,
            updated_at = now() - interval '1 hour',
            started_at = CASE WHEN %(status)s = 'running' THEN now() - interval '1 hour' END
        WHERE id = %(id)s
        """,
        {"id": job_id, "status": status, "attempts": attempts},
    )
    return job_id


@pytest.fixture
def pool(settings: Settings) -> Iterator[db.Pool]:
    pool = db.create_pool(settings)
    yield pool
    pool.close()


def test_sweep_requeues_lost_jobs_and_fails_exhausted_ones(
    pool: db.Pool, settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    lost = _insert_stale(conn, NewJob(JobKind.TEXT, body="lost message"), "queued", 0)
    died = _insert_stale(conn, NewJob(JobKind.TEXT, body="dead worker"), "running", 1)
    spent = _insert_stale(
        conn, NewJob(JobKind.TEXT, body="dead every time"), "running", settings.job_max_attempts
    )
    fresh = queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body="just posted")])[0]
    requeue, failed = sweep_stale_jobs(pool, settings)
    assert {lost, died} <= set(requeue) and fresh not in requeue
    assert spent in failed and spent not in requeue
    rows = dict(
        conn.execute(
            "SELECT id, status FROM ingest_jobs WHERE id = ANY(%(ids)s)",
            {"ids": [lost, died, spent, fresh]},
        ).fetchall()
    )
    assert rows == {lost: "queued", died: "queued", spent: "failed", fresh: "queued"}
    # Swept jobs are fresh again: a second sweep right away finds nothing of them.
    again, _ = sweep_stale_jobs(pool, settings)
    assert lost not in again and died not in again


def test_beat_gets_a_lost_job_done(
    settings: Settings,
    client: httpx.Client,
    wait_job: WaitJob,
    conn: psycopg.Connection[Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    job_id = _insert_stale(conn, NewJob(JobKind.TEXT, body="Nobody enqueued me."), "queued", 0)
    beat_settings = settings.model_copy(update={"sweep_interval_seconds": 0.5})
    log = tmp_path_factory.mktemp("beat") / "beat.log"
    beat: Service = start_service(["beat"], settings_env(beat_settings), log)
    try:
        job = wait_job(client, str(job_id))
    finally:
        stop_process(beat.proc)
    assert job["status"] == "done", (job, log.read_text()[-3000:])


def test_only_the_dead_workers_redelivered_message_takes_a_running_job_over(
    conn: psycopg.Connection[Any],
) -> None:
    (job_id,) = queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body="kills its worker")])
    stale, max_attempts = 3600, 3

    def claim(task: str, redelivered: bool) -> int | None:
        job = queries.claim_job(
            conn, job_id, stale, max_attempts, Delivery(task, redelivered=redelivered)
        )
        return job.attempts if job else None

    assert claim("first", redelivered=False) == 1
    # A duplicate message, or another message's redelivery, leaves the running job alone.
    assert claim("first", redelivered=False) is None
    assert claim("other", redelivered=True) is None
    # The broker handing the claiming message out again means its worker died.
    assert claim("first", redelivered=True) == 2
    assert claim("first", redelivered=True) == 3
    assert claim("first", redelivered=True) is None
    spent = Delivery("first", redelivered=True)
    assert queries.fail_spent_job(conn, job_id, stale, max_attempts, spent) == max_attempts
    job = queries.get_job(conn, job_id)
    assert job is not None and job.status is JobStatus.FAILED
    assert job.error is not None and "gave up after 3 attempts" in job.error


def test_sweep_leaves_a_job_claimed_since_it_was_listed(
    settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    job_id = _insert_stale(conn, NewJob(JobKind.TEXT, body="message came late"), "queued", 0)
    stale = settings.stale_job_seconds
    assert job_id in queries.stale_job_ids(conn, stale, 10_000)
    # The late message reaches a worker between the sweeper's listing and its update.
    job = queries.claim_job(conn, job_id, stale, settings.job_max_attempts, Delivery("late"))
    assert job is not None and job.status is JobStatus.RUNNING
    assert queries.requeue_stale_job(conn, job_id, stale) is False
    job = queries.get_job(conn, job_id)
    assert job is not None and job.status is JobStatus.RUNNING
    # Once the claim has gone stale too (its worker died), it is requeued.
    conn.execute(
        "UPDATE ingest_jobs SET updated_at = now() - interval '1 hour' WHERE id = %(id)s",
        {"id": job_id},
    )
    assert queries.requeue_stale_job(conn, job_id, stale) is True
    job = queries.get_job(conn, job_id)
    assert job is not None and job.status is JobStatus.QUEUED


def test_a_job_spent_by_database_errors_says_so(
    pool: db.Pool, settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    # release_job leaves a job whose attempt met a database error queued, attempts counted.
    attempts = settings.job_max_attempts
    job_id = _insert_stale(conn, NewJob(JobKind.TEXT, body="db went away"), "queued", attempts)
    _, failed = sweep_stale_jobs(pool, settings)
    assert job_id in failed
    job = queries.get_job(conn, job_id)
    assert job is not None and job.status is JobStatus.FAILED
    assert (
        job.error
        == f"gave up after {attempts} attempts: the last one was cut short by a database error"
    )


def test_sweep_deletes_long_expired_idempotency_keys_only(
    pool: db.Pool, settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    ttl = settings.idempotency_ttl_seconds
    ages = {"purge-me": ttl + 2 * IDEMPOTENCY_PURGE_GRACE_SECONDS, "expired-recently": ttl + 60}
    ages["live"] = 10
    for key, age in ages.items():
        conn.execute(
            """
            INSERT INTO idempotency_keys (client, key, endpoint, request_sha256, created_at)
            VALUES ('sweeper-test', %(key)s, '/v1/documents', repeat('a', 64),
                    now() - make_interval(secs => %(age)s))
            ON CONFLICT (client, key) DO UPDATE SET created_at = EXCLUDED.created_at
            """,
            {"key": key, "age": age},
        )
    assert purge_idempotency_keys(pool, settings) >= 1
    left = conn.execute(
        "SELECT key FROM idempotency_keys WHERE client = 'sweeper-test' ORDER BY key"
    ).fetchall()
    # An expired record is still readable for the grace period (the claim takes it over).
    assert [row[0] for row in left] == ["expired-recently", "live"]


def test_sweep_summarizes_the_job_ranges_added_since_the_last(
    pool: db.Pool, conn: psycopg.Connection[Any]
) -> None:
    """The stats' submission-time index (BRIN) covers new rows after a sweep, even on a server
    without autovacuum: nothing is left for PostgreSQL's own summarization to do."""
    summarize_job_ranges(pool)
    body = "Filler paragraph of a job body. " * 40  # ~1.3 kB: 6 rows a page
    queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body=body)] * 800)  # 4+ ranges of 32 pages
    assert summarize_job_ranges(pool) >= 1
    row = conn.execute(
        "SELECT brin_summarize_new_values('ingest_jobs_created_brin'::regclass)"
    ).fetchone()
    assert row == (0,)
