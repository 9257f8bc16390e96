"""The group committer's path between two INSERTs, against real PostgreSQL.

Its one backend does every insert of the API, so whatever the committer waits for between
two groups is time that backend sits idle: a group costs one round trip (no check of the
connection before it), and a group's LPUSH runs beside the next group's INSERT. A connection
the server dropped costs no request: the rows are sent again on a new one, and stored once
even when the first INSERT had committed.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from copydesk import db, queries
from copydesk.models import JobKind, NewJob
from copydesk.settings import Settings
from services.ingest.committer import GroupCommitter, Stored
from tests.integration.test_round_trips import LAG, LaggedProxy

pytestmark = pytest.mark.integration


class _Publisher:
    """Stands for TaskPublisher: records what it was given; holds each send until released."""

    def __init__(self, hold: bool = False) -> None:
        self.sent: list[list[tuple[str, list[Any]]]] = []
        self.release = asyncio.Event()
        if not hold:
            self.release.set()

    async def send(self, tasks: Sequence[tuple[str, list[Any]]]) -> bool:
        self.sent.append(list(tasks))
        await self.release.wait()
        return True


def _committer(settings: Settings, publisher: _Publisher) -> GroupCommitter:
    committer = GroupCommitter(settings, publisher)  # type: ignore[arg-type]  # duck-typed
    committer.start()
    return committer


def _texts(marker: str, count: int) -> list[NewJob]:
    return [NewJob(JobKind.TEXT, body=f"{marker} {i}") for i in range(count)]


def _stored(conn: psycopg.Connection[Any], marker: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM ingest_jobs WHERE input_body LIKE %s", (f"{marker}%",)
    ).fetchone()
    assert row is not None
    return int(row[0])


def _drop_committer_connections(database_url: str) -> int:
    """pg_terminate_backend on the group committers' sessions of the test database."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            (db.COMMITTER_APPLICATION_NAME,),
        ).fetchall()
    return len(rows)


async def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_a_groups_lpush_does_not_hold_the_next_groups_insert(
    settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    first, second = secrets.token_hex(6), secrets.token_hex(6)
    publisher = _Publisher(hold=True)

    async def run() -> tuple[Stored, Stored]:
        committer = _committer(settings, publisher)
        try:
            a = asyncio.ensure_future(committer.submit(_texts(first, 2), None))
            await _wait_for(lambda: len(publisher.sent) == 1)  # committed, LPUSH under way
            b = asyncio.ensure_future(committer.submit(_texts(second, 3), None))
            await _wait_for(lambda: _stored(conn, second) == 3)  # stored meanwhile
            assert not a.done() and not b.done()  # 202 only once enqueued (or given up)
            publisher.release.set()
            return await a, await b
        finally:
            await committer.close()

    a, b = asyncio.run(run())
    assert a.enqueued and len(a.job_ids) == 2
    assert b.enqueued and len(b.job_ids) == 3
    assert _stored(conn, first) == 2


def test_a_dropped_connection_fails_no_request_and_stores_each_row_once(
    settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    before, after = secrets.token_hex(6), secrets.token_hex(6)

    async def run() -> Stored:
        committer = _committer(settings, _Publisher())
        try:
            await committer.submit(_texts(before, 1), None)
            assert _drop_committer_connections(settings.require_database_url()) >= 1
            return await committer.submit(_texts(after, 4), None)
        finally:
            await committer.close()

    stored = asyncio.run(run())
    assert len(stored.job_ids) == 4
    assert _stored(conn, after) == 4


def test_rows_committed_before_the_connection_broke_are_not_stored_twice(
    settings: Settings, conn: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The INSERT committed, then the answer was lost with the connection: sent again on a
    new one, the same ids fail on the primary key, and the request gets its jobs."""
    marker = secrets.token_hex(6)
    jobs = _texts(marker, 3)
    ids = queries.new_job_ids(len(jobs))

    async def run() -> Stored:
        committer = _committer(settings, _Publisher())
        try:
            await committer.submit(_texts(secrets.token_hex(6), 1), None)  # connected
            monkeypatch.setattr(queries, "new_job_ids", lambda count: list(ids))
            # As if the next INSERT had committed and its answer been lost.
            with psycopg.connect(settings.require_database_url(), autocommit=True) as other:
                queries.insert_jobs(other, jobs)
            assert _drop_committer_connections(settings.require_database_url()) >= 1
            return await committer.submit(jobs, None)
        finally:
            await committer.close()

    stored = asyncio.run(run())
    assert stored.job_ids == ids
    assert _stored(conn, marker) == 3


@pytest.fixture
def lagged_settings(settings: Settings) -> Iterator[Settings]:
    """Settings whose database answers LAG seconds late (tests/integration/test_round_trips)."""
    url = settings.require_database_url()
    parts = conninfo_to_dict(url)
    proxy = LaggedProxy(str(parts.get("host") or "127.0.0.1"), int(parts.get("port") or 5432))
    try:
        yield settings.model_copy(
            update={"database_url": make_conninfo(url, host="127.0.0.1", port=proxy.port)}
        )
    finally:
        proxy.close()


def test_a_group_waits_for_postgresql_once(lagged_settings: Settings) -> None:
    """One round trip per group: the INSERT (an empty query checked the connection first)."""

    async def run() -> float:
        committer = _committer(lagged_settings, _Publisher())
        try:
            await committer.submit(_texts(secrets.token_hex(6), 1), None)  # connects
            began = time.monotonic()
            await committer.submit(_texts(secrets.token_hex(6), 2), None)
            return time.monotonic() - began
        finally:
            await committer.close()

    assert int(asyncio.run(run()) / LAG) == 1
