"""Processing one job, as plain functions the Celery tasks call (and tests can call).

A job runs from its row: claim it (queued -> running), fetch if it is a URL, extract,
upsert the document by body hash and mark the job done, all keyed on ids so a task
that runs twice does no harm. Transient fetch failures put the job back in the queue
until `job_max_attempts`; every other failure marks it failed with the reason.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from copydesk import db, queries
from copydesk.crawl.records import UrlState
from copydesk.db import DATABASE_ERRORS, Pool
from copydesk.errors import CopydeskError, ExtractionFailed, FetchRetryable
from copydesk.extract import Extraction, extract_html, extract_text
from copydesk.extract.fingerprint import content_sha256
from copydesk.models import Delivery, Document, Job, JobKind
from copydesk.settings import RETRY_DELAY_CAP_SECONDS, Settings
from copydesk.store import store_document
from services.worker import metrics
from services.worker.fetch import FetchedPage, fetch_page
from services.worker.webclient import FetchWrites, JobPage, fetch_policy, web_client

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
# A call that is not running from a broker message (tests, the sweeper).
NO_DELIVERY = Delivery()
# Jobs looked at per sweep; the next sweep takes the rest.
SWEEP_BATCH = 500


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    RETRY = "retry"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class JobResult:
    """What happened to a job, and when to try again for `Outcome.RETRY`."""

    outcome: Outcome
    retry_in: float = 0.0
    document_id: int | None = None
    # With run_job(defer_commit=True): reads the outcome of the document's commit.
    settle: Callable[[], None] | None = None


def run_job(
    pool: Pool,
    settings: Settings,
    job_id: UUID,
    delivery: Delivery = NO_DELIVERY,
    *,
    before_store: Callable[[], None] | None = None,
    defer_commit: bool = False,
) -> JobResult:
    """Process one job end to end; errors a caller must see are recorded on the row first.

    `before_store` runs once the document is extracted, just before it is stored. With
    `defer_commit`, a stored document's COMMIT is sent but its outcome not awaited: the
    caller must call the result's `settle` (which raises if the commit failed) before it
    counts the job done or acknowledges its message, and meanwhile the commit's wait for the
    disk overlaps the caller's next job.
    """
    limits = (settings.stale_job_seconds, settings.job_max_attempts, delivery)
    known: UrlState | None = None
    # The claim is one statement, and what it reads beside it needs no transaction.
    with db.autocommit(pool) as conn:
        job = queries.claim_job(conn, job_id, *limits)
        spent = None if job else queries.fail_spent_job(conn, job_id, *limits)
        if job is not None and job.kind is JobKind.URL and job.url is not None:
            # Read with the claim: one transaction fewer per job.
            known = web_client(settings).known_state(conn, job.url)
    if spent is not None:
        logger.warning("job_failed", extra={"job_id": str(job_id), "attempts": spent})
        return JobResult(Outcome.FAILED)
    if job is None:
        logger.info("job_skipped", extra={"job_id": str(job_id)})
        metrics.count_job(Outcome.SKIPPED)
        return JobResult(Outcome.SKIPPED)
    started = time.monotonic()
    clock = metrics.StageClock(str(job_id), job.url)
    waited = (job.started_at - job.created_at).total_seconds() if job.started_at else 0.0
    metrics.observe_stage("queue", waited)
    logger.info(
        "job_started",
        extra={
            "job_id": str(job_id),
            "url": job.url,
            "attempt": job.attempts,
            "stage": "queue",
            "duration_ms": round(waited * 1000, 1),
        },
    )
    fetched: JobPage | None = None
    try:
        if job.kind is JobKind.URL:
            assert job.url is not None  # the CHECK constraint guarantees it
            fetched = web_client(settings).fetch_for_job(pool, job.url, job.id, known)
            clock.lap("fetch")
            if fetched.unchanged_document_id is not None:
                return _done_unchanged(pool, job, fetched.unchanged_document_id)
        writes = fetched.writes if fetched else None
        with _written_unless_stored(pool, writes):
            document = build_document(job, settings, fetched.page if fetched else None)
        clock.lap("extract")
    except FetchRetryable as exc:
        return _retry_or_fail(pool, settings, job, exc)
    except CopydeskError as exc:
        metrics.count_extraction_failure(exc)
        metrics.count_job(Outcome.FAILED)
        fail_job(pool, job.id, str(exc))
        return JobResult(Outcome.FAILED)
    metrics.count_extraction(empty=False)
    with _written_unless_stored(pool, writes):
        if before_store is not None:
            # The previous job's commit wait is its own store time, not this job's.
            paused = clock.split()
            before_store()
            clock.resume(paused)
        # Pipelined, the store waits for PostgreSQL 5 times instead of 9, each a wait for its
        # backend to be scheduled on cores busy extracting; the fetch's log rows and the URL's
        # state go with its commit (tests/integration/test_round_trips.py).
        with db.commit_sent(pool) as transaction:
            stored = store_document(transaction.conn, document)
            document_id = stored.document_id
            if writes is not None:
                writes.send(transaction.conn, document_id)
            queries.mark_job_done(transaction.conn, job.id, document_id)
    sent = clock.split()

    def settle() -> None:
        waited = time.monotonic()
        with _written_unless_stored(pool, writes):
            transaction.wait()
        clock.record("store", sent + time.monotonic() - waited)
        metrics.count_job(Outcome.DONE)
        metrics.count_document_stored()
        logger.info(
            "document_stored",
            extra={
                "job_id": str(job.id),
                "document_id": document_id,
                "store": str(stored.action),
                "url": job.url,
                "words": document.word_count,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "stages_ms": clock.as_ms(),
            },
        )

    if defer_commit:
        return JobResult(Outcome.DONE, document_id=document_id, settle=settle)
    settle()
    return JobResult(Outcome.DONE, document_id=document_id)


@contextmanager
def _written_unless_stored(pool: Pool, writes: FetchWrites | None) -> Iterator[None]:
    """A fetch's log rows and URL state go with the job's document; if the block raises
    (extraction failed, the store or its commit failed, the time ran out), no document
    took them along, and they are written on their own before the job's failure is."""
    try:
        yield
    except BaseException:
        if writes is not None:
            try:
                writes.write(pool)
            except DATABASE_ERRORS as exc:  # the job's own error is the one to handle
                logger.warning(
                    "fetch_log_failed",
                    extra={"job_id": str(writes.purpose.job_id), "error": repr(exc)},
                )
        raise


