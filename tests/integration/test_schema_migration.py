"""schema.sql migrates a database made by an earlier schema, and applies twice cleanly."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from copydesk import db, queries
from copydesk.store import StoreAction, store_document
from tests.integration.test_store import doc, page_url, story
from tests.support import DEFAULT_TEST_DATABASE_URL

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
