"""The worker's one way onto the web: safe fetch + robots.txt + politeness + retries + logging.

A `WebClient` is built once per worker process from the settings. Every fetch it makes
(article pages for jobs, feeds and sitemaps for crawls, robots.txt aside) goes through
the request gate and lands in `fetch_log`, one row per HTTP attempt. For job pages it
also does conditional re-fetching: the stored ETag/Last-Modified are sent, and a 304
or a body with the same hash as last time counts as "unchanged".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from uuid import UUID

import redis

from copydesk import db, queries
from copydesk.crawl.records import FetchLogEntry, UrlState
from copydesk.crawl.urls import normalize_url
from copydesk.db import Pool
from copydesk.settings import Settings
from services.worker.fetch import (
    ALLOWED_TYPES,
    FetchedPage,
    FetchPolicy,
    FetchRecord,
    fetch_with_retries,
)
from services.worker.gate import RequestGate, robots_fetcher
from services.worker.metrics import count_fetch
from services.worker.politeness import HostLimiter
from services.worker.retry import RetryPolicy
from services.worker.robots import RobotsCache


@dataclass(frozen=True, slots=True)
class Purpose:
    """What a fetch is for, as recorded in fetch_log."""

    job_id: UUID | None = None
    source_id: int | None = None
    run_id: int | None = None


@dataclass(frozen=True, slots=True)
class FetchWrites:
    """A job's fetch as the database keeps it: the attempts' log rows and the URL's new state.

    The worker sends them in the transaction that stores the job's document (`send`: no
    round trip of their own); a job that ends any other way writes them by themselves
    (`write`), so that every attempt is logged whatever became of the job.
    """

    records: tuple[FetchRecord, ...]
    purpose: Purpose
    state_key: str
    page: FetchedPage
    # Written later, they keep the time of the fetch (this worker's clock).
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def send(self, conn: queries.Conn, document_id: int | None = None) -> None:
        """Queue the writes in the caller's transaction, the URL pointing at `document_id`.

        Without a document (the job failed after the fetch), the body's validators and hash
        are not kept: the next fetch of the URL must not find this body "unchanged" and
        point its job at the document an earlier body gave."""
        _log_fetches(conn, self.records, self.purpose, self.fetched_at)
        page = self.page
        stored = document_id is not None
        queries.record_url_fetch(
            conn,
            self.state_key,
            page.status,
            page.etag if stored else None,
            page.last_modified if stored else None,
            page.content_hash if stored else None,
            document_id,
            self.fetched_at,
        )

    def write(self, pool: Pool) -> None:
        """The writes on their own (no document): pipelined, committed together."""
        with db.autocommit(pool) as conn, conn.pipeline():
            self.send(conn)


@dataclass(frozen=True, slots=True)
class JobPage:
    """A job's page: fetched anew, or unchanged since it gave `unchanged_document_id`.

    A page fetched anew comes with its `writes` still to be done (see FetchWrites).
    """

    page: FetchedPage
    state_key: str
    unchanged_document_id: int | None = None
    writes: FetchWrites | None = None


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch policy the settings describe."""
    return FetchPolicy(
        connect_timeout=settings.fetch_connect_timeout,
        read_timeout=settings.fetch_read_timeout,
        total_timeout=settings.fetch_total_timeout,
        max_bytes=settings.fetch_max_bytes,
        user_agent=settings.effective_user_agent,
        allow_private_networks=settings.allow_private_networks,
        allowed_networks=settings.allowed_networks,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.fetch_retry_attempts,
        base_delay=settings.fetch_retry_base_delay,
        max_inline_wait=settings.fetch_retry_max_inline_wait,
    )


def key_prefix(settings: Settings) -> str:
    """Redis keys are namespaced by queue: workers of one deployment share a queue."""
    return f"copydesk:{settings.queue}:"


