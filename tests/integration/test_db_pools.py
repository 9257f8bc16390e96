"""The worker's pool commits without waiting for the disk, except when it stores documents."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from copydesk import db, queries
from copydesk.extract.fingerprint import content_sha256
from copydesk.models import Document, JobKind, NewJob
from copydesk.settings import Settings
from copydesk.store import store_document
from services.worker.context import WorkerContext

pytestmark = pytest.mark.integration


def test_only_the_worker_pool_skips_synchronous_commit(settings: Settings) -> None:
    context = WorkerContext(settings)
    api_pool = db.create_pool(settings)
    try:
        with context.pool().connection() as conn:
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
        with api_pool.connection() as conn:
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
    finally:
        context.close()
        api_pool.close()


def test_the_api_insert_connection_hands_its_writes_to_the_disk_as_it_goes(
    settings: Settings,
) -> None:
    """The group committer's connection asks the kernel to write the pages it evicts every
    256 kB (no burst for a checkpoint's fsync to wait on)."""

    async def setting() -> tuple[Any, ...] | None:
        conn = await db.connect_async(settings)
        async with conn:
            return await (await conn.execute("SHOW backend_flush_after")).fetchone()

    assert asyncio.run(setting()) == ("256kB",)


def _document(words: str) -> Document:
    paragraphs = (f"{words} {secrets.token_hex(8)}.",)
    return Document(
        source_kind=JobKind.TEXT,
        text=paragraphs[0],
        paragraphs=paragraphs,
        content_sha256=content_sha256(paragraphs),
        word_count=len(paragraphs[0].split()),
        extractor="test",
    )


def _stored(settings: Settings, doc: Document) -> int:
    with psycopg.connect(settings.require_database_url()) as conn:
        row = conn.execute(
            "SELECT count(*) FROM documents WHERE content_sha256 = %(sha)s",
            {"sha": doc.content_sha256},
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_transaction_that_stores_a_document_commits_durably(settings: Settings) -> None:
    """A document a feed reader may already have seen must not vanish in a crash."""
    context = WorkerContext(settings)
    doc = _document("A durable body for the feed")
    try:
        with context.pool().connection() as conn:
            store_document(conn, doc)
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
            conn.commit()
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
    finally:
        context.close()


@pytest.mark.parametrize(("recheck_after", "checks"), [(60.0, 1), (0.0, 2)])
def test_a_connection_given_back_lately_is_handed_out_unchecked(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, recheck_after: float, checks: int
) -> None:
    """The check is a round trip per use; a worker uses its connection three times a job."""
    checked: list[object] = []
    real = ConnectionPool.check_connection

    def counting(conn: psycopg.Connection[Any]) -> None:
        checked.append(conn)
        real(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counting))
    pool = db.create_pool(settings, recheck_after=recheck_after)
    try:
        for _ in range(2):
            with pool.connection() as conn:
                conn.execute("SELECT 1")
    finally:
        pool.close()
    assert len(checked) == checks


def test_autocommit_statements_commit_alone_and_the_connection_goes_back_as_it_was(
    settings: Settings,
) -> None:
    """A claim needs no BEGIN/COMMIT round trips; the next user of the connection expects a
    transaction, as every other pooled connection gives."""
    one = settings.model_copy(update={"db_pool_min_size": 1, "db_pool_max_size": 1})
    pool = db.create_pool(one)
    try:
        with db.autocommit(pool) as conn:
            conn.execute("SELECT 1")
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with pool.connection() as conn:
            conn.execute("SELECT 1")
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    finally:
        pool.close()


def test_a_pipelined_transaction_commits_durably_and_gives_the_connection_back_as_it_was(
    settings: Settings,
) -> None:
    one = settings.model_copy(update={"db_pool_min_size": 1, "db_pool_max_size": 1})
    pool = db.create_pool(one, synchronous_commit=False)
    doc = _document("A pipelined body")
    try:
        with db.pipelined_transaction(pool) as conn:
            store_document(conn, doc)
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
        assert _stored(settings, doc) == 1
        with pool.connection() as conn:
            assert not conn.autocommit
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
    finally:
        pool.close()


def test_a_pipelined_transaction_that_raises_stores_nothing_and_leaves_no_transaction_open(
    settings: Settings,
) -> None:
    one = settings.model_copy(update={"db_pool_min_size": 1, "db_pool_max_size": 1})
    pool = db.create_pool(one)
    doc = _document("A body never committed")
    try:
        with pytest.raises(RuntimeError), db.pipelined_transaction(pool) as conn:
            store_document(conn, doc)
            raise RuntimeError("the job failed after its insert")
        assert _stored(settings, doc) == 0
        with pool.connection() as conn:
            assert not conn.autocommit
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    finally:
        pool.close()


def test_a_statement_failing_unread_in_a_pipelined_transaction_undoes_the_store(
    settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    """The worker marks its job done without reading the answer: an error there surfaces only
    with the COMMIT, after the document's statements ran. Then neither the document nor the
    job's state may be committed, and the connection (whose statements psycopg had prepared
    by then) must serve the next store."""
    one = settings.model_copy(update={"db_pool_min_size": 1, "db_pool_max_size": 1})
    pool = db.create_pool(one, synchronous_commit=False)
    (job_id,) = queries.insert_jobs(conn, [NewJob(JobKind.TEXT, body="A job never done.")])
    try:
        for n in range(6):  # past psycopg's prepare threshold (5)
            with db.pipelined_transaction(pool) as tx:
                store_document(tx, _document(f"A body stored before the failure {n}"))
        lost = _document("A body whose job cannot be marked done")
        with (
            pytest.raises(psycopg.errors.ForeignKeyViolation),
            db.pipelined_transaction(pool) as tx,
        ):
            store_document(tx, lost)
            queries.mark_job_done(tx, job_id, -1)  # no such document
        assert _stored(settings, lost) == 0
        status = conn.execute("SELECT status FROM ingest_jobs WHERE id = %(id)s", {"id": job_id})
        assert status.fetchone() == ("queued",)
        with pool.connection() as again:
            assert not again.autocommit
            assert again.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        after = _document("A body stored after the failure")
        with db.pipelined_transaction(pool) as tx:
            store_document(tx, after)
        assert _stored(settings, after) == 1
    finally:
        pool.close()


@pytest.fixture
def pool_of_one(settings: Settings) -> Iterator[db.Pool]:
    """A worker's pool (asynchronous commits by default) of a single connection."""
    one = settings.model_copy(update={"db_pool_min_size": 1, "db_pool_max_size": 1})
    pool = db.create_pool(one, synchronous_commit=False)
    yield pool
    pool.close()


def test_a_commit_sent_runs_before_its_outcome_is_read(
    settings: Settings, pool_of_one: db.Pool
) -> None:
    """PostgreSQL commits on arrival: the wait for the disk overlaps what the worker does
    before `wait`. The outcome read, the connection is back in the pool as it was."""
    doc = _document("A body committed while the worker goes on")
    transaction = db.PipelinedTransaction(pool_of_one)
    store_document(transaction.conn, doc)
    transaction.send_commit()
    deadline = time.monotonic() + 10
    while _stored(settings, doc) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _stored(settings, doc) == 1
    transaction.wait()
    with pool_of_one.connection() as conn:
        assert not conn.autocommit
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_a_failure_in_a_sent_transaction_is_raised_by_wait_and_nothing_is_committed(
    settings: Settings, pool_of_one: db.Pool
) -> None:
    doc = _document("A body whose transaction fails unread")
    transaction = db.PipelinedTransaction(pool_of_one)
    store_document(transaction.conn, doc)
    transaction.conn.execute("SELECT 1 / 0")  # its answer is not read
    transaction.send_commit()
    with pytest.raises(psycopg.errors.DivisionByZero):
        transaction.wait()
    assert _stored(settings, doc) == 0
    with pool_of_one.connection() as conn:
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
