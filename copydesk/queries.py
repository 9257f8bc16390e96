"""Every SQL statement copydesk runs, as small named functions taking a connection.

Values are always bound (`%(name)s`); identifiers, where unavoidable (database names),
go through `psycopg.sql.Identifier`. Callers own transactions: these functions never commit.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.adapt import Buffer, Dumper
from psycopg.pq import Format
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from copydesk.crawl.discover import SourceKind
from copydesk.crawl.records import (
    CrawlRun,
    FetchLogEntry,
    NewSource,
    RunStatus,
    RunTotals,
    Source,
    SourceChanges,
    UrlState,
)
from copydesk.models import Delivery, Document, Job, JobKind, JobStatus, NewJob

# An arbitrary fixed key: every process applying schema.sql takes this lock first, so two
# starts at once do not race on CREATE TABLE IF NOT EXISTS.
_SCHEMA_LOCK_KEY = 7_401_220_911

Conn = psycopg.Connection[Any]
AsyncConn = psycopg.AsyncConnection[Any]

_JOB_COLUMNS = """
    id, batch_id, kind, status, input_url AS url, input_body AS body, error, attempts,
    created_at, updated_at, started_at, finished_at, document_id
"""

_DOCUMENT_COLUMNS = """
    id, job_id, source_kind, source_url, final_url, canonical_url, title, text, paragraphs,
    removed, authors, published_at, modified_at, sitename, language, description, metadata,
    content_sha256, word_count, extractor, extractor_version, extraction_path,
    created_at, updated_at, last_seen_at, url_key, version, revised_at, cluster_id
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


# One statement for any number of jobs: its cost hardly grows with the row count, which is
# what lets the API store a batch, or several requests at once, in one round trip. The ids
# are drawn by the caller (new_job_ids), so no RETURNING is needed; they travel as text,
# which costs the API less to send than UUID objects. Every array is built by _text_array.
_INSERT_JOBS = """
    INSERT INTO ingest_jobs (id, batch_id, kind, input_url, input_body)
    SELECT * FROM unnest(
        %(ids)b::text[]::uuid[], %(batch_ids)b::text[]::uuid[], %(kinds)b::text[],
        %(urls)b::text[], %(bodies)b::text[]
    )
"""
_HEX_DIGITS = "0123456789abcdef"
# The UUID variant's top two bits are 10: the nibble after the third dash is 8, 9, a or b.
_VARIANT_NIBBLE = dict(zip(_HEX_DIGITS, "89ab" * 4, strict=True))


def new_job_ids(count: int) -> list[str]:
    """`count` time-ordered UUIDs (version 7, RFC 9562) as text, as `str(UUID(...))` writes
    them: the current Unix time in milliseconds, then 74 random bits.

    Random (version 4) ids put each insert on a random page of the primary-key index (and of
    every index a batch id is in): a large index kept fewer of its pages in memory, split
    pages all over, and after each checkpoint the first insert into every page wrote the
    whole 8 kB page to the WAL (7 MB of full-page images per 40,000 jobs with 200,000
    stored). Ordered ids all go to the index's last pages. 74 random bits still make an id
    impossible to guess; it tells when the job was submitted, which its status says anyway.
    Drawn in one os.urandom call and formatted by hand: `uuid4()` and `str()` per job cost
    the API a fifth of its time on a batch of 100."""
    stamp = f"{time.time_ns() // 1_000_000:012x}"[-12:]
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    digits = os.urandom(10 * count).hex()
    ids = []
    for start in range(0, 20 * count, 20):
        h = digits[start : start + 20]
        ids.append(f"{head}{h[:3]}-{_VARIANT_NIBBLE[h[3]]}{h[4:7]}-{h[7:19]}")
    return ids


class _TextArray:
    """A text[] value already in PostgreSQL's binary format (see _text_array)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


class _TextArrayDumper(Dumper):
    format = Format.BINARY
    oid = psycopg.postgres.types["text"].array_oid

    def dump(self, obj: _TextArray) -> Buffer:
        return obj.data


# For every connection made from now on (the global adapters map is copied into each).
psycopg.adapters.register_dumper(_TextArray, _TextArrayDumper)
_INT4 = struct.Struct(">i")
_NULL_ELEMENT = _INT4.pack(-1)
_TEXT_OID = psycopg.postgres.types["text"].oid


def _text_array(values: Sequence[str | None], encoding: str) -> _TextArray:
    """`values` as a one-dimensional text[] in PostgreSQL's binary format, in the
    connection's `encoding`: a header, then each element's length and bytes (-1 for NULL).

    psycopg dumps a list element by element in Python, ~0.4 us each: ~200 us, a sixth of
    the API's CPU, for the five arrays of a batch of 100 texts. Built here with C-level
    iteration where there is no NULL: ~60 us.

    A SQL_ASCII database reports "ascii" and stores bytes as given: like psycopg's own
    text dumper, send UTF-8 there."""
    if encoding == "ascii":
        encoding = "utf-8"
    pack = _INT4.pack
    has_null = None in values
    parts: Any
    if has_null:
        parts = [
            _NULL_ELEMENT if v is None else pack(len(b := v.encode(encoding))) + b for v in values
        ]
    else:
        encoded = list(map(str.encode, values, repeat(encoding)))  # type: ignore[arg-type]
        parts = chain.from_iterable(zip(map(pack, map(len, encoded)), encoded, strict=True))
    header = struct.pack(">iiIii", 1, has_null, _TEXT_OID, len(values), 1)
    return _TextArray(b"".join(chain((header,), parts)))


def _insert_jobs_params(
    encoding: str, ids: list[str], jobs: Sequence[NewJob], batch_ids: Sequence[str | None]
) -> dict[str, _TextArray]:
    return {
        "ids": _text_array(ids, encoding),
        "batch_ids": _text_array(batch_ids, encoding),
        "kinds": _text_array([job.kind.value for job in jobs], encoding),
        "urls": _text_array([job.url for job in jobs], encoding),
        "bodies": _text_array([job.body for job in jobs], encoding),
    }


def insert_jobs(conn: Conn, jobs: Sequence[NewJob], batch_id: UUID | None = None) -> list[UUID]:
    """Insert queued jobs, returning their ids in input order."""
    ids = new_job_ids(len(jobs))
    batch = None if batch_id is None else str(batch_id)
    params = _insert_jobs_params(conn.info.encoding, ids, jobs, [batch] * len(jobs))
    conn.execute(_INSERT_JOBS, params)
    return [UUID(job_id) for job_id in ids]


# The API's inserts are the bulk of what copydesk writes (~2 kB of heap per pasted text). Its
# backend evicts most of those pages from shared_buffers itself, and by default the kernel
# keeps them dirty for up to 30 s; the next checkpoint's fsync of the table then writes them
# all at once, and every commit's WAL flush waits behind that burst on the same disk (a
# checkpoint forced every 8 s under direct inserts of 20,000 texts/s: statements up to
# 142-167 ms, 0.2 s for the table's fsync alone). With this, the kernel starts writing every
# 256 kB as they are written (as the checkpointer's own writes do, checkpoint_flush_after):
# at most 52-54 ms, 0.02 s. A per-session setting any role may change; the server's
# configuration is left alone.
_INGEST_SESSION = "SET backend_flush_after = '256kB'"


async def prepare_ingest_session(conn: AsyncConn) -> None:
    """Set up the API's insert connection (see _INGEST_SESSION)."""
    await conn.execute(_INGEST_SESSION)


