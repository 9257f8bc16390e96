"""process_jobs in-process: every job's deferred commit is settled, counted and logged, and a
commit that fails is recorded on its own job (review of e2e6)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

import psycopg
import pytest

from copydesk import queries
from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from copydesk.task_names import TASK_PROCESS_CHUNK
from services.worker import metrics
from services.worker.app import create_app
from tests.support import commit_refused

pytestmark = pytest.mark.integration


def _jobs(conn: psycopg.Connection[tuple[object, ...]], n: int, tag: str) -> list[UUID]:
    texts = [f"Chunk commit {tag} {i}.\n\nThe council met on item {i} of {tag}." for i in range(n)]
    ids = queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body=t) for t in texts])
    conn.commit()
    return ids


def _statuses(
    conn: psycopg.Connection[tuple[object, ...]], ids: list[UUID]
) -> list[tuple[str, str | None]]:
    rows = conn.execute(
        "SELECT status, error FROM ingest_jobs WHERE id = ANY(%(ids)s)"
        " ORDER BY array_position(%(ids)s, id)",
        {"ids": ids},
    ).fetchall()
    conn.commit()
    return [(str(s), e) for s, e in rows]


@contextmanager
def _chunk_task_of(settings: Settings) -> Iterator[object]:
    """The worker's task, run in this process; its tasks are kept from later apps (Celery
    registers every app's tasks on each app created after it)."""
    from celery import _state

    finalizers = set(_state._on_app_finalizers)
    app = create_app(settings)
    app.finalize()
    try:
        yield app.tasks[TASK_PROCESS_CHUNK]
    finally:
        _state._on_app_finalizers.intersection_update(finalizers)


@pytest.fixture(scope="module")
def chunk_task(settings: Settings) -> Iterator[object]:
    with _chunk_task_of(settings) as task:
        yield task


def test_every_job_of_a_chunk_is_counted_and_logged_once_committed(
    settings: Settings, chunk_task: object, caplog: pytest.LogCaptureFixture
) -> None:
    with psycopg.connect(settings.require_database_url()) as conn:
        ids = _jobs(conn, 3, "logged")
        done_before = metrics.JOBS.labels("done")._value.get()
        with caplog.at_level(logging.INFO, logger="services.worker.pipeline"):
            chunk_task.apply(args=[[str(i) for i in ids]]).get()  # type: ignore[attr-defined]
        assert [s for s, _ in _statuses(conn, ids)] == ["done"] * 3
    stored = [r.job_id for r in caplog.records if r.getMessage() == "document_stored"]
    assert stored == [str(i) for i in ids]  # the last one too, before the task returns
    assert metrics.JOBS.labels("done")._value.get() - done_before == 3


def test_a_commit_that_fails_in_a_chunk_fails_its_own_job_only(
    settings: Settings, chunk_task: object
) -> None:
    with psycopg.connect(settings.require_database_url(), autocommit=True) as admin:
        ids = _jobs(admin, 3, "refused")
        victim = ids[1]
        # Only the COMMIT of the middle job's store fails.
        with commit_refused(admin, victim):
            chunk_task.apply(args=[[str(i) for i in ids]]).get()  # type: ignore[attr-defined]
        statuses = _statuses(admin, ids)
    assert statuses[0] == ("done", None)
    assert statuses[2] == ("done", None)
    assert statuses[1][0] == "failed" and "commit refused" in (statuses[1][1] or "")


def test_a_soft_limit_hitting_a_real_pending_commit_still_stops_the_running_job(
    settings: Settings,
) -> None:
    """psycopg reports the interrupted wait as OperationalError('cannot exit pipeline mode
    while busy'); the running job must still see its soft limit."""
    from celery.exceptions import SoftTimeLimitExceeded

    from copydesk import db
    from copydesk.store import store_document
    from services.worker.tasks import Pending, job_deadline
    from tests.integration.test_db_pools import _document

    pool = db.create_pool(settings, synchronous_commit=False)
    failures: list[UUID] = []
    job = UUID(int=7)
    try:
        transaction = db.PipelinedTransaction(pool)
        store_document(transaction.conn, _document("A body whose commit waits behind a sleep"))
        transaction.conn.execute("SELECT pg_sleep(1)")  # unread: the COMMIT queues behind it
        transaction.send_commit()
        pending = Pending(lambda j, exc: failures.append(j))
        pending.hold(job, transaction.wait)
        with pytest.raises(SoftTimeLimitExceeded), job_deadline(0.2):
            pending.settle()
        assert failures == [job]
        with pool.connection() as conn:  # the interrupted connection was not handed out again
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    finally:
        pool.close()
