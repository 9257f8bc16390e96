"""The job INSERT's arrays, built in PostgreSQL's binary format by copydesk.queries (instead
of psycopg's per-element dumping): PostgreSQL must read back exactly the values given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk import queries
from copydesk.models import JobKind, NewJob

pytestmark = pytest.mark.integration

# No NUL, no lone surrogates: the API refuses those before they get here.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@pytest.fixture(scope="module")
def reader(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def _read_back(conn: psycopg.Connection[Any], values: list[str | None]) -> Any:
    array = queries._text_array(values, conn.info.encoding)
    row = conn.execute("SELECT %(a)b::text[]", {"a": array}).fetchone()
    assert row is not None
    return row[0]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), _TEXT), max_size=30))
def test_any_list_of_text_and_nulls_reads_back_as_given(
    reader: psycopg.Connection[Any], values: list[str | None]
) -> None:
    assert _read_back(reader, values) == values


def test_a_connection_in_another_encoding_gets_its_own_bytes(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET client_encoding TO 'LATIN1'")
        values: list[str | None] = ["café", None, "naïve", ""]
        assert _read_back(conn, values) == values


def test_inserted_jobs_read_back_as_submitted(reader: psycopg.Connection[Any]) -> None:
    jobs = [
        NewJob(JobKind.TEXT, body="Größe — «quoted» 😀"),
        NewJob(JobKind.URL, url="https://a.example/x"),
        NewJob(JobKind.HTML, url=None, body="<p>x</p>"),
    ]
    ids = queries.insert_jobs(reader, jobs)
    rows = reader.execute(
        "SELECT id, batch_id, kind, input_url, input_body FROM ingest_jobs"
        " WHERE id = ANY(%(ids)s) ORDER BY id",
        {"ids": ids},
    ).fetchall()
    got = {row[0]: tuple(row[1:]) for row in rows}
    assert [got[i] for i in ids] == [(None, j.kind.value, j.url, j.body) for j in jobs]


def test_a_sql_ascii_connection_gets_utf8_as_psycopg_sends_it(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET client_encoding TO 'SQL_ASCII'")
        values = ["café", "naïve", "plain"]
        ours = queries._text_array(values, conn.info.encoding)
        row = conn.execute("SELECT %(a)b::text[] = %(b)s::text[]", {"a": ours, "b": values})
        assert row.fetchone() == (True,)