async def insert_jobs_async(
    conn: AsyncConn, ids: list[str], jobs: Sequence[NewJob], batch_ids: Sequence[str | None]
) -> None:
    """Insert queued jobs with these ids, each with its batch id (or None), on an async
    connection."""
    await conn.execute(_INSERT_JOBS, _insert_jobs_params(conn.info.encoding, ids, jobs, batch_ids))


def get_job(conn: Conn, job_id: UUID) -> Job | None:
    """The job with that id, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL("SELECT {} FROM ingest_jobs WHERE id = %(id)s").format(sql.SQL(_JOB_COLUMNS)),
            {"id": job_id},
        )
        row = cur.fetchone()
    return _job(row) if row else None


def claim_job(
    conn: Conn, job_id: UUID, stale_seconds: int, max_attempts: int, delivery: Delivery
) -> Job | None:
    """Mark a queued job running and count the attempt; None if it is not ours to run.

    A job already running is taken over only by the redelivery of the message that claimed
    it (its worker died), or once it has run longer than `stale_seconds`; so a duplicate
    message does not run it twice. A job whose `max_attempts` are used up is never claimed:
    see `fail_spent_job`.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                UPDATE ingest_jobs
                SET status = 'running', attempts = attempts + 1, claimed_by = %(task)s,
                    started_at = now(), updated_at = now()
                WHERE id = %(id)s AND attempts < %(max)s AND {}
                RETURNING {}
                """
            ).format(_CLAIMABLE, sql.SQL(_JOB_COLUMNS)),
            _claim_params(job_id, stale_seconds, max_attempts, delivery),
        )
        row = cur.fetchone()
    return _job(row) if row else None


# Queued; or running, but its worker is gone: this very message came back from the broker,
# or the attempt has gone on so long that its worker must have died.
_CLAIMABLE = sql.SQL(
    """(status = 'queued'
        OR (status = 'running'
            AND ((%(redelivered)s AND claimed_by = %(task)s)
                 OR started_at < now() - make_interval(secs => %(stale)s))))"""
)


def _claim_params(
    job_id: UUID, stale_seconds: int, max_attempts: int, delivery: Delivery
) -> dict[str, Any]:
    return {
        "id": job_id,
        "stale": stale_seconds,
        "max": max_attempts,
        "task": delivery.task_id,
        "redelivered": delivery.redelivered,
    }


def fail_spent_job(
    conn: Conn, job_id: UUID, stale_seconds: int, max_attempts: int, delivery: Delivery
) -> int | None:
    """Fail a job that would be claimable but has used its attempts; returns them, or None.

    This is how a page that kills its worker every time ends: each death leaves the job
    running with one more attempt counted, and the delivery after the last one lands here.
    A job left queued with its attempts used up had its last one cut short by a database
    error (`release_job`): its worker was not lost, and the reason says so.
    """
    row = conn.execute(
        sql.SQL(
            """
            UPDATE ingest_jobs
            SET status = 'failed', finished_at = now(), updated_at = now(),
                error = format(CASE WHEN status = 'queued'
                    THEN 'gave up after %%s attempts: the last one was cut short by a '
                         'database error'
                    ELSE 'gave up after %%s attempts: the worker running the last one '
                         'was lost (killed, out of memory or past its time limit)' END,
                    attempts)
            WHERE id = %(id)s AND attempts >= %(max)s AND {}
            RETURNING attempts
            """
        ).format(_CLAIMABLE),
        _claim_params(job_id, stale_seconds, max_attempts, delivery),
    ).fetchone()
    return row[0] if row else None


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
        WHERE id = %(id)s AND status <> 'done'
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


def requeue_job(conn: Conn, job_id: UUID) -> None:
    """Put a job left queued or running back in the queue, keeping its last error."""
    conn.execute(
        """
        UPDATE ingest_jobs SET status = 'queued', updated_at = now()
        WHERE id = %(id)s AND status IN ('queued', 'running')
        """,
        {"id": job_id},
    )


def requeue_stale_job(conn: Conn, job_id: UUID, stale_seconds: int) -> bool:
    """`requeue_job` for the sweeper: only if the job is still unchanged for `stale_seconds`.

    Between the sweeper's listing and this update a worker may have claimed the job; it is
    then left running (False), so the sweeper does not send a second message for it.
    """
    cur = conn.execute(
        """
        UPDATE ingest_jobs SET status = 'queued', updated_at = now()
        WHERE id = %(id)s AND status IN ('queued', 'running')
          AND updated_at < now() - make_interval(secs => %(stale)s)
        """,
        {"id": job_id, "stale": stale_seconds},
    )
    return cur.rowcount > 0


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
    The plain form, without URL identity or clustering: copydesk/store.py is what jobs use.
    """
    return insert_document(conn, doc, NO_FINGERPRINT)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the store adds to a row: page identity, MinHash signature, band keys, cluster."""

    url_key: str | None
    minhash: bytes | None
    band_keys: list[int] | None
    cluster_id: int | None


NO_FINGERPRINT = Fingerprint(None, None, None, None)


def insert_document(conn: Conn, doc: Document, fp: Fingerprint) -> int:
    """Insert a document (a body already stored only moves last_seen_at); returns its id.

    A None cluster_id opens a new cluster.
    """
    row = conn.execute(
        """
        INSERT INTO documents (
            job_id, source_kind, source_url, final_url, canonical_url, title, text, paragraphs,
            removed, authors, published_at, modified_at, sitename, language, description,
            metadata, content_sha256, word_count, extractor, extractor_version, extraction_path,
            url_key, minhash, band_keys, cluster_id
        ) VALUES (
            %(job_id)s, %(source_kind)s, %(source_url)s, %(final_url)s, %(canonical_url)s,
            %(title)s, %(text)s, %(paragraphs)s, %(removed)s, %(authors)s, %(published_at)s,
            %(modified_at)s, %(sitename)s, %(language)s, %(description)s, %(metadata)s,
            %(content_sha256)s, %(word_count)s, %(extractor)s, %(extractor_version)s,
            %(extraction_path)s, %(url_key)s, %(minhash)s, %(band_keys)s,
            COALESCE(%(cluster_id)s, nextval('document_cluster_seq'))
        )
        ON CONFLICT (content_sha256) DO UPDATE SET last_seen_at = now()
        RETURNING id
        """,
        _document_values(doc) | _fingerprint_values(fp),
    ).fetchone()
    assert row is not None  # INSERT ... ON CONFLICT DO UPDATE always returns the row
    return int(row[0])


def _document_values(doc: Document) -> dict[str, Any]:
    return {
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
    }


def _fingerprint_values(fp: Fingerprint) -> dict[str, Any]:
    return {
        "url_key": fp.url_key,
        "minhash": fp.minhash,
        "band_keys": fp.band_keys,
        "cluster_id": fp.cluster_id,
    }


def commit_durably(conn: Conn) -> None:
    """Make this transaction's commit wait for the disk, whatever the connection's default.

    Worker connections commit asynchronously (`db.create_pool`), but a transaction that
    writes `documents` must not: an asynchronous commit is visible before it is on disk, so
    a reader could take it into its feed cursor, and after a crash the lost transaction's
    xid can be handed out again, to a later change that the cursor would then skip.
    """
    conn.execute("SET LOCAL synchronous_commit = on")


def lock_keys(conn: Conn, keys: Sequence[int]) -> None:
    """Take transaction-scoped advisory locks, in ascending order (so two stores never deadlock).

    One statement for all of them (a store takes 34): unnest yields the sorted array in
    order, and each row's lock is taken as the row is produced.
    """
    conn.execute(
        "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%(keys)s::bigint[]) AS k",
        {"keys": sorted(set(keys))},
    )


@dataclass(frozen=True, slots=True)
class StoredRow:
    """The few columns the store decides with."""

    id: int
    content_sha256: str
    url_key: str | None
    title: str | None
    cluster_id: int


_STORED_ROW = "SELECT id, content_sha256, url_key, title, cluster_id FROM documents"
_STORED_BY_URL_KEY = _STORED_ROW + " WHERE url_key = %(key)s"
_STORED_BY_SHA = _STORED_ROW + " WHERE content_sha256 = %(sha)s"


def document_by_url_key(conn: Conn, url_key: str) -> StoredRow | None:
    """The document of that page, or None."""
    row = conn.execute(_STORED_BY_URL_KEY, {"key": url_key}).fetchone()
    return StoredRow(*row) if row else None


def documents_by_page_and_body(
    conn: Conn, url_key: str | None, sha: str
) -> tuple[StoredRow | None, StoredRow | None]:
    """The document of that page (None without a key) and the one with that body hash.

    Both statements are sent before either result is read: in a pipeline (`store_document`)
    they share one round trip with the statements queued before them.
    """
    by_page = conn.execute(_STORED_BY_URL_KEY, {"key": url_key}) if url_key is not None else None
    by_body = conn.execute(_STORED_BY_SHA, {"sha": sha})
    page = by_page.fetchone() if by_page is not None else None
    body = by_body.fetchone()
    return (StoredRow(*page) if page else None), (StoredRow(*body) if body else None)


def find_version_owner(conn: Conn, sha: str) -> int | None:
    """The document one of whose earlier versions had this body, or None."""
    row = conn.execute(
        """
        SELECT document_id FROM document_versions WHERE content_sha256 = %(sha)s
        ORDER BY document_id LIMIT 1
        """,
        {"sha": sha},
    ).fetchone()
    return int(row[0]) if row else None


def touch_document(conn: Conn, document_id: int, url_key: str | None = None) -> None:
    """The same body came again: move last_seen_at; adopt `url_key` if the row had none."""
    conn.execute(
        """
        UPDATE documents
        SET last_seen_at = now(), url_key = COALESCE(url_key, %(key)s)
        WHERE id = %(id)s
        """,
        {"id": document_id, "key": url_key},
    )


def archive_version(conn: Conn, document_id: int) -> None:
    """Copy a document's current state into document_versions (before revising it)."""
    conn.execute(
        """
        INSERT INTO document_versions (
            document_id, version, content_sha256, title, text, paragraphs, authors,
            published_at, modified_at, sitename, language, description, metadata, word_count,
            source_url, final_url, canonical_url, current_from, current_until
        )
        SELECT id, version, content_sha256, title, text, paragraphs, authors, published_at,
               modified_at, sitename, language, description, metadata, word_count, source_url,
               final_url, canonical_url, COALESCE(revised_at, created_at), now()
        FROM documents WHERE id = %(id)s
        """,
        {"id": document_id},
    )


