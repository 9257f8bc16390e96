"""Group commit: submissions that arrive together are stored in one transaction and
enqueued in one Redis round trip.

A 202 promises that the job rows are on disk, so every commit waits for PostgreSQL to flush
its WAL; with the round trips and Python work around it, that per-transaction cost, not the
insert itself, set the API's latency under load. The committer keeps one transaction in
flight, on the event loop: whatever arrived while it ran goes into the next one, as a single
INSERT, then one LPUSH of every submission's message. There is no timer, so a lone request
waits for nothing.

Two transactions in flight, each on its own connection (the next group's rows inserted while
the last one's WAL is flushed, fdatasync taking 3-4 ms here), were tried and dropped: the
groups got smaller, PostgreSQL's CPU per batch of 100 texts rose by 10-20%, and neither
req/s nor p99 improved on the shared two-core machine, where CPU, not the disk, is what the
requests wait for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import psycopg

from copydesk import queries
from copydesk.db import DATABASE_ERRORS, AsyncConn, connect_async
from copydesk.models import NewJob
from copydesk.settings import Settings
from services.ingest.publish import TaskPublisher, job_task

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    """A submission's job ids (committed), and whether its message reached the broker."""

    job_ids: list[str]
    enqueued: bool


@dataclass(frozen=True, slots=True)
class _Pending:
    jobs: Sequence[NewJob]
    job_ids: list[str]
    batch_id: str | None
    stored: asyncio.Future[Stored]


class GroupCommitter:
    """Stores jobs for many concurrent requests; start() it inside the running loop."""

    def __init__(self, settings: Settings, publisher: TaskPublisher) -> None:
        self._settings = settings
        self._conn: AsyncConn | None = None
        self._publisher = publisher
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="group-commit")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for pending in self._pending:
            pending.stored.cancel()
        if self._conn is not None:
            await self._conn.close()

    async def submit(self, jobs: Sequence[NewJob], batch_id: UUID | None) -> Stored:
        """Insert the jobs and commit, then enqueue them (with whatever else is waiting).

        Raises what storing raised: a database error fails every request of the group. A
        broker error fails none: the rows are committed, and the sweeper re-sends them.
        """
        stored: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        job_ids = queries.new_job_ids(len(jobs))
        batch = None if batch_id is None else str(batch_id)
        self._pending.append(_Pending(jobs, job_ids, batch, stored))
        self._wake.set()
        return await stored

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            group, self._pending = self._pending, []
            try:
                await self._commit(group)
            except Exception as exc:  # never let the loop die, nor a request wait forever
                logger.exception("group_commit_failed", extra={"requests": len(group)})
                _fail(group, exc)

    async def _commit(self, group: list[_Pending]) -> None:
        try:
            await self._insert(group)
        except DATABASE_ERRORS as exc:
            _fail(group, exc)
            return
        except Exception as exc:
            if len(group) == 1:
                _fail(group, exc)
                return
            # Not the database's fault: one request's rows were refused. Store each request
            # alone so that only that one fails.
            for pending in group:
                await self._commit([pending])
            return
        enqueued = await self._publisher.send([job_task(p.job_ids) for p in group])
        for pending in group:
            if not pending.stored.done():  # its request may have been cancelled
                pending.stored.set_result(Stored(pending.job_ids, enqueued))

    async def _insert(self, group: list[_Pending]) -> None:
        ids = [job_id for p in group for job_id in p.job_ids]
        jobs = [job for p in group for job in p.jobs]
        batch_ids = [p.batch_id for p in group for _ in p.jobs]
        conn = await self._connection()
        try:
            # One statement in autocommit mode: committed (on disk) when it returns.
            await queries.insert_jobs_async(conn, ids, jobs, batch_ids)
        except DATABASE_ERRORS:
            await conn.close()  # the next group connects afresh
            raise

    async def _connection(self) -> AsyncConn:
        """The open connection once it answers, else a new one. A connection the server
        dropped (restart, pg_terminate_backend) only shows it when used: an empty query
        finds out first, as psycopg_pool's check does, so no request fails for it. While
        the database is down, every group tries to connect anew (no back-off to wait out)
        and fails with OperationalError."""
        if self._conn is not None and not self._conn.closed:
            try:
                await self._conn.execute("")
                return self._conn
            except psycopg.OperationalError:
                await self._conn.close()
        self._conn = await connect_async(self._settings)
        return self._conn


def _fail(group: list[_Pending], exc: BaseException) -> None:
    for pending in group:
        if not pending.stored.done():
            pending.stored.set_exception(exc)
