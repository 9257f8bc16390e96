"""Dataclasses shared by ingest and worker: what a job and a document row hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


class JobStatus(StrEnum):
    """Job states; the values match the CHECK constraint on ingest_jobs.status."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    """What was submitted; the values match the CHECK constraint on ingest_jobs.kind."""

    URL = "url"
    TEXT = "text"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class NewJob:
    """One submitted item, validated, before it has a row."""

    kind: JobKind
    url: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """The broker message a worker is running a job from.

    `redelivered` is set on a message the broker handed out again because the worker that
    had it died (or never acknowledged it within the visibility timeout).
    """

    task_id: str | None = None
    redelivered: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    """One ingest_jobs row."""

    id: UUID
    kind: JobKind
    status: JobStatus
    url: str | None
    body: str | None
    error: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    document_id: int | None
    batch_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """One documents row; `id` and the timestamps are None until it is stored."""

    source_kind: JobKind
    text: str
    paragraphs: tuple[str, ...]
    content_sha256: str
    word_count: int
    extractor: str
    job_id: UUID | None = None
    source_url: str | None = None
    final_url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    removed: tuple[dict[str, str], ...] = ()
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    extractor_version: str = ""
    extraction_path: str = ""
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_seen_at: datetime | None = None
    # Set by the store (copydesk/store.py), not by extraction.
    url_key: str | None = None
    version: int = 1
    revised_at: datetime | None = None
    cluster_id: int | None = None
