"""Every SQL statement copydesk runs, as small named functions taking a connection.

Values are always bound (`%(name)s`); identifiers, where unavoidable (database names),
go through `psycopg.sql.Identifier`. Callers own transactions: these functions never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from copydesk.models import Document, Job, JobKind, JobStatus, NewJob

# An arbitrary fixed key: every process applying schema.sql takes this lock first, so two
# starts at once do not race on CREATE TABLE IF NOT EXISTS.
_SCHEMA_LOCK_KEY = 7_401_220_911

Conn = psycopg.Connection[Any]

_JOB_COLUMNS = """
    id, batch_id, kind, status, input_url AS url, input_body AS body, error, attempts,
    created_at, updated_at, started_at, finished_at, document_id
"""

_DOCUMENT_COLUMNS = """
    id, job_id, source_kind, source_url, final_url, canonical_url, title, text, paragraphs,
    removed, authors, published_at, modified_at, sitename, language, description, metadata,
    content_sha256, word_count, extractor, extractor_version, extraction_path,
    created_at, updated_at, last_seen_at
"""


def lock_schema(conn: Conn) -> None:
    """Take the transaction-scoped lock that serialises schema changes."""
    conn.execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _SCHEMA_LOCK_KEY})


def database_exists(conn: Conn, name: str) -> bool:
    """Whether a database of that name exists on the server."""
    row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name})
    return row.fetchone() is not None


def create_database(conn: Conn, name: str) -> None:
    """CREATE DATABASE (needs an autocommit connection)."""
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(conn: Conn, name: str) -> None:
    """DROP DATABASE, disconnecting its sessions (needs an autocommit connection)."""
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _job(row: dict[str, Any]) -> Job:
    return Job(**{**row, "kind": JobKind(row["kind"]), "status": JobStatus(row["status"])})


def insert_jobs(conn: Conn, jobs: Sequence[NewJob], batch_id: UUID | None = None) -> list[UUID]:
    """Insert queued jobs, returning their ids in input order."""
    ids: list[UUID] = []
    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO ingest_jobs (batch_id, kind, input_url, input_body)
            VALUES (%(batch_id)s, %(kind)s, %(url)s, %(body)s)
            RETURNING id
            """,
            [
                {"batch_id": batch_id, "kind": str(j.kind), "url": j.url, "body": j.body}
                for j in jobs
            ],
            returning=True,
        )
        while True:
            row = cur.fetchone()
            if row is not None:
                ids.append(row[0])
            if not cur.nextset():
                break
    return ids


def get_job(conn: Conn, job_id: UUID) -> Job | None:
    """The job with that id, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL("SELECT {} FROM ingest_jobs WHERE id = %(id)s").format(sql.SQL(_JOB_COLUMNS)),
            {"id": job_id},
        )
        row = cur.fetchone()
    return _job(row) if row else None


def claim_job(conn: Conn, job_id: UUID, stale_seconds: int) -> Job | None:
    """Mark a queued job running and count the attempt; None if it is not ours to run.

    A job already running is claimed again only when it has been running for longer than
    `stale_seconds` (its worker died), so a redelivered message does not run it twice.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                UPDATE ingest_jobs
                SET status = 'running', attempts = attempts + 1,
                    started_at = now(), updated_at = now()
                WHERE id = %(id)s
                  AND (status = 'queued'
                       OR (status = 'running'
                           AND started_at < now() - make_interval(secs => %(stale)s)))
                RETURNING {}
                """
            ).format(sql.SQL(_JOB_COLUMNS)),
            {"id": job_id, "stale": stale_seconds},
        )
        row = cur.fetchone()
    return _job(row) if row else None


def mark_job_done(conn: Conn, job_id: UUID, document_id: int) -> None:
    """Record success and the document the job produced."""
    conn.execute(
        """
        UPDATE ingest_jobs
        SET status = 'done', document_id = %(doc)s, error = NULL,
            finished_at = now(), updated_at = now()
        WHERE id = %(id)s
        """,
        {"id": job_id, "doc": document_id},
    )


def mark_job_failed(conn: Conn, job_id: UUID, error: str) -> None:
    """Record a permanent failure and its reason."""
    conn.execute(
        """
        UPDATE ingest_jobs
        SET status = 'failed', error = %(error)s, finished_at = now(), updated_at = now()
        WHERE id = %(id)s
        """,
        {"id": job_id, "error": error},
    )


def mark_job_queued(conn: Conn, job_id: UUID, error: str | None) -> None:
    """Put a job back in the queue (before a retry), keeping the last attempt's error."""
    conn.execute(
        """
        UPDATE ingest_jobs
        SET status = 'queued', error = %(error)s, updated_at = now()
        WHERE id = %(id)s AND status IN ('queued', 'running')
        """,
        {"id": job_id, "error": error},
    )