def revise_document(conn: Conn, document_id: int, doc: Document, fp: Fingerprint) -> None:
    """Replace a document's content with a new version (archive_version the old one first)."""
    conn.execute(
        """
        UPDATE documents SET
            job_id = %(job_id)s, source_kind = %(source_kind)s, source_url = %(source_url)s,
            final_url = %(final_url)s, canonical_url = %(canonical_url)s, title = %(title)s,
            text = %(text)s, paragraphs = %(paragraphs)s, removed = %(removed)s,
            authors = %(authors)s, published_at = %(published_at)s,
            modified_at = %(modified_at)s, sitename = %(sitename)s, language = %(language)s,
            description = %(description)s, metadata = %(metadata)s,
            content_sha256 = %(content_sha256)s, word_count = %(word_count)s,
            extractor = %(extractor)s, extractor_version = %(extractor_version)s,
            extraction_path = %(extraction_path)s, minhash = %(minhash)s,
            band_keys = %(band_keys)s,
            cluster_id = COALESCE(%(cluster_id)s, nextval('document_cluster_seq')),
            version = version + 1, revised_at = now(), updated_at = now(), last_seen_at = now()
        WHERE id = %(id)s
        """,
        _document_values(doc) | _fingerprint_values(fp) | {"id": document_id},
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored document sharing a MinHash band with the one being stored."""

    id: int
    cluster_id: int
    minhash: bytes


def near_duplicate_candidates(
    conn: Conn, band_keys: Sequence[int], exclude_id: int | None, limit: int
) -> list[Candidate]:
    """Documents sharing at least one band key (GIN index), oldest first."""
    rows = conn.execute(
        """
        SELECT id, cluster_id, minhash FROM documents
        WHERE band_keys && %(keys)s::bigint[] AND id IS DISTINCT FROM %(exclude)s
        ORDER BY id
        LIMIT %(limit)s
        """,
        {"keys": list(band_keys), "exclude": exclude_id, "limit": limit},
    ).fetchall()
    return [Candidate(int(r[0]), int(r[1]), bytes(r[2])) for r in rows]


def cluster_has_others(conn: Conn, cluster_id: int, document_id: int) -> bool:
    """Whether documents other than this one are in that cluster."""
    row = conn.execute(
        """
        SELECT EXISTS (SELECT 1 FROM documents WHERE cluster_id = %(cluster)s AND id <> %(id)s)
        """,
        {"cluster": cluster_id, "id": document_id},
    ).fetchone()
    return bool(row and row[0])


def cluster_members(conn: Conn, document_id: int) -> list[int]:
    """Ids of the documents in the same near-duplicate cluster as this one (itself included)."""
    rows = conn.execute(
        """
        SELECT id FROM documents
        WHERE cluster_id = (SELECT cluster_id FROM documents WHERE id = %(id)s)
        ORDER BY id
        """,
        {"id": document_id},
    ).fetchall()
    return [int(r[0]) for r in rows]


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


# --- Crawling: sources, crawl runs, URL state, fetch log -------------------------------------

_SOURCE_COLUMNS = """
    id, url, kind, interval_seconds, enabled, include_patterns, exclude_patterns, next_run_at,
    consecutive_failures, last_error, last_run_at, last_success_at, created_at, updated_at
"""
_RUN_COLUMNS = """
    id, source_id, status, created_at, started_at, finished_at, urls_found, urls_new,
    urls_failed, error
"""
# Backoff of a failing source: interval * 2^failures, at most this many doublings.
_MAX_SOURCE_BACKOFF_DOUBLINGS = 6


def _source(row: dict[str, Any]) -> Source:
    return Source(
        **{
            **row,
            "kind": SourceKind(row["kind"]) if row["kind"] else None,
            "include_patterns": tuple(row["include_patterns"]),
            "exclude_patterns": tuple(row["exclude_patterns"]),
        }
    )


def _run(row: dict[str, Any]) -> CrawlRun:
    return CrawlRun(**{**row, "status": RunStatus(row["status"])})


def insert_source(conn: Conn, new: NewSource) -> Source | None:
    """Add a source, due at once; None if one with that URL exists."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                INSERT INTO sources (url, kind, interval_seconds, enabled, include_patterns,
                                     exclude_patterns)
                VALUES (%(url)s, %(kind)s, %(interval)s, %(enabled)s, %(include)s, %(exclude)s)
                ON CONFLICT (url) DO NOTHING
                RETURNING {}
                """
            ).format(sql.SQL(_SOURCE_COLUMNS)),
            {
                "url": new.url,
                "kind": str(new.kind) if new.kind else None,
                "interval": new.interval_seconds,
                "enabled": new.enabled,
                "include": list(new.include_patterns),
                "exclude": list(new.exclude_patterns),
            },
        )
        row = cur.fetchone()
    return _source(row) if row else None


def get_source(conn: Conn, source_id: int) -> Source | None:
    """The source with that id, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL("SELECT {} FROM sources WHERE id = %(id)s").format(sql.SQL(_SOURCE_COLUMNS)),
            {"id": source_id},
        )
        row = cur.fetchone()
    return _source(row) if row else None


