"""The worker's pool commits without waiting for the disk, except when it stores documents."""

from __future__ import annotations

import secrets

import pytest

from copydesk import db
from copydesk.extract.fingerprint import content_sha256
from copydesk.models import Document, JobKind
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


def test_a_transaction_that_stores_a_document_commits_durably(settings: Settings) -> None:
    """A document a feed reader may already have seen must not vanish in a crash."""
    context = WorkerContext(settings)
    paragraphs = (f"A durable body {secrets.token_hex(8)} for the feed.",)
    doc = Document(
        source_kind=JobKind.TEXT,
        text=paragraphs[0],
        paragraphs=paragraphs,
        content_sha256=content_sha256(paragraphs),
        word_count=len(paragraphs[0].split()),
        extractor="test",
    )
    try:
        with context.pool().connection() as conn:
            store_document(conn, doc)
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
            conn.commit()
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
    finally:
        context.close()
