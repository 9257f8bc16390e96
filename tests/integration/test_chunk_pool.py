"""process_jobs with a pool of one database connection: the deferred commit must not starve
the next job's claim (review of e2e6). Its own module: it builds a worker app of its own, and
two live apps in one module would register the same task names twice."""

from __future__ import annotations

import logging

import psycopg
import pytest

from copydesk.settings import Settings
from tests.integration.test_chunk_commits import _chunk_task_of, _jobs

pytestmark = pytest.mark.integration


def test_a_pool_of_one_connection_settles_each_commit_before_the_next_job(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A deferred commit holds its connection: with `db_pool_max_size=1` the next job's claim
    would wait out the pool timeout, fail and be retried, so each commit is settled first."""
    single = settings.model_copy(update={"db_pool_max_size": 1, "db_pool_timeout": 1.0})
    with psycopg.connect(settings.require_database_url()) as conn:
        ids = _jobs(conn, 3, "one-connection")
        with _chunk_task_of(single) as task, caplog.at_level(logging.WARNING):
            task.apply(args=[[str(i) for i in ids]]).get()  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT status, attempts, error FROM ingest_jobs WHERE id = ANY(%(ids)s)", {"ids": ids}
        ).fetchall()
    assert sorted(rows) == [("done", 1, None)] * 3
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
