"""PostgreSQL connections: one pool per process, and applying schema.sql."""

from __future__ import annotations

from importlib import resources
from typing import TypeAlias

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


def create_pool(settings: Settings, *, synchronous_commit: bool = True) -> Pool:
    """Open the process's connection pool and wait until one connection works.

    `synchronous_commit=False` (the workers) lets a commit return before its WAL record
    is flushed to disk. A crash of PostgreSQL can then lose the last few hundred
    milliseconds of commits, but never corrupts anything, and every worker write is
    redone: a job whose claim or "done" was lost is still queued or running, and the
    sweeper runs it again. Transactions that write documents opt back in
    (`queries.commit_durably`): what a reader's change feed has seen must survive a crash.
    The API keeps the default: a 202 promises that the job row is on disk.
    """
    options = {} if synchronous_commit else {"options": "-c synchronous_commit=off"}
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
        check=ConnectionPool.check_connection,
    )
    pool.open(wait=True, timeout=POOL_OPEN_TIMEOUT)
    return pool


async def connect_async(settings: Settings) -> AsyncConn:
    """One asyncio connection in autocommit mode, for the API's group commit: its single
    INSERT statement is a transaction by itself, committed durably (synchronous_commit on)
    in one round trip."""
    return await psycopg.AsyncConnection.connect(
        settings.require_database_url(),
        autocommit=True,
        # libpq takes whole seconds, and treats anything below 2 as 2.
        connect_timeout=max(2, round(settings.db_pool_timeout)),
    )


def apply_schema(database_url: str) -> None:
    """Apply schema.sql; safe to run again and from several processes at once."""
    with psycopg.connect(database_url) as conn:
        queries.lock_schema(conn)
        # The whole file in one simple-protocol call: it holds DDL and a DO block, no values.
        conn.execute(read_schema().encode())