def list_sources(conn: Conn) -> list[Source]:
    """All sources, oldest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql.SQL("SELECT {} FROM sources ORDER BY id").format(sql.SQL(_SOURCE_COLUMNS)))
        return [_source(row) for row in cur.fetchall()]


def update_source(conn: Conn, source_id: int, changes: SourceChanges) -> Source | None:
    """Apply a partial update; None if there is no such source."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                UPDATE sources SET
                    kind = COALESCE(%(kind)s, kind),
                    interval_seconds = COALESCE(%(interval)s, interval_seconds),
                    enabled = COALESCE(%(enabled)s, enabled),
                    include_patterns = COALESCE(%(include)s, include_patterns),
                    exclude_patterns = COALESCE(%(exclude)s, exclude_patterns),
                    updated_at = now()
                WHERE id = %(id)s
                RETURNING {}
                """
            ).format(sql.SQL(_SOURCE_COLUMNS)),
            {
                "id": source_id,
                "kind": str(changes.kind) if changes.kind else None,
                "interval": changes.interval_seconds,
                "enabled": changes.enabled,
                "include": _optional_list(changes.include_patterns),
                "exclude": _optional_list(changes.exclude_patterns),
            },
        )
        row = cur.fetchone()
    return _source(row) if row else None


def _optional_list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)


def delete_source(conn: Conn, source_id: int) -> bool:
    """Remove a source (its runs go with it); False if there was none."""
    cur = conn.execute("DELETE FROM sources WHERE id = %(id)s", {"id": source_id})
    return cur.rowcount > 0


def set_source_kind(conn: Conn, source_id: int, kind: SourceKind) -> None:
    """Store the kind the first crawl detected."""
    conn.execute(
        "UPDATE sources SET kind = %(kind)s, updated_at = now() WHERE id = %(id)s",
        {"id": source_id, "kind": str(kind)},
    )


def claim_due_sources(conn: Conn, limit: int) -> list[tuple[int, int]]:
    """Claim enabled sources whose next_run_at has passed: [(source_id, run_id)].

    Rows are locked with SKIP LOCKED and moved one interval ahead in the same statement,
    so concurrent dispatchers never claim a source twice for one interval; each claim
    inserts its queued crawl_runs row in the same transaction.
    """
    rows = conn.execute(
        """
        WITH due AS (
            SELECT id FROM sources
            WHERE enabled AND next_run_at <= now()
            ORDER BY next_run_at
            LIMIT %(limit)s
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE sources s
            SET next_run_at = now() + make_interval(secs => s.interval_seconds),
                last_run_at = now(), updated_at = now()
            FROM due WHERE s.id = due.id
            RETURNING s.id
        )
        INSERT INTO crawl_runs (source_id)
        SELECT id FROM claimed
        RETURNING source_id, id
        """,
        {"limit": limit},
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


def insert_crawl_run(conn: Conn, source_id: int) -> int:
    """A queued run for a crawl requested by hand (`sources run`); returns its id."""
    conn.execute(
        "UPDATE sources SET last_run_at = now(), updated_at = now() WHERE id = %(id)s",
        {"id": source_id},
    )
    row = conn.execute(
        "INSERT INTO crawl_runs (source_id) VALUES (%(id)s) RETURNING id", {"id": source_id}
    ).fetchone()
    assert row is not None  # INSERT ... RETURNING always returns the row
    return int(row[0])


def start_crawl_run(conn: Conn, run_id: int) -> CrawlRun | None:
    """queued -> running; None if the run is not queued (a redelivered task)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                UPDATE crawl_runs SET status = 'running', started_at = now()
                WHERE id = %(id)s AND status = 'queued'
                RETURNING {}
                """
            ).format(sql.SQL(_RUN_COLUMNS)),
            {"id": run_id},
        )
        row = cur.fetchone()
    return _run(row) if row else None


def finish_crawl_run(conn: Conn, run_id: int, totals: RunTotals, error: str | None) -> None:
    """Record a run's counts; failed when `error` is set. Updates its source's health."""
    row = conn.execute(
        """
        UPDATE crawl_runs
        SET status = CASE WHEN %(error)s::text IS NULL THEN 'done' ELSE 'failed' END,
            finished_at = now(), urls_found = %(found)s, urls_new = %(new)s,
            urls_failed = %(failed)s, error = %(error)s
        WHERE id = %(id)s
        RETURNING source_id
        """,
        {
            "id": run_id,
            "found": totals.found,
            "new": totals.new,
            "failed": totals.failed,
            "error": error,
        },
    ).fetchone()
    if row is None:
        return
    if error is None:
        conn.execute(
            """
            UPDATE sources SET consecutive_failures = 0, last_error = NULL,
                               last_success_at = now(), updated_at = now()
            WHERE id = %(id)s
            """,
            {"id": row[0]},
        )
        return
    conn.execute(
        """
        UPDATE sources
        SET consecutive_failures = consecutive_failures + 1, last_error = %(error)s,
            next_run_at = now() + make_interval(
                secs => interval_seconds * power(2, least(consecutive_failures + 1, %(cap)s))),
            updated_at = now()
        WHERE id = %(id)s
        """,
        {"id": row[0], "error": error, "cap": _MAX_SOURCE_BACKOFF_DOUBLINGS},
    )


def list_crawl_runs(conn: Conn, source_id: int, limit: int) -> list[CrawlRun]:
    """A source's most recent runs, newest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                """
                SELECT {} FROM crawl_runs WHERE source_id = %(id)s
                ORDER BY created_at DESC, id DESC LIMIT %(limit)s
                """
            ).format(sql.SQL(_RUN_COLUMNS)),
            {"id": source_id, "limit": limit},
        )
        return [_run(row) for row in cur.fetchall()]


def get_crawl_run(conn: Conn, run_id: int) -> CrawlRun | None:
    """The run with that id, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL("SELECT {} FROM crawl_runs WHERE id = %(id)s").format(sql.SQL(_RUN_COLUMNS)),
            {"id": run_id},
        )
        row = cur.fetchone()
    return _run(row) if row else None