def _done_unchanged(pool: Pool, job: Job, document_id: int) -> JobResult:
    """A 304 or an identical body: the job points at the stored document, nothing new."""
    with pool.connection() as conn:
        queries.mark_job_done(conn, job.id, document_id)
    metrics.count_job("unchanged")
    logger.info(
        "document_unchanged",
        extra={"job_id": str(job.id), "document_id": document_id, "url": job.url},
    )
    return JobResult(Outcome.DONE, document_id=document_id)


def fail_job(pool: Pool, job_id: UUID, error: str) -> None:
    """Mark a job failed with its reason."""
    with pool.connection() as conn:
        queries.mark_job_failed(conn, job_id, error)
    logger.warning("job_failed", extra={"job_id": str(job_id), "error": error})


def release_job(pool: Pool, job_id: UUID) -> None:
    """Put a job whose attempt was cut short back in the queue, if the database answers.

    If it does not, the job stays running and the sweeper re-enqueues it once it is stale.
    """
    try:
        with pool.connection() as conn:
            queries.requeue_job(conn, job_id)
    except DATABASE_ERRORS as exc:
        logger.warning("job_release_failed", extra={"job_id": str(job_id), "error": repr(exc)})


def _retry_or_fail(pool: Pool, settings: Settings, job: Job, exc: FetchRetryable) -> JobResult:
    if job.attempts >= settings.job_max_attempts:
        metrics.count_job(Outcome.FAILED)
        fail_job(pool, job.id, f"{exc} (gave up after {job.attempts} attempts)")
        return JobResult(Outcome.FAILED)
    delay = exc.retry_after or settings.retry_base_delay * 2 ** (job.attempts - 1)
    with pool.connection() as conn:
        queries.mark_job_queued(conn, job.id, str(exc))
    metrics.count_job(Outcome.RETRY)
    logger.info("job_retry", extra={"job_id": str(job.id), "error": str(exc), "delay_s": delay})
    return JobResult(Outcome.RETRY, retry_in=min(delay, RETRY_DELAY_CAP_SECONDS))