class WebClient:
    """Fetching with every courtesy and safeguard, and a log row per attempt."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.policy = fetch_policy(settings)
        self.retry = retry_policy(settings)
        prefix = key_prefix(settings)
        limiter = HostLimiter(
            client,
            default_delay=settings.politeness_delay,
            max_wait=settings.politeness_max_wait,
            key_prefix=prefix + "polite:",
        )
        # robots.txt fetches happen inside a page fetch; they are logged with it.
        self._robots_records: list[FetchRecord] = []
        robots = RobotsCache(
            client,
            robots_fetcher(self.policy, limiter, self._robots_records.append),
            ttl=settings.robots_ttl_seconds,
            key_prefix=prefix + "robots:",
        )
        self.gate = RequestGate(robots, limiter, self.policy.user_agent)

    def fetch(
        self,
        pool: Pool,
        url: str,
        purpose: Purpose,
        *,
        types: frozenset[str] = ALLOWED_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchedPage:
        """Fetch `url` (retrying transient failures), logging every attempt."""
        records: list[FetchRecord] = []
        try:
            return self._fetch(url, records, types, etag, last_modified)
        finally:
            _write_fetches(pool, records, purpose)

    def _fetch(
        self,
        url: str,
        records: list[FetchRecord],
        types: frozenset[str],
        etag: str | None,
        last_modified: str | None,
    ) -> FetchedPage:
        """The fetch; `records` receives every attempt (robots.txt ones first), even on error."""
        attempts: list[FetchRecord] = []
        try:
            return fetch_with_retries(
                url,
                replace(self.policy, allowed_types=types),
                self.retry,
                before_request=self.gate,
                record=attempts.append,
                etag=etag,
                last_modified=last_modified,
            )
        finally:
            records += [*self._robots_records, *attempts]
            self._robots_records.clear()

    def known_state(self, conn: queries.Conn, url: str) -> UrlState | None:
        """What was stored from `url` before (validators, body hash), if it gave a document.

        Read in the caller's transaction: the worker reads it with the job's claim.
        """
        state = queries.get_url_state(conn, state_key(url))
        return state if state is not None and state.document_id is not None else None

    def fetch_for_job(self, pool: Pool, url: str, job_id: UUID, known: UrlState | None) -> JobPage:
        """A job's page, conditionally re-fetched when we stored a document from it before
        (`known`, from `known_state`).

        A failed fetch logs its attempts before it raises, and an unchanged page before it
        returns (with the URL's state, in one pipeline). A page fetched anew leaves its log
        rows and the URL's new state to the caller: `JobPage.writes`.
        """
        key = state_key(url)
        purpose = Purpose(job_id=job_id)
        records: list[FetchRecord] = []
        try:
            page = self._fetch(
                url,
                records,
                ALLOWED_TYPES,
                known.etag if known else None,
                known.last_modified if known else None,
            )
        except BaseException:
            _write_fetches(pool, records, purpose)
            raise
        _count_fetches(records)
        writes = FetchWrites(tuple(records), purpose, key, page)
        if page.not_modified or (known and known.body_sha256 == page.content_hash):
            # No BEGIN and COMMIT of psycopg's (two round trips), and pipelined, the
            # statements go in one, run by PostgreSQL as one implicit transaction.
            with db.autocommit(pool) as conn, conn.pipeline():
                document_id = queries.mark_url_unchanged(conn, key, page.status)
                if document_id is not None:
                    _log_fetches(conn, records, purpose)
                    return JobPage(page, key, document_id)
        return JobPage(page, key, writes=writes)


def state_key(url: str) -> str:
    """The `url_state` key of a URL: normalised when it can be."""
    return normalize_url(url) or url


def _write_fetches(pool: Pool, records: Sequence[FetchRecord], purpose: Purpose) -> None:
    """Count the attempts and log them in a transaction of their own."""
    _count_fetches(records)
    if records:
        with pool.connection() as conn:
            _log_fetches(conn, records, purpose)


def _count_fetches(records: Sequence[FetchRecord]) -> None:
    for r in records:
        count_fetch(r.status)


def _log_fetches(
    conn: queries.Conn,
    records: Sequence[FetchRecord],
    purpose: Purpose,
    fetched_at: datetime | None = None,
) -> None:
    for r in records:
        queries.insert_fetch_log(
            conn,
            FetchLogEntry(
                r.url,
                r.final_url,
                r.status,
                r.bytes,
                r.elapsed_ms,
                r.error,
                purpose.job_id,
                purpose.source_id,
                purpose.run_id,
                fetched_at,
            ),
        )


@dataclass(slots=True)
class _ProcessClient:
    """One WebClient per process (prefork children build their own Redis connection)."""

    client: WebClient | None = None
    pid: int = 0


_PER_PROCESS = _ProcessClient()


def web_client(settings: Settings) -> WebClient:
    """This process's WebClient, built on first use."""
    if _PER_PROCESS.client is None or _PER_PROCESS.pid != os.getpid():
        connection = redis.Redis.from_url(settings.redis_client_url())
        _PER_PROCESS.client = WebClient(settings, connection)
        _PER_PROCESS.pid = os.getpid()
    return _PER_PROCESS.client