def remember_urls(
    conn: Conn, source_id: int, found: Sequence[tuple[str, datetime | None]]
) -> list[str]:
    """Record URLs a source listed; returns those never seen before, in input order.

    Seen ones only get last_seen_at moved. Concurrent crawls listing the same URL are
    safe: ON CONFLICT lets exactly one of them insert it.
    """
    new: list[str] = []
    with conn.cursor() as cur:
        for url, published in found:
            cur.execute(
                """
                INSERT INTO url_state (url, source_id, published_at)
                VALUES (%(url)s, %(source)s, %(published)s)
                ON CONFLICT (url) DO UPDATE SET last_seen_at = now()
                RETURNING (xmax = 0) AS inserted
                """,
                {"url": url, "source": source_id, "published": published},
            )
            row = cur.fetchone()
            if row is not None and row[0]:
                new.append(url)
    return new


def insert_source_jobs(conn: Conn, source_id: int, urls: Sequence[str]) -> list[UUID]:
    """Queued url jobs for a source's new URLs (linked from url_state); returns their ids.

    The ids are time-ordered like the API's (see `new_job_ids`), not the column's random
    default."""
    ids: list[UUID] = []
    for url, job_id in zip(urls, new_job_ids(len(urls)), strict=True):
        row = conn.execute(
            """
            WITH job AS (
                INSERT INTO ingest_jobs (id, kind, input_url, source_id)
                VALUES (%(id)s::uuid, 'url', %(url)s, %(source)s)
                RETURNING id
            )
            UPDATE url_state SET job_id = job.id FROM job WHERE url_state.url = %(url)s
            RETURNING job.id
            """,
            {"id": job_id, "url": url, "source": source_id},
        ).fetchone()
        if row is not None:
            ids.append(row[0])
    return ids