def build_document(job: Job, settings: Settings, page: FetchedPage | None = None) -> Document:
    """Fetch (for URLs, unless `page` is given) and extract; raises CopydeskError on failure."""
    if job.kind is JobKind.URL:
        assert job.url is not None  # the CHECK constraint guarantees it
        if page is None:
            page = fetch_page(job.url, fetch_policy(settings))
        logger.info(
            "page_fetched",
            extra={
                "job_id": str(job.id),
                "url": job.url,
                "bytes": page.bytes,
                "status": page.status,
                "stage": "fetch",
                "duration_ms": round(page.elapsed_ms, 1),
            },
        )
        extraction = _extract(page.text, page.content_type == "text/plain", page.final_url)
    else:
        assert job.body is not None  # the CHECK constraint guarantees it
        extraction = _extract(job.body, job.kind is JobKind.TEXT, job.url)
    return to_document(job, extraction, page)


def _extract(body: str, is_text: bool, url: str | None) -> Extraction:
    # PostgreSQL text cannot hold NUL, and a fetched page may contain some; browsers drop them.
    body = body.replace("\x00", "")
    return extract_text(body) if is_text else extract_html(body, url=url)


def count_words(text: str) -> int:
    """Number of `\\w+` tokens, the word_count stored with each document."""
    return len(_WORD.findall(text))


def to_document(job: Job, extraction: Extraction, page: FetchedPage | None) -> Document:
    """The row to store for an extraction; refuses one with no body text."""
    if not extraction.paragraphs:
        raise ExtractionFailed("no article text could be extracted")
    data = extraction.to_dict()
    meta = extraction.metadata
    text = extraction.text
    return Document(
        job_id=job.id,
        source_kind=job.kind,
        source_url=job.url,
        final_url=page.final_url if page else None,
        canonical_url=meta.canonical_url,
        title=extraction.title,
        text=text,
        paragraphs=extraction.paragraphs,
        removed=tuple(data["removed"]),
        authors=meta.authors,
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        sitename=meta.sitename,
        language=meta.language,
        description=meta.description,
        metadata=_extra_metadata(data["metadata"]),
        content_sha256=content_sha256(extraction.paragraphs),
        word_count=count_words(text),
        extractor=extraction.extractor,
        extractor_version=extraction.extractor_version,
        extraction_path=extraction.path,
    )


# Metadata kept in columns of their own; the rest goes to the jsonb `metadata` column.
_COLUMN_METADATA = frozenset(
    {
        "authors",
        "published_at",
        "modified_at",
        "sitename",
        "language",
        "description",
        "canonical_url",
    }
)


def _extra_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata without a column of its own, empty values dropped, tuples as lists."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in meta.items()
        if key not in _COLUMN_METADATA and value not in (None, (), [], {})
    }


def sweep_stale_jobs(pool: Pool, settings: Settings) -> tuple[list[UUID], list[UUID]]:
    """Find jobs stuck queued or running; return (to re-enqueue, marked failed).

    A lost broker message leaves a job queued, a killed worker leaves it running. Both are
    re-enqueued (claim_job makes a duplicate delivery harmless) until the attempts run out.
    """
    requeue: list[UUID] = []
    failed: list[UUID] = []
    with pool.connection() as conn:
        for job_id in queries.stale_job_ids(conn, settings.stale_job_seconds, SWEEP_BATCH):
            limits = (settings.stale_job_seconds, settings.job_max_attempts, NO_DELIVERY)
            if queries.fail_spent_job(conn, job_id, *limits) is not None:
                failed.append(job_id)
            elif queries.requeue_stale_job(conn, job_id, settings.stale_job_seconds):
                requeue.append(job_id)
    return requeue, failed


def summarize_job_ranges(pool: Pool) -> int:
    """Let the index that stats use for "jobs submitted in the last hour/day" (a BRIN index on
    created_at, see schema.sql) cover the rows added since the last sweep; how many page
    ranges it summarized. Without it, on a server without autovacuum, those queries would
    read every page added since the index was built."""
    with pool.connection() as conn:
        return queries.summarize_job_ranges(conn)


# Idempotency records are kept this long past their TTL before they are deleted, so that a
# request that found a live record still reads it (the claim takes over expired ones anyway).
IDEMPOTENCY_PURGE_GRACE_SECONDS = 3600.0


def purge_idempotency_keys(pool: Pool, settings: Settings) -> int:
    """Delete idempotency records long expired (a bounded number per sweep); how many.

    Without this, every Idempotency-Key ever sent would stay in the table: expired records
    are only overwritten when the same key comes back.
    """
    age = settings.idempotency_ttl_seconds + IDEMPOTENCY_PURGE_GRACE_SECONDS
    with pool.connection() as conn:
        return queries.delete_expired_idempotency_keys(conn, age, SWEEP_BATCH)