def touch_job(conn: Conn, job_id: UUID) -> None:
    """Note that a queued job was just (re-)enqueued, so the sweeper leaves it alone."""
    conn.execute(
        "UPDATE ingest_jobs SET updated_at = now() WHERE id = %(id)s AND status = 'queued'",
        {"id": job_id},
    )


def stale_job_ids(conn: Conn, stale_seconds: int, limit: int) -> list[UUID]:
    """Jobs queued or running with no change for `stale_seconds`, oldest first."""
    rows = conn.execute(
        """
        SELECT id FROM ingest_jobs
        WHERE status IN ('queued', 'running')
          AND updated_at < now() - make_interval(secs => %(stale)s)
        ORDER BY updated_at
        LIMIT %(limit)s
        """,
        {"stale": stale_seconds, "limit": limit},
    ).fetchall()
    return [r[0] for r in rows]


def upsert_document(conn: Conn, doc: Document) -> int:
    """Store a document, or find the one with the same body hash; returns its id.

    A body seen again keeps its first row (and that row's metadata) and only moves
    last_seen_at, so a re-post of pasted text cannot erase metadata fetched from a URL.
    """
    row = conn.execute(
        """
        INSERT INTO documents (
            job_id, source_kind, source_url, final_url, canonical_url, title, text, paragraphs,
            removed, authors, published_at, modified_at, sitename, language, description,
            metadata, content_sha256, word_count, extractor, extractor_version, extraction_path
        ) VALUES (
            %(job_id)s, %(source_kind)s, %(source_url)s, %(final_url)s, %(canonical_url)s,
            %(title)s, %(text)s, %(paragraphs)s, %(removed)s, %(authors)s, %(published_at)s,
            %(modified_at)s, %(sitename)s, %(language)s, %(description)s, %(metadata)s,
            %(content_sha256)s, %(word_count)s, %(extractor)s, %(extractor_version)s,
            %(extraction_path)s
        )
        ON CONFLICT (content_sha256) DO UPDATE SET last_seen_at = now()
        RETURNING id
        """,
        {
            "job_id": doc.job_id,
            "source_kind": str(doc.source_kind),
            "source_url": doc.source_url,
            "final_url": doc.final_url,
            "canonical_url": doc.canonical_url,
            "title": doc.title,
            "text": doc.text,
            "paragraphs": Jsonb(list(doc.paragraphs)),
            "removed": Jsonb(list(doc.removed)),
            "authors": list(doc.authors),
            "published_at": doc.published_at,
            "modified_at": doc.modified_at,
            "sitename": doc.sitename,
            "language": doc.language,
            "description": doc.description,
            "metadata": Jsonb(doc.metadata),
            "content_sha256": doc.content_sha256,
            "word_count": doc.word_count,
            "extractor": doc.extractor,
            "extractor_version": doc.extractor_version,
            "extraction_path": doc.extraction_path,
        },
    ).fetchone()
    assert row is not None  # INSERT ... ON CONFLICT DO UPDATE always returns the row
    return int(row[0])


def get_document(conn: Conn, document_id: int) -> Document | None:
    """The document with that id, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL("SELECT {} FROM documents WHERE id = %(id)s").format(
                sql.SQL(_DOCUMENT_COLUMNS)
            ),
            {"id": document_id},
        )
        row = cur.fetchone()
    if row is None:
        return None
    return Document(
        **{
            **row,
            "source_kind": JobKind(row["source_kind"]),
            "paragraphs": tuple(row["paragraphs"]),
            "removed": tuple(row["removed"]),
            "authors": tuple(row["authors"]),
        }
    )


def ping(conn: Conn) -> None:
    """A round trip to the server (health checks)."""
    conn.execute("SELECT 1")


def documents_since(conn: Conn, after_xid: int, after_id: int, limit: int) -> list[dict[str, Any]]:
    """The change feed: documents changed after the cursor (change_xid, id), oldest first.

    Only rows whose transaction is below the snapshot's xmin are returned: every such
    transaction has finished, so no row can commit later behind the returned cursor.
    Each row carries `change_xid` as an int.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                SELECT change_xid::text::bigint AS change_xid, {}
                FROM documents
                WHERE (change_xid, id) > (%(xid)s::text::xid8, %(id)s)
                  AND change_xid < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY change_xid, id
                LIMIT %(limit)s
                """
            ).format(sql.SQL(_DOCUMENT_COLUMNS)),
            {"xid": after_xid, "id": after_id, "limit": limit},
        )
        return cur.fetchall()


def listen_documents(conn: Conn) -> None:
    """Subscribe this (autocommit) connection to the documents change notices."""
    conn.execute("LISTEN copydesk_documents")