def get_url_state(conn: Conn, url: str) -> UrlState | None:
    """Validators and body hash stored for a URL, or None if never fetched."""
    row = conn.execute(
        """
        SELECT url, etag, last_modified, body_sha256, document_id
        FROM url_state WHERE url = %(url)s
        """,
        {"url": url},
    ).fetchone()
    return UrlState(*row) if row else None


def record_url_fetch(
    conn: Conn,
    url: str,
    status: int,
    etag: str | None,
    last_modified: str | None,
    body_sha256: str | None,
    document_id: int | None = None,
    fetched_at: datetime | None = None,
) -> None:
    """Store a 200's validators and body hash for the next conditional re-fetch, and the
    document its body gave (None: the one stored before, if any, stays). `fetched_at`:
    when the fetch ended (None: now)."""
    conn.execute(
        """
        INSERT INTO url_state (url, etag, last_modified, body_sha256, last_status,
                               last_fetched_at, document_id)
        VALUES (%(url)s, %(etag)s, %(lm)s, %(sha)s, %(status)s,
                coalesce(%(at)s::timestamptz, now()), %(doc)s)
        ON CONFLICT (url) DO UPDATE SET
            etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
            body_sha256 = EXCLUDED.body_sha256, last_status = EXCLUDED.last_status,
            last_fetched_at = EXCLUDED.last_fetched_at,
            document_id = coalesce(EXCLUDED.document_id, url_state.document_id)
        """,
        {
            "url": url,
            "etag": etag,
            "lm": last_modified,
            "sha": body_sha256,
            "status": status,
            "doc": document_id,
            "at": fetched_at,
        },
    )


def mark_url_unchanged(conn: Conn, url: str, status: int) -> int | None:
    """A 304 or same-hash re-fetch: move last_seen_at (URL and its document); its document id."""
    row = conn.execute(
        """
        UPDATE url_state
        SET last_seen_at = now(), last_fetched_at = now(), last_status = %(status)s
        WHERE url = %(url)s
        RETURNING document_id
        """,
        {"url": url, "status": status},
    ).fetchone()
    document_id = row[0] if row else None
    if document_id is not None:
        conn.execute(
            "UPDATE documents SET last_seen_at = now() WHERE id = %(id)s", {"id": document_id}
        )
    return document_id


def insert_fetch_log(
    conn: Conn,
    record: FetchLogEntry,
) -> None:
    """Append one fetch to fetch_log."""
    conn.execute(
        """
        INSERT INTO fetch_log (url, final_url, status, bytes, elapsed_ms, error, job_id,
                               source_id, run_id, fetched_at)
        VALUES (%(url)s, %(final_url)s, %(status)s, %(bytes)s, %(elapsed_ms)s, %(error)s,
                %(job_id)s, %(source_id)s, %(run_id)s, coalesce(%(at)s::timestamptz, now()))
        """,
        {
            "url": record.url,
            "final_url": record.final_url,
            "status": record.status,
            "bytes": record.bytes,
            "elapsed_ms": record.elapsed_ms,
            "error": record.error,
            "job_id": record.job_id,
            "source_id": record.source_id,
            "run_id": record.run_id,
            "at": record.fetched_at,
        },
    )


def make_sources_due(conn: Conn, source_id: int | None) -> list[int]:
    """Make one enabled source (or every one, for None) due now; the ids made due."""
    rows = conn.execute(
        """
        UPDATE sources SET next_run_at = now(), updated_at = now()
        WHERE enabled AND (%(id)s::bigint IS NULL OR id = %(id)s)
        RETURNING id
        """,
        {"id": source_id},
    ).fetchall()
    return [int(r[0]) for r in rows]


def fail_lost_runs(conn: Conn, older_than_seconds: int) -> int:
    """Fail runs queued or running for too long (lost message, killed worker); how many."""
    cur = conn.execute(
        """
        UPDATE crawl_runs
        SET status = 'failed', finished_at = now(),
            error = 'lost: no worker finished this run in time'
        WHERE status IN ('queued', 'running')
          AND created_at < now() - make_interval(secs => %(age)s)
        """,
        {"age": older_than_seconds},
    )
    return cur.rowcount


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


