"""PostgreSQL connections: one pool per process, and applying schema.sql."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from importlib import resources
from time import monotonic
from typing import TypeAlias
from weakref import WeakKeyDictionary

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from copydesk import queries
from copydesk.settings import Settings

Pool: TypeAlias = "ConnectionPool[psycopg.Connection[TupleRow]]"
AsyncConn: TypeAlias = "psycopg.AsyncConnection[TupleRow]"

# Seconds to wait for the first connection before giving up on a misconfigured URL.
POOL_OPEN_TIMEOUT = 15.0
# What a lost or unreachable database raises: worth retrying, not a reason to fail a job.
DATABASE_ERRORS: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)


def read_schema() -> str:
    """The text of schema.sql, read from the installed package (the root file links to it)."""
    return resources.files("copydesk").joinpath("schema.sql").read_text(encoding="utf-8")


class _RecentlyReturned:
    """Skips the pool's liveness check (an empty query: one round trip) for a connection
    given back less than `seconds` ago.

    A worker takes a connection three times per job, a few milliseconds apart; checking it
    each time cost a round trip to PostgreSQL, and a wakeup of its backend, per use. One
    the server dropped in between (a restart) fails the statement instead: a worker's
    job is then put back in the queue and tried again (services/worker/tasks.py).
    """

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._returned: WeakKeyDictionary[psycopg.Connection[TupleRow], float] = WeakKeyDictionary()

    def returned(self, conn: psycopg.Connection[TupleRow]) -> None:
        self._returned[conn] = monotonic()

    def check(self, conn: psycopg.Connection[TupleRow]) -> None:
        if monotonic() - self._returned.get(conn, -math.inf) >= self._seconds:
            ConnectionPool.check_connection(conn)


def create_pool(
    settings: Settings, *, synchronous_commit: bool = True, recheck_after: float = 0.0
) -> Pool:
    """Open the process's connection pool and wait until one connection works.

    `synchronous_commit=False` (the workers) lets a commit return before its WAL record
    is flushed to disk. A crash of PostgreSQL can then lose the last few hundred
    milliseconds of commits, but never corrupts anything, and every worker write is
    redone: a job whose claim or "done" was lost is still queued or running, and the
    sweeper runs it again. Transactions that write documents opt back in
    (`queries.commit_durably`): what a reader's change feed has seen must survive a crash.
    The API keeps the default: a 202 promises that the job row is on disk.

    Connections are checked when handed out, unless given back less than `recheck_after`
    seconds ago (see `_RecentlyReturned`).
    """
    options = {} if synchronous_commit else {"options": "-c synchronous_commit=off"}
    recent = _RecentlyReturned(recheck_after)
    pool: Pool = ConnectionPool(
        settings.require_database_url(),
        kwargs=options,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        timeout=settings.db_pool_timeout,
        open=False,
        name="copydesk",
        # A connection the server dropped (restart, pg_terminate_backend) is replaced when
        # it is handed out instead of failing the request or task that gets it.
        check=recent.check,
        reset=recent.returned,
    )
    pool.open(wait=True, timeout=POOL_OPEN_TIMEOUT)
    return pool


@contextmanager
def autocommit(pool: Pool) -> Iterator[psycopg.Connection[TupleRow]]:
    """A pooled connection on which each statement commits by itself.

    For a few statements that need not be atomic together (a job's claim, a fetch's log
    rows): psycopg would open a transaction with a BEGIN of its own and end it with a
    COMMIT, two round trips more, each a wait for PostgreSQL's backend to be scheduled.
    """
    with pool.connection() as conn:
        conn.autocommit = True
        try:
            yield conn
        finally:
            # Refused only mid-statement (an exception raised inside a query), when the pool
            # closes the connection anyway instead of handing it out again.
            with suppress(psycopg.Error):
                conn.autocommit = False


@contextmanager
def pipelined_transaction(pool: Pool) -> Iterator[psycopg.Connection[TupleRow]]:
    """A transaction whose statements travel in a pipeline: one round trip per result read.

    Statements whose results the caller does not read wait for the next one it does, or
    for the commit, and go with it. psycopg would wait for the answer to its own BEGIN and
    again for its COMMIT (each sent with a Sync of its own, even in a pipeline), so the
    transaction is begun and committed as plain statements on an autocommit connection.
    """
    with commit_sent(pool) as transaction:
        yield transaction.conn
    transaction.wait()


@contextmanager
def commit_sent(pool: Pool) -> Iterator[PipelinedTransaction]:
    """A `PipelinedTransaction` whose COMMIT is sent when the block ends (rolled back if it
    raises); the caller reads the outcome with `wait` when it chooses."""
    transaction = PipelinedTransaction(pool)
    try:
        yield transaction
        transaction.send_commit()
    except BaseException as exc:
        transaction.abort(exc)
        raise


class PipelinedTransaction:
    """`pipelined_transaction` in two steps: `send_commit` sends the COMMIT, `wait` reads how
    it went (raising if it failed) and gives the connection back to the pool.

    In between, the caller can do other work: a durable commit's wait for the disk then
    overlaps it instead of adding to it. Until `wait` returns nothing may count the
    transaction as committed; `abort` rolls it back instead.
    """

    def __init__(self, pool: Pool) -> None:
        self._stack = ExitStack()
        self._stack.__enter__()
        try:
            self.conn = self._stack.enter_context(autocommit(pool))
            self._stack.push(self._rollback_on_error)
            self._stack.enter_context(self.conn.pipeline())
            self.conn.execute("BEGIN")
        except BaseException as exc:
            self.abort(exc)
            raise

    def send_commit(self) -> None:
        """Send the COMMIT (PostgreSQL runs it on arrival); its answer is read by `wait`."""
        self.conn.execute("COMMIT")

    def wait(self) -> None:
        """The COMMIT's outcome: returns once it is done, raises if the transaction failed."""
        self._stack.close()

    def abort(self, exc: BaseException) -> None:
        """Leave the transaction (rolled back) after `exc`, the connection back in the pool."""
        self._stack.__exit__(type(exc), exc, exc.__traceback__)

    def _rollback_on_error(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> bool:
        # The connection goes back to the pool, which expects no open transaction.
        if exc_type is not None:
            with suppress(psycopg.Error):
                self.conn.rollback()
        return False


# How the group committer's session shows in pg_stat_activity.
COMMITTER_APPLICATION_NAME = "copydesk-ingest-commit"


async def connect_async(settings: Settings) -> AsyncConn:
    """One asyncio connection in autocommit mode, for the API's group commit: its single
    INSERT statement is a transaction by itself, committed durably (synchronous_commit on)
    in one round trip. Its writes are handed to the disk as they go, so that a checkpoint
    does not stall the commits (queries.prepare_ingest_session)."""
    conn = await psycopg.AsyncConnection.connect(
        settings.require_database_url(),
        autocommit=True,
        application_name=COMMITTER_APPLICATION_NAME,
        # libpq takes whole seconds, and treats anything below 2 as 2.
        connect_timeout=max(2, round(settings.db_pool_timeout)),
    )
    try:
        await queries.prepare_ingest_session(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


def apply_schema(database_url: str) -> None:
    """Apply schema.sql; safe to run again and from several processes at once."""
    with psycopg.connect(database_url) as conn:
        queries.lock_schema(conn)
        # The whole file in one simple-protocol call: it holds DDL and a DO block, no values.
        conn.execute(read_schema().encode())
