"""The documents change feed: no skips, no repeats, whatever order writers commit in.

The database is the session's scratch database (other tests' documents are in it too), so
each test follows the feed from the start and looks only at the rows it wrote.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from copydesk import queries, tail
from copydesk.models import Document, JobKind
from copydesk.settings import Settings
from tests.support import REPO, copydesk_command, settings_env, stop_process

pytestmark = pytest.mark.integration

# The feed waits for older transactions anywhere in the cluster (other people's test runs
# share it), so reads that expect a row retry up to this many seconds.
SETTLE_SECONDS = 30.0
WRITERS = 8
INSERTS_PER_WRITER = 25
# Longest random pause inside a writer's open transaction, in seconds.
MAX_PAUSE = 0.01
FOLLOW_WAIT_SECONDS = 20.0


def _doc(label: str) -> Document:
    text = f"Feed test {label} {secrets.token_hex(8)}."
    return Document(
        source_kind=JobKind.TEXT,
        text=text,
        paragraphs=(text,),
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        word_count=len(text.split()),
        extractor="test",
        title=label,
    )


def _insert(conn: psycopg.Connection[Any], label: str) -> int:
    return queries.upsert_document(conn, _doc(label))


def _read(conn: psycopg.Connection[Any], cursor: str) -> tuple[list[dict[str, Any]], str]:
    """Everything the feed gives after `cursor` right now, and the new cursor."""
    xid, doc_id = tail.parse_cursor(cursor)
    rows: list[dict[str, Any]] = []
    while batch := queries.documents_since(conn, xid, doc_id, 100):
        rows += batch
        xid, doc_id = batch[-1]["change_xid"], batch[-1]["id"]
    return rows, tail.format_cursor(xid, doc_id)


def _read_until(
    conn: psycopg.Connection[Any], cursor: str, wanted: set[int]
) -> tuple[list[dict[str, Any]], str]:
    """Read until every id in `wanted` came through (bounded), keeping all rows seen."""
    rows: list[dict[str, Any]] = []
    deadline = time.monotonic() + SETTLE_SECONDS
    while not wanted <= {r["id"] for r in rows}:
        assert time.monotonic() < deadline, (
            f"feed never delivered {wanted - {r['id'] for r in rows}}"
        )
        batch, cursor = _read(conn, cursor)
        rows += batch
        time.sleep(0.05)
    return rows, cursor


@pytest.fixture
def reader(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


def _current_cursor(conn: psycopg.Connection[Any]) -> str:
    return _read(conn, tail.START_CURSOR)[1]


def test_out_of_order_commits_are_not_skipped(
    database_url: str, reader: psycopg.Connection[Any]
) -> None:
    cursor = _current_cursor(reader)
    naive_last_id = reader.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
    with psycopg.connect(database_url) as conn_a, psycopg.connect(database_url) as conn_b:
        first = _insert(conn_a, "A")  # transaction A stays open
        second = _insert(conn_b, "B")
        conn_b.commit()
        assert first < second

        # The naive reader (id > last id) sees B and moves past A's id.
        naive = [
            r[0]
            for r in reader.execute(
                "SELECT id FROM documents WHERE id > %s ORDER BY id", (naive_last_id,)
            )
        ]
        assert second in naive and first not in naive
        naive_last_id = max(naive)

        # The feed holds B back while A, an older transaction, is still open.
        held, cursor_after = _read(reader, cursor)
        assert {first, second}.isdisjoint(r["id"] for r in held)
        conn_a.commit()

    naive_after = [
        r[0]
        for r in reader.execute(
            "SELECT id FROM documents WHERE id > %s ORDER BY id", (naive_last_id,)
        )
    ]
    assert first not in naive_after  # the control: a serial-id cursor skipped A for good

    rows, _ = _read_until(reader, cursor_after, {first, second})
    mine = [r["id"] for r in held + rows if r["id"] in (first, second)]
    assert mine == [first, second]


def test_concurrent_writers_every_document_exactly_once(
    database_url: str, reader: psycopg.Connection[Any]
) -> None:
    cursor = _current_cursor(reader)
    written: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        rng = random.Random(worker)
        try:
            with psycopg.connect(database_url) as conn:
                for n in range(INSERTS_PER_WRITER):
                    doc_id = _insert(conn, f"w{worker}-{n}")
                    time.sleep(rng.uniform(0, MAX_PAUSE))
                    conn.commit()
                    with lock:
                        written.append(doc_id)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    while any(t.is_alive() for t in threads):
        batch, cursor = _read(reader, cursor)
        seen += [r["id"] for r in batch]
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    assert errors == []
    rows, _ = _read_until(reader, cursor, set(written) - set(seen))
    seen += [r["id"] for r in rows]

    assert len(written) == WRITERS * INSERTS_PER_WRITER
    assert len(seen) == len(set(seen)), "a document came through twice"
    assert set(written) <= set(seen)


def test_update_reemits_once_and_touch_does_not(
    conn: psycopg.Connection[Any], reader: psycopg.Connection[Any]
) -> None:
    cursor = _current_cursor(reader)
    doc = _doc("update")
    doc_id = queries.upsert_document(conn, doc)
    _, cursor = _read_until(reader, cursor, {doc_id})
    conn.execute("UPDATE documents SET title = 'changed' WHERE id = %s", (doc_id,))
    rows, cursor = _read_until(reader, cursor, {doc_id})
    assert [r["title"] for r in rows if r["id"] == doc_id] == ["changed"]

    # Seeing the same body again only moves last_seen_at: no feed entry.
    assert queries.upsert_document(conn, doc) == doc_id
    sentinel = _insert(conn, "sentinel")
    rows, _ = _read_until(reader, cursor, {sentinel})
    assert doc_id not in {r["id"] for r in rows}


def _run_tail(settings: Settings, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        copydesk_command("tail", *args),
        env=settings_env(settings),
        cwd=REPO,
        capture_output=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def test_tail_prints_json_lines_and_resumes(
    settings: Settings, conn: psycopg.Connection[Any], reader: psycopg.Connection[Any]
) -> None:
    ids = [_insert(conn, f"tail{n}") for n in range(3)]
    _read_until(reader, tail.START_CURSOR, set(ids))  # all three past the horizon
    lines = _run_tail(settings)
    mine = [line for line in lines if line["id"] in ids]
    assert [line["id"] for line in mine] == ids
    assert all(line["title"] == f"tail{n}" and line["cursor"] for n, line in enumerate(mine))

    resumed = _run_tail(settings, "--since", mine[1]["cursor"])
    assert [line["id"] for line in resumed if line["id"] in ids] == ids[2:]
    assert len(_run_tail(settings, "--limit", "2")) == 2


def test_tail_follow_gets_a_later_document(
    settings: Settings, conn: psycopg.Connection[Any], reader: psycopg.Connection[Any]
) -> None:
    start = _current_cursor(reader)
    proc = subprocess.Popen(
        copydesk_command("tail", "--follow", "--since", start),
        env=settings_env(settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    lines: list[dict[str, Any]] = []
    stdout = proc.stdout
    assert stdout is not None
    reading = threading.Thread(
        target=lambda: lines.extend(json.loads(raw) for raw in stdout), daemon=True
    )
    reading.start()
    try:
        time.sleep(1.0)  # let it reach LISTEN; a later insert must still arrive either way
        doc_id = _insert(conn, "followed")
        deadline = time.monotonic() + FOLLOW_WAIT_SECONDS
        while doc_id not in {line["id"] for line in list(lines)}:
            assert time.monotonic() < deadline, "tail --follow never printed the new document"
            time.sleep(0.05)
    finally:
        stop_process(proc)
        reading.join(timeout=5)
        stdout.close()


def test_reader_role_reads_documents_not_jobs(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute("SET ROLE copydesk_reader")
        conn.execute("SELECT id, content_sha256 FROM documents LIMIT 1").fetchall()
        assert queries.documents_since(conn, 0, 0, 1) is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT 1 FROM ingest_jobs LIMIT 1")
        conn.rollback()
        conn.execute("SET ROLE copydesk_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO documents (source_kind) VALUES ('text')")


def test_every_reader_column_is_documented(conn: psycopg.Connection[Any]) -> None:
    undocumented = [
        row[0]
        for row in conn.execute(
            """
            SELECT attname FROM pg_attribute
            WHERE attrelid = 'documents'::regclass AND attnum > 0 AND NOT attisdropped
              AND col_description(attrelid, attnum) IS NULL
            """
        )
    ]
    assert undocumented == []
    tables = conn.execute(
        "SELECT obj_description('documents'::regclass), obj_description('ingest_jobs'::regclass)"
    ).fetchone()
    assert tables is not None and all(tables)