# ---------------------------------------------------------------------------------------------
# Operational statistics (GET /v1/stats, `copydesk status`). Windows are in seconds; every
# figure is computed in PostgreSQL against its own clock, so API and CLI agree.
# ---------------------------------------------------------------------------------------------

# The stable part of an error message: cut at the first ':' or '(' (details such as the
# exception text or "gave up after N attempts") and mask quoted values (hosts, content types).
_FAILURE_REASON_SQL = """
    btrim(regexp_replace(regexp_replace(error, '\\s*[:(].*$', ''), '''[^'']*''', '…', 'g'))
"""


def job_counts(conn: Conn, short_seconds: int, long_seconds: int) -> list[tuple[str, int, int]]:
    """(status, jobs submitted in the short window, in the long window) per status."""
    rows = conn.execute(
        """
        SELECT status,
               count(*) FILTER (WHERE created_at >= now() - make_interval(secs => %(short)s)),
               count(*)
        FROM ingest_jobs
        WHERE created_at >= now() - make_interval(secs => %(long)s)
        GROUP BY status
        """,
        {"short": short_seconds, "long": long_seconds},
    ).fetchall()
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


def open_job_counts(conn: Conn) -> dict[str, int]:
    """Jobs queued and running now, whatever their age."""
    rows = conn.execute(
        "SELECT status, count(*) FROM ingest_jobs WHERE status IN ('queued', 'running') "
        "GROUP BY status"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def finished_counts(
    conn: Conn, windows: Sequence[int], horizon_seconds: int
) -> list[tuple[int, int, int]]:
    """(window, jobs done, jobs failed) finished in each window of seconds.

    Only jobs submitted within `horizon_seconds` are looked at (the created_at index); a
    job finishing later than that after its submission is not counted.
    """
    rows = conn.execute(
        """
        SELECT w,
               count(*) FILTER (WHERE j.status = 'done'),
               count(*) FILTER (WHERE j.status = 'failed')
        FROM unnest(%(windows)s::int[]) AS w
        LEFT JOIN ingest_jobs j
          ON j.created_at >= now() - make_interval(secs => %(horizon)s)
         AND j.finished_at >= now() - make_interval(secs => w)
        GROUP BY w ORDER BY w
        """,
        {"windows": list(windows), "horizon": horizon_seconds},
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]


def summarize_job_ranges(conn: Conn) -> int:
    """Summarize the page ranges of ingest_jobs that the created_at BRIN index does not cover
    yet; how many it did.

    VACUUM does it too, but autovacuum may be off or far behind; until a range is
    summarized, every query on submission time reads it whole. Only the index's owner (or
    a superuser) may: for another role this is a no-op (0).
    """
    try:
        with conn.transaction():
            row = conn.execute(
                "SELECT brin_summarize_new_values('ingest_jobs_created_brin'::regclass)"
            ).fetchone()
    except psycopg.errors.InsufficientPrivilege:
        return 0
    return int(row[0]) if row else 0


def _job_filter(
    batch_id: UUID | None = None,
    source_ids: Sequence[int] | None = None,
    created_after: datetime | None = None,
    window_seconds: int | None = None,
) -> tuple[sql.Composable, dict[str, Any]]:
    """A WHERE condition over ingest_jobs from fixed fragments (values bound), and its values.

    Only the conditions given are included, so each shape gets a plan that uses its index.
    """
    parts: list[sql.Composable] = [sql.SQL("TRUE")]
    if batch_id is not None:
        parts.append(sql.SQL("batch_id = %(batch)s"))
    if source_ids is not None:
        parts.append(sql.SQL("source_id = ANY(%(sources)s)"))
    if created_after is not None:
        parts.append(sql.SQL("created_at >= %(after)s"))
    if window_seconds is not None:
        parts.append(sql.SQL("created_at >= now() - make_interval(secs => %(window)s)"))
    values = {
        "batch": batch_id,
        "sources": list(source_ids or ()),
        "after": created_after,
        "window": window_seconds,
    }
    return sql.SQL(" AND ").join(parts), values


def job_status_counts(
    conn: Conn,
    *,
    batch_id: UUID | None = None,
    source_ids: Sequence[int] | None = None,
    created_after: datetime | None = None,
) -> dict[str, int]:
    """Jobs per status among those of a batch, or of sources submitted after a time."""
    where, values = _job_filter(batch_id, source_ids, created_after)
    rows = conn.execute(
        sql.SQL("SELECT status, count(*) FROM ingest_jobs WHERE {} GROUP BY status").format(where),
        values,
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def failure_reasons(
    conn: Conn,
    limit: int,
    *,
    window_seconds: int | None = None,
    batch_id: UUID | None = None,
    source_ids: Sequence[int] | None = None,
    created_after: datetime | None = None,
) -> list[tuple[str, int]]:
    """The commonest failure reasons among the jobs selected, most frequent first."""
    where, values = _job_filter(batch_id, source_ids, created_after, window_seconds)
    rows = conn.execute(
        sql.SQL(
            """
            SELECT {reason} AS reason, count(*) AS n
            FROM ingest_jobs
            WHERE status = 'failed' AND {where}
            GROUP BY 1 ORDER BY n DESC, reason LIMIT %(limit)s
            """
        ).format(reason=sql.SQL(_FAILURE_REASON_SQL), where=where),
        {**values, "limit": limit},
    ).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def sources_due_count(conn: Conn) -> int:
    """Enabled sources whose next run is due now."""
    row = conn.execute("SELECT count(*) FROM sources WHERE enabled AND next_run_at <= now()")
    result = row.fetchone()
    return int(result[0]) if result else 0


def oldest_queued_job(conn: Conn) -> tuple[UUID, datetime, float] | None:
    """(id, created_at, age in seconds) of the job queued the longest, or None."""
    row = conn.execute(
        """
        SELECT id, created_at, extract(epoch FROM now() - created_at)::float8
        FROM ingest_jobs WHERE status = 'queued'
        ORDER BY created_at LIMIT 1
        """
    ).fetchone()
    return (row[0], row[1], float(row[2])) if row else None


# --- The ingest API's own state: idempotency keys, API keys ----------------------------------


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What an earlier request with the same Idempotency-Key was, and the jobs it made."""

    endpoint: str
    request_sha256: str
    batch_id: UUID | None
    job_ids: list[UUID]


def claim_idempotency_key(
    conn: Conn,
    client: str,
    key: str,
    endpoint: str,
    request_sha256: str,
    batch_id: UUID | None,
    ttl_seconds: int,
) -> IdempotencyRecord | None:
    """Claim a key for a new request (None: go ahead), or return the earlier request's record.

    A first use still in flight holds the row lock, so a concurrent second use waits here
    until it commits (then sees its jobs) or rolls back (then claims the key itself). A
    record older than `ttl_seconds` is taken over as if the key were new.
    """
    claimed = conn.execute(
        """
        INSERT INTO idempotency_keys (client, key, endpoint, request_sha256, batch_id)
        VALUES (%(client)s, %(key)s, %(endpoint)s, %(sha)s, %(batch)s)
        ON CONFLICT (client, key) DO UPDATE SET
            endpoint = EXCLUDED.endpoint, request_sha256 = EXCLUDED.request_sha256,
            batch_id = EXCLUDED.batch_id, job_ids = '{}', created_at = now()
        WHERE idempotency_keys.created_at < now() - make_interval(secs => %(ttl)s)
        RETURNING 1
        """,
        {
            "client": client,
            "key": key,
            "endpoint": endpoint,
            "sha": request_sha256,
            "batch": batch_id,
            "ttl": ttl_seconds,
        },
    ).fetchone()
    if claimed is not None:
        return None
    row = conn.execute(
        """
        SELECT endpoint, request_sha256, batch_id, job_ids FROM idempotency_keys
        WHERE client = %(client)s AND key = %(key)s
        """,
        {"client": client, "key": key},
    ).fetchone()
    # The conflicting row is committed, and the sweeper deletes only rows long past the TTL.
    assert row is not None
    return IdempotencyRecord(row[0], row[1], row[2], list(row[3]))


def delete_expired_idempotency_keys(conn: Conn, older_than_seconds: float, limit: int) -> int:
    """Delete up to `limit` idempotency records older than `older_than_seconds`; how many."""
    cur = conn.execute(
        """
        DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
            SELECT ctid FROM idempotency_keys
            WHERE created_at < now() - make_interval(secs => %(age)s)
            ORDER BY created_at LIMIT %(limit)s))
        """,
        {"age": older_than_seconds, "limit": limit},
    )
    return cur.rowcount


def set_idempotency_jobs(conn: Conn, client: str, key: str, job_ids: Sequence[UUID]) -> None:
    """Record the jobs a claimed key's request created."""
    conn.execute(
        """
        UPDATE idempotency_keys SET job_ids = %(jobs)s
        WHERE client = %(client)s AND key = %(key)s
        """,
        {"client": client, "key": key, "jobs": list(job_ids)},
    )


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An api_keys row (never the key itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def insert_api_key(conn: Conn, name: str, key_sha256: str, prefix: str) -> int:
    """Store a new key's hash; returns its id."""
    row = conn.execute(
        """
        INSERT INTO api_keys (name, key_sha256, prefix) VALUES (%(name)s, %(sha)s, %(prefix)s)
        RETURNING id
        """,
        {"name": name, "sha": key_sha256, "prefix": prefix},
    ).fetchone()
    assert row is not None  # INSERT ... RETURNING always returns the row
    return int(row[0])


def revoke_api_key(conn: Conn, key_id: int) -> bool:
    """Revoke a key (at once, for every later request); False if no such live key."""
    cur = conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE id = %(id)s AND revoked_at IS NULL",
        {"id": key_id},
    )
    return cur.rowcount > 0


