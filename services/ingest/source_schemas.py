"""Request and response bodies of /v1/sources (Pydantic lives only at the HTTP edge)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from copydesk.crawl.discover import SourceKind
from copydesk.crawl.records import (
    DEFAULT_INTERVAL_SECONDS,
    CrawlRun,
    NewSource,
    RunStatus,
    Source,
    SourceChanges,
)
from copydesk.crawl.urls import compile_patterns

# Shorter than a minute would hammer sites; longer than a week is not "scheduled" any more.
MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 7 * 24 * 3600
MAX_PATTERNS = 50
MAX_URL_LENGTH = 2048
URL_PATTERN = r"^https?://[^\s/@]+(/\S*)?$"

Interval = Annotated[int, Field(ge=MIN_INTERVAL_SECONDS, le=MAX_INTERVAL_SECONDS)]
Patterns = Annotated[list[str], Field(max_length=MAX_PATTERNS)]


def _valid_patterns(value: list[str] | None) -> list[str] | None:
    """Refuse patterns that are not regular expressions (BadPattern is a ValueError: 422)."""
    if value is not None:
        for pattern in value:
            _storable(pattern)
        compile_patterns(value)
    return value


def _storable(value: str) -> str:
    """PostgreSQL text cannot hold NUL: refuse it here (422) rather than fail on INSERT."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\u0000)")
    return value


class SourceIn(BaseModel):
    """POST /v1/sources: a feed, sitemap or homepage to crawl every `interval_seconds`."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL_LENGTH, pattern=URL_PATTERN)
    kind: SourceKind | None = None
    interval_seconds: Interval = DEFAULT_INTERVAL_SECONDS
    enabled: bool = True
    include_patterns: Patterns = Field(default_factory=list)
    exclude_patterns: Patterns = Field(default_factory=list)

    _patterns = field_validator("include_patterns", "exclude_patterns")(_valid_patterns)
    _url = field_validator("url")(_storable)

    def to_new(self, kind: SourceKind | None) -> NewSource:
        return NewSource(
            url=self.url,
            kind=kind,
            interval_seconds=self.interval_seconds,
            enabled=self.enabled,
            include_patterns=tuple(self.include_patterns),
            exclude_patterns=tuple(self.exclude_patterns),
        )


class SourcePatch(BaseModel):
    """PATCH /v1/sources/{id}: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    kind: SourceKind | None = None
    interval_seconds: Interval | None = None
    enabled: bool | None = None
    include_patterns: Patterns | None = None
    exclude_patterns: Patterns | None = None

    _patterns = field_validator("include_patterns", "exclude_patterns")(_valid_patterns)

    def to_changes(self) -> SourceChanges:
        return SourceChanges(
            kind=self.kind,
            interval_seconds=self.interval_seconds,
            enabled=self.enabled,
            include_patterns=_tuple(self.include_patterns),
            exclude_patterns=_tuple(self.exclude_patterns),
        )


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


class RunOut(BaseModel):
    """One crawl run of a source."""

    id: int
    status: RunStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    urls_found: int
    urls_new: int
    urls_failed: int
    error: str | None

    @classmethod
    def from_run(cls, run: CrawlRun) -> RunOut:
        return cls(
            id=run.id,
            status=run.status,
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            urls_found=run.urls_found,
            urls_new=run.urls_new,
            urls_failed=run.urls_failed,
            error=run.error,
        )


class SourceOut(BaseModel):
    """A source, its health, and (on GET by id) its recent runs."""

    id: int
    url: str
    kind: SourceKind | None
    interval_seconds: int
    enabled: bool
    include_patterns: list[str]
    exclude_patterns: list[str]
    next_run_at: datetime
    consecutive_failures: int
    last_error: str | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    created_at: datetime
    updated_at: datetime
    recent_runs: list[RunOut] = Field(default_factory=list)

    @classmethod
    def from_source(cls, source: Source, runs: list[CrawlRun] | None = None) -> SourceOut:
        return cls(
            id=source.id,
            url=source.url,
            kind=source.kind,
            interval_seconds=source.interval_seconds,
            enabled=source.enabled,
            include_patterns=list(source.include_patterns),
            exclude_patterns=list(source.exclude_patterns),
            next_run_at=source.next_run_at,
            consecutive_failures=source.consecutive_failures,
            last_error=source.last_error,
            last_run_at=source.last_run_at,
            last_success_at=source.last_success_at,
            created_at=source.created_at,
            updated_at=source.updated_at,
            recent_runs=[RunOut.from_run(r) for r in runs or []],
        )


class RunAccepted(BaseModel):
    """POST /v1/sources/{id}/run: the source is due now and the dispatcher was nudged."""

    source_id: int
    status_url: str
