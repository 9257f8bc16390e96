"""schema.sql migrates a database made by an earlier schema, and applies twice cleanly."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb

from copydesk import db, queries
from copydesk.extract.fingerprint import content_sha256
from copydesk.store import StoreAction, store_document
from tests.integration.test_store import doc, page_url, story, variant
from tests.support import DEFAULT_TEST_DATABASE_URL, REPO, child_env, copydesk_command

pytestmark = pytest.mark.integration

# schema.sql as main had it before versions and clusters (issue 7), frozen.
OLD_SCHEMA = Path(__file__).parent / "data" / "schema_main_2026-11-29.sql"


@pytest.fixture
def empty_database() -> Iterator[str]:
    admin_url = os.environ.get("COPYDESK_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    name = f"copydesk_migrate_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        queries.create_database(conn, name)
    try:
        yield make_conninfo(admin_url, dbname=name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            queries.drop_database(conn, name)


def _columns(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
            """
        ).fetchall()


def test_schema_applies_over_the_previous_one_and_twice(empty_database: str) -> None:
    with psycopg.connect(empty_database) as conn:
        conn.execute(OLD_SCHEMA.read_bytes())
        conn.commit()
        row = conn.execute(  # a row with only the columns the old schema has
            """
            INSERT INTO documents (source_kind, text, paragraphs, content_sha256, word_count,
                                   extractor)
            VALUES ('text', 'Old body.', '["Old body."]', repeat('a', 64), 2, 'test')
            RETURNING id
            """
        ).fetchone()
        assert row is not None
        old_id = row[0]
        conn.commit()

    db.apply_schema(empty_database)
    migrated = _columns(empty_database)
    db.apply_schema(empty_database)
    assert _columns(empty_database) == migrated

    with psycopg.connect(empty_database) as conn:
        got = conn.execute(
            "SELECT version, cluster_id IS NOT NULL, url_key FROM documents WHERE id = %s",
            (old_id,),
        ).fetchone()
        assert got == (1, True, None)
        url = page_url()
        assert store_document(conn, doc(story(), url)).action is StoreAction.INSERTED
        conn.commit()
        assert store_document(conn, doc(story(), url)).action is StoreAction.REVISED
        conn.commit()


def test_fresh_schema_matches_the_migrated_one(empty_database: str, database_url: str) -> None:
    db.apply_schema(empty_database)
    db.apply_schema(empty_database)
    assert _columns(empty_database) == _columns(database_url)


def _insert_old(conn: psycopg.Connection[Any], paragraphs: list[str], url: str | None) -> int:
    """A row as the old schema's store wrote it (no url_key, signature or cluster)."""
    row = conn.execute(
        """
        INSERT INTO documents (source_kind, source_url, final_url, text, paragraphs,
                               content_sha256, word_count, extractor)
        VALUES (%(kind)s, %(url)s, %(url)s, %(text)s, %(paragraphs)s, %(sha)s, 1, 'test')
        RETURNING id
        """,
        {
            "kind": "url" if url else "text",
            "url": url,
            "text": "\n\n".join(paragraphs),
            "paragraphs": Jsonb(paragraphs),
            "sha": content_sha256(paragraphs),
        },
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_backfill_gives_old_rows_their_page_and_cluster(empty_database: str) -> None:
    url, original = page_url(), story()
    with psycopg.connect(empty_database) as conn:
        conn.execute(OLD_SCHEMA.read_bytes())
        older = _insert_old(conn, story(), url)
        newer = _insert_old(conn, original, url)  # the same page, fetched again later
        copy = _insert_old(conn, variant(original, 3), page_url())
        pasted = _insert_old(conn, story(), None)
        conn.commit()
    db.apply_schema(empty_database)

    env = child_env({"COPYDESK_DATABASE_URL": empty_database})
    run = [*copydesk_command("db", "backfill")]
    done = subprocess.run(run, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "4 documents backfilled" in done.stderr, done.stderr
    again = subprocess.run(run, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "0 documents backfilled" in again.stderr

    with psycopg.connect(empty_database) as conn:
        rows = dict(
            (r[0], r[1:])
            for r in conn.execute(
                "SELECT id, url_key, cluster_id, minhash IS NOT NULL FROM documents"
            )
        )
        assert rows[newer][0] == url and rows[older][0] is None and rows[pasted][0] is None
        assert all(r[2] for r in rows.values())
        assert rows[newer][1] == rows[copy][1] != rows[older][1]
        stored = store_document(conn, doc(story(), url))
        assert (stored.document_id, stored.action) == (newer, StoreAction.REVISED)


def _job_indexes(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ingest_jobs'"
        ).fetchall()
    return dict(rows)


def test_job_indexes_and_body_compression_migrate_from_the_previous_schema(
    empty_database: str, database_url: str
) -> None:
    """The document index holds only jobs with a document (the old one, over every row, is
    dropped), submission times are indexed by BRIN (the B-tree is dropped), and pasted bodies
    are compressed with lz4, on an upgraded database as on a fresh one."""
    with psycopg.connect(empty_database) as conn:
        conn.execute(OLD_SCHEMA.read_bytes())
        # What schema.sql had until 2026-11-30 (after the frozen copy was taken).
        conn.execute("CREATE INDEX ingest_jobs_created_idx ON ingest_jobs (created_at)")
        conn.commit()
    assert {"ingest_jobs_document_idx", "ingest_jobs_created_idx"} <= set(
        _job_indexes(empty_database)
    )
    db.apply_schema(empty_database)
    db.apply_schema(empty_database)
    indexes = _job_indexes(empty_database)
    assert "ingest_jobs_document_idx" not in indexes
    assert "ingest_jobs_created_idx" not in indexes
    assert indexes["ingest_jobs_document_id_idx"].endswith("WHERE (document_id IS NOT NULL)")
    assert "USING brin (created_at)" in indexes["ingest_jobs_created_brin"]
    assert indexes == _job_indexes(database_url)
    for url in (empty_database, database_url):
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'ingest_jobs'::regclass AND attname = 'input_body'"
            ).fetchone()
        assert row == ("l",)