def active_api_key_id(conn: Conn, key_sha256: str) -> int | None:
    """The id of the unrevoked key with that hash, or None."""
    row = conn.execute(
        "SELECT id FROM api_keys WHERE key_sha256 = %(sha)s AND revoked_at IS NULL",
        {"sha": key_sha256},
    ).fetchone()
    return int(row[0]) if row else None


def list_api_keys(conn: Conn) -> list[ApiKey]:
    """All keys, oldest first."""
    rows = conn.execute(
        "SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY id"
    ).fetchall()
    return [ApiKey(*r) for r in rows]


@dataclass(frozen=True, slots=True)
class UnfingerprintedRow:
    """A document stored before signatures were kept (minhash IS NULL)."""

    id: int
    source_url: str | None
    final_url: str | None
    canonical_url: str | None
    text: str
    content_sha256: str
    cluster_id: int


def unfingerprinted_documents(conn: Conn, below_id: int, limit: int) -> list[UnfingerprintedRow]:
    """Documents without a MinHash signature and with id < `below_id`, newest first."""
    rows = conn.execute(
        """
        SELECT id, source_url, final_url, canonical_url, text, content_sha256, cluster_id
        FROM documents
        WHERE minhash IS NULL AND id < %(below)s
        ORDER BY id DESC
        LIMIT %(limit)s
        """,
        {"below": below_id, "limit": limit},
    ).fetchall()
    return [UnfingerprintedRow(*r) for r in rows]


def set_fingerprint(conn: Conn, document_id: int, fp: Fingerprint) -> None:
    """Fill a document's url_key, signature, band keys and cluster (the backfill)."""
    conn.execute(
        """
        UPDATE documents
        SET url_key = %(url_key)s, minhash = %(minhash)s, band_keys = %(band_keys)s,
            cluster_id = COALESCE(%(cluster_id)s, cluster_id)
        WHERE id = %(id)s
        """,
        _fingerprint_values(fp) | {"id": document_id},
    )
