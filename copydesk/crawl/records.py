"""Rows of the crawl tables (sources, crawl_runs, url_state), shared by ingest, worker and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from copydesk.crawl.discover import SourceKind

DEFAULT_INTERVAL_SECONDS = 15 * 60


class RunStatus(StrEnum):
    """Values match the CHECK constraint on crawl_runs.status."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source to add; kind None means "detect it at the first crawl"."""

    url: str
    kind: SourceKind | None = None
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS
    enabled: bool = True
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceChanges:
    """A partial update (PATCH); None leaves a field as it is."""

    kind: SourceKind | None = None
    interval_seconds: int | None = None
    enabled: bool | None = None
    include_patterns: tuple[str, ...] | None = None
    exclude_patterns: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One sources row."""

    id: int
    url: str
    kind: SourceKind | None
    interval_seconds: int
    enabled: bool
    include_patterns: tuple[str, ...]
    exclude_patterns: tuple[str, ...]
    next_run_at: datetime
    consecutive_failures: int
    last_error: str | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CrawlRun:
    """One crawl_runs row."""

    id: int
    source_id: int
    status: RunStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    urls_found: int
    urls_new: int
    urls_failed: int
    error: str | None


@dataclass(frozen=True, slots=True)
class UrlState:
    """What a re-fetch of a URL needs: validators, body hash, the document it gave."""

    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    document_id: int | None


@dataclass(frozen=True, slots=True)
class RunTotals:
    """Counts a finished run records."""

    found: int
    new: int
    failed: int


@dataclass(frozen=True, slots=True)
class FetchLogEntry:
    """One fetch_log row: a fetch's outcome and what it was for."""

    url: str
    final_url: str | None
    status: int | None
    bytes: int
    elapsed_ms: int
    error: str | None
    job_id: UUID | None = None
    source_id: int | None = None
    run_id: int | None = None
    # When the fetch ended; None: now (the time of the writing transaction).
    fetched_at: datetime | None = None
