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

The committer's I/O shares the event loop with the requests it serves: each time it waits for
an answer, it resumes only once the loop has run whatever became ready meanwhile (each batch of
100 texts costs the loop ~1.3 ms of CPU). So every wait between two groups' INSERTs is time
the single backend that does all the inserts sits idle, and the group's rows wait. Two such
waits were taken off that path: the empty query that checked the connection before every
group (a dropped connection now shows when the INSERT fails, which is then sent once more on
a fresh one), and the LPUSH, which now runs beside the next group's INSERT. With batches of
100 texts at 32 clients, the backend's idle share fell from 38-39% to 19-20% (docs/measurements.md).
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

_PRIMARY_KEY = "ingest_jobs_pkey"


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
        self._publishing: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="group-commit")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        # Their rows are committed: let them enqueue (bounded by the publisher's timeouts).
        await asyncio.gather(*self._publishing, return_exceptions=True)
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
                stored = await self._commit(group)
            except Exception as exc:  # never let the loop die, nor a request wait forever
                logger.exception("group_commit_failed", extra={"requests": len(group)})
                _fail(group, exc)
                continue
            if stored:
                # The next group's INSERT need not wait for this one's LPUSH.
                task = asyncio.create_task(self._publish(stored))
                self._publishing.add(task)
                task.add_done_callback(self._publishing.discard)

    async def _commit(self, group: list[_Pending]) -> list[_Pending]:
        """Store the group's jobs; the requests whose rows are committed (the others fail)."""
        try:
            await self._insert(group)
        except DATABASE_ERRORS as exc:
            _fail(group, exc)
            return []
        except Exception as exc:
            if len(group) == 1:
                _fail(group, exc)
                return []
            # Not the database's fault: one request's rows were refused. Store each request
            # alone so that only that one fails.
            stored = []
            for pending in group:
                stored += await self._commit([pending])
            return stored
        return group

    async def _publish(self, group: list[_Pending]) -> None:
        enqueued = False
        try:
            enqueued = await self._publisher.send([job_task(p.job_ids) for p in group])
        except Exception:  # a task's exception would otherwise only be seen by asyncio
            logger.exception("enqueue_failed", extra={"requests": len(group)})
        finally:  # committed whatever happened here: the sweeper enqueues what was not
            for pending in group:
                if not pending.stored.done():  # its request may have been cancelled
                    pending.stored.set_result(Stored(pending.job_ids, enqueued))

    async def _insert(self, group: list[_Pending]) -> None:
        ids = [job_id for p in group for job_id in p.job_ids]
        jobs = [job for p in group for job in p.jobs]
        batch_ids = [p.batch_id for p in group for _ in p.jobs]
        reused = self._conn is not None and not self._conn.closed
        conn = await self._connection()
        try:
            # One statement in autocommit mode: committed (on disk) when it returns.
            await queries.insert_jobs_async(conn, ids, jobs, batch_ids)
            return
        except DATABASE_ERRORS:
            dropped = reused and conn.broken
            await conn.close()  # the next group connects afresh
            if not dropped:
                raise
        # The server dropped the connection (a restart, pg_terminate_backend), maybe while
        # it sat idle: send the rows once more on a new one. Had the first INSERT committed
        # before the connection broke, the same ids make the second one fail on the primary
        # key, all of it (one statement): the rows are stored once either way.
        conn = await self._connection()
        try:
            await queries.insert_jobs_async(conn, ids, jobs, batch_ids)
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != _PRIMARY_KEY:
                raise
        except DATABASE_ERRORS:
            await conn.close()
            raise

    async def _connection(self) -> AsyncConn:
        """The open connection, else a new one. While the database is down, every group
        tries to connect anew (no back-off to wait out) and fails with OperationalError."""
        if self._conn is None or self._conn.closed:
            self._conn = await connect_async(self._settings)
        return self._conn


def _fail(group: list[_Pending], exc: BaseException) -> None:
    for pending in group:
        if not pending.stored.done():
            pending.stored.set_exception(exc)
