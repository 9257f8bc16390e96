"""The worker's one way onto the web: safe fetch + robots.txt + politeness + retries + logging.

A `WebClient` is built once per worker process from the settings. Every fetch it makes
(article pages for jobs, feeds and sitemaps for crawls, robots.txt aside) goes through
the request gate and lands in `fetch_log`, one row per HTTP attempt. For job pages it
also does conditional re-fetching: the stored ETag/Last-Modified are sent, and a 304
or a body with the same hash as last time counts as "unchanged".
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
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
class JobPage:
    """A job's page: fetched anew, or unchanged since it gave `unchanged_document_id`."""

    page: FetchedPage
    state_key: str
    unchanged_document_id: int | None = None


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
            if records:
                with pool.connection() as conn:
                    _log_fetches(conn, records, purpose)

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
        (`known`, from `known_state`). The attempts' log rows and the URL's new state are
        written together, in one pipeline."""
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
            if records:
                with pool.connection() as conn:
                    _log_fetches(conn, records, purpose)
            raise
        # No BEGIN and COMMIT of psycopg's (two round trips), and pipelined, the statements go
        # in one. PostgreSQL still runs what a pipeline sends before its Sync (at the end of
        # the block) as one implicit transaction: the log rows and the URL's state are
        # committed together, or all rolled back if one of them fails.
        with db.autocommit(pool) as conn, conn.pipeline():
            _log_fetches(conn, records, purpose)
            if page.not_modified or (known and known.body_sha256 == page.content_hash):
                document_id = queries.mark_url_unchanged(conn, key, page.status)
                if document_id is not None:
                    return JobPage(page, key, document_id)
            queries.record_url_fetch(
                conn, key, page.status, page.etag, page.last_modified, page.content_hash
            )
        return JobPage(page, key)


def state_key(url: str) -> str:
    """The `url_state` key of a URL: normalised when it can be."""
    return normalize_url(url) or url


def _log_fetches(conn: queries.Conn, records: list[FetchRecord], purpose: Purpose) -> None:
    for r in records:
        count_fetch(r.status)
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
