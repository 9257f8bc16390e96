"""The HTTP request and response shapes, and turning a request item into a `NewJob`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError

from copydesk.errors import InvalidInput, PayloadTooLarge
from copydesk.models import Document, Job, JobKind, NewJob

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Browsers and most servers stop near 8 KB; a longer "URL" is almost surely a mistake.
MAX_URL_CHARS = 8192


class DocumentIn(BaseModel):
    """One item: exactly one of `text`, `html` or `url` (`url` may accompany `html`)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    text: str | None = None
    html: str | None = None


class BatchIn(BaseModel):
    """A batch of items, each answered with its own job."""

    model_config = ConfigDict(extra="forbid")

    items: list[DocumentIn]


class JobAccepted(BaseModel):
    job_id: UUID
    status_url: str


class BatchAccepted(BaseModel):
    batch_id: UUID
    jobs: list[JobAccepted]


class JobOut(BaseModel):
    job_id: UUID
    batch_id: UUID | None
    kind: str
    status: str
    error: str | None
    attempts: int
    document_id: int | None
    document_url: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_job(cls, job: Job, document_url: str | None) -> JobOut:
        return cls(
            job_id=job.id,
            batch_id=job.batch_id,
            kind=str(job.kind),
            status=str(job.status),
            error=job.error,
            attempts=job.attempts,
            document_id=job.document_id,
            document_url=document_url,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class DocumentOut(BaseModel):
    id: int
    job_id: UUID | None
    source_kind: str
    source_url: str | None
    final_url: str | None
    canonical_url: str | None
    title: str | None
    text: str
    paragraphs: list[str]
    removed: list[dict[str, str]]
    authors: list[str]
    published_at: datetime | None
    modified_at: datetime | None
    sitename: str | None
    language: str | None
    description: str | None
    metadata: dict[str, Any]
    content_sha256: str
    word_count: int
    extractor: str
    extractor_version: str
    extraction_path: str
    created_at: datetime | None
    updated_at: datetime | None
    last_seen_at: datetime | None
    url_key: str | None
    version: int
    revised_at: datetime | None
    cluster_id: int | None

    @classmethod
    def from_document(cls, doc: Document) -> DocumentOut:
        assert doc.id is not None  # only stored documents are served
        return cls(
            id=doc.id,
            job_id=doc.job_id,
            source_kind=str(doc.source_kind),
            source_url=doc.source_url,
            final_url=doc.final_url,
            canonical_url=doc.canonical_url,
            title=doc.title,
            text=doc.text,
            paragraphs=list(doc.paragraphs),
            removed=list(doc.removed),
            authors=list(doc.authors),
            published_at=doc.published_at,
            modified_at=doc.modified_at,
            sitename=doc.sitename,
            language=doc.language,
            description=doc.description,
            metadata=doc.metadata,
            content_sha256=doc.content_sha256,
            word_count=doc.word_count,
            extractor=doc.extractor,
            extractor_version=doc.extractor_version,
            extraction_path=doc.extraction_path,
            created_at=doc.created_at,
            updated_at=doc.updated_at,
            last_seen_at=doc.last_seen_at,
            url_key=doc.url_key,
            version=doc.version,
            revised_at=doc.revised_at,
            cluster_id=doc.cluster_id,
        )


def validate_url(url: str) -> str:
    """The URL stripped, if it is an absolute http(s) URL with a host."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InvalidInput(f"url is longer than {MAX_URL_CHARS} characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InvalidInput(f"url must be http or https, not {parts.scheme or 'relative'!r}")
    if not parts.hostname:
        raise InvalidInput("url has no host")
    return url


def to_new_job(item: DocumentIn, max_text_chars: int) -> NewJob:
    """Check one item's combination of fields and sizes, and say what kind of job it is."""
    if item.text is not None and (item.html is not None or item.url is not None):
        raise InvalidInput("give exactly one of text, html or url (url may accompany html)")
    if item.text is not None:
        return NewJob(JobKind.TEXT, body=_checked_body("text", item.text, max_text_chars))
    if item.html is not None:
        url = validate_url(item.url) if item.url is not None else None
        return NewJob(JobKind.HTML, url=url, body=_checked_body("html", item.html, max_text_chars))
    if item.url is not None:
        return NewJob(JobKind.URL, url=validate_url(item.url))
    raise InvalidInput("give one of text, html or url")


def _checked_body(field: str, value: str, max_chars: int) -> str:
    if not value.strip():
        raise InvalidInput(f"{field} is empty")
    if len(value) > max_chars:
        raise PayloadTooLarge(f"{field} is longer than {max_chars} characters", limit=max_chars)
    return value


def parse_document(raw: bytes, max_text_chars: int) -> NewJob:
    """Parse and check the body of POST /v1/documents."""
    try:
        item = DocumentIn.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput(_describe(exc)) from exc
    return to_new_job(item, max_text_chars)


def parse_batch(raw: bytes, max_text_chars: int, max_items: int) -> list[NewJob]:
    """Parse and check the body of POST /v1/documents:batch; one bad item rejects the batch."""
    try:
        batch = BatchIn.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidInput(_describe(exc)) from exc
    if not batch.items:
        raise InvalidInput("items is empty")
    if len(batch.items) > max_items:
        raise InvalidInput(f"a batch holds at most {max_items} items, not {len(batch.items)}")
    jobs = []
    for index, item in enumerate(batch.items):
        try:
            jobs.append(to_new_job(item, max_text_chars))
        except InvalidInput as exc:
            exc.args = (f"items[{index}]: {exc}",)
            raise
    return jobs


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as one readable sentence, e.g. `body is not valid JSON`."""
    messages = []
    for error in exc.errors(include_url=False):
        if error["type"] == "json_invalid":
            return f"body is not valid JSON: {error['ctx'].get('error', '')}".rstrip(": ")
        where = ".".join(str(p) for p in error["loc"]) or "body"
        messages.append(f"{where}: {error['msg']}")
    return "; ".join(messages)
