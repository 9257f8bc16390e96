"""The HTTP request and response shapes, and turning a request item into a `NewJob`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError

from copydesk.errors import InvalidInput, PayloadTooLarge
from copydesk.models import Document, Job, JobKind, NewJob

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Browsers and most servers stop near 8 KB; a longer "URL" is almost surely a mistake.
MAX_URL_CHARS = 8192
# Whitespace and control characters inside a URL: a paste gone wrong or a header injection.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
# C0 and C1 control characters other than tab, newlines and form feed. Text holds next to
# none; bytes of a binary file read as Latin-1 are a quarter control characters. C0 and DEL
# are counted as UTF-8 bytes (no other character's encoding holds them), C1 (U+0080..U+009F,
# encoded after a 0xC2 byte) by a regex only when such a byte is there: scanning bytes is
# several times cheaper than a regex over every character of every submitted text.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_C1_CONTROL = re.compile("[\x80-\x9f]")
MAX_CONTROL_SHARE = 0.05


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


_DEFS_PREFIX = "#/$defs/"
_Model = TypeVar("_Model", DocumentIn, BatchIn)


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


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its local `$defs` references replaced by the definitions.

    Refs like `#/$defs/DocumentIn` only resolve inside the schema they came from, not once it
    is embedded in the OpenAPI document. Our request models are not recursive.
    """
    defs = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith(_DEFS_PREFIX):
                return inline(defs[ref.removeprefix(_DEFS_PREFIX)])
            return {k: inline(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result


def validate_url(url: str) -> str:
    """The URL stripped, if it is an absolute http(s) URL with a host and no credentials."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise InvalidInput(f"url is longer than {MAX_URL_CHARS} characters")
    if _URL_UNSAFE.search(url):
        raise InvalidInput("url contains whitespace or control characters")
    if not url.isascii() and _has_surrogate(url):
        raise InvalidInput("url contains a lone surrogate, which cannot be stored")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise InvalidInput(f"url cannot be parsed: {exc}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InvalidInput(f"url must be http or https, not {parts.scheme or 'relative'!r}")
    if not hostname:
        raise InvalidInput("url has no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url must not carry credentials (user:password@)")
    return url


def to_new_job(item: Mapping[str, str | None], max_text_chars: int) -> NewJob:
    """Check one item's combination of fields and sizes, and say what kind of job it is."""
    text, html, url = item.get("text"), item.get("html"), item.get("url")
    if text is not None and (html is not None or url is not None):
        raise InvalidInput("give exactly one of text, html or url (url may accompany html)")
    if text is not None:
        return NewJob(JobKind.TEXT, body=_checked_body("text", text, max_text_chars))
    if html is not None:
        url = validate_url(url) if url is not None else None
        return NewJob(JobKind.HTML, url=url, body=_checked_body("html", html, max_text_chars))
    if url is not None:
        return NewJob(JobKind.URL, url=validate_url(url))
    raise InvalidInput("give one of text, html or url")


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _checked_body(field: str, value: str, max_chars: int) -> str:
    # Two passes over the text (encode, translate) where there were five (strip, NUL, encode,
    # translate, 0xC2): ~1.0 instead of ~1.2 us per 1.6 kB ASCII text, 2.2 instead of 2.7
    # with a few non-ASCII characters. Same checks, same reasons, in the same order.
    if not value or value.isspace():  # what `not value.strip()` says, without the copy
        raise InvalidInput(f"{field} is empty")
    if len(value) > max_chars:
        raise PayloadTooLarge(f"{field} is longer than {max_chars} characters", limit=max_chars)
    # PostgreSQL text holds neither NUL nor UTF-16 surrogates (json.loads lets "\ud800" through).
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError as exc:
        _refuse_nul(field, value)
        code = f"\\u{ord(value[exc.start]):04x}"
        raise InvalidInput(
            f"{field} contains a lone surrogate ({code}), which cannot be stored"
        ) from None
    controls = len(encoded) - len(encoded.translate(None, _C0_BYTES))
    if controls:  # NUL is one of them
        _refuse_nul(field, value)
    # isascii() is a flag of the string (no scan): an ASCII text has no C1 character.
    if not value.isascii() and b"\xc2" in encoded:
        controls += len(_C1_CONTROL.findall(value))
    if controls > len(value) * MAX_CONTROL_SHARE:
        raise InvalidInput(f"{field} looks like binary data ({controls} control characters)")
    return value


def _refuse_nul(field: str, value: str) -> None:
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character (\\u0000), which cannot be stored")


def parse_document(raw: bytes, max_text_chars: int) -> NewJob:
    """Parse and check the body of POST /v1/documents."""
    item = load_json(raw)
    if not _is_plain_item(item):
        item = _validate(DocumentIn, item).model_dump()
    return to_new_job(item, max_text_chars)


def parse_batch(raw: bytes, max_text_chars: int, max_items: int) -> list[NewJob]:
    """Parse and check the body of POST /v1/documents:batch; one bad item rejects the batch."""
    body = load_json(raw)
    items = body.get("items") if type(body) is dict and body.keys() == {"items"} else None
    if type(items) is not list or not all(map(_is_plain_item, items)):
        items = [item.model_dump() for item in _validate(BatchIn, body).items]
    if not items:
        raise InvalidInput("items is empty")
    if len(items) > max_items:
        raise InvalidInput(f"a batch holds at most {max_items} items, not {len(items)}")
    jobs = []
    for index, item in enumerate(items):
        try:
            jobs.append(to_new_job(item, max_text_chars))
        except InvalidInput as exc:
            exc.args = (f"items[{index}]: {exc}",)
            raise
    return jobs


_ITEM_FIELDS = frozenset(DocumentIn.model_fields)


def _is_plain_item(value: Any) -> bool:
    """Whether `value` is an item DocumentIn takes as it is: an object of its fields, each a
    string or null. Such items (all of them, in practice) skip pydantic, whose models cost a
    batch of 100 URLs ~10% of its parsing time (3% for 100 texts); any other value goes
    through the model, which refuses it with pydantic's message (or converts it as the model
    says)."""
    return (
        type(value) is dict
        and value.keys() <= _ITEM_FIELDS
        and all(v is None or type(v) is str for v in value.values())
    )


def _validate(model: type[_Model], body: Any) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(_describe(exc)) from exc


def load_json(raw: bytes) -> Any:
    """A request body as JSON; invalid UTF-8, NaN and duplicate keys are refused.

    With duplicate keys, parsers disagree on which value wins, so a proxy or client that
    read the first one would believe something else was submitted than what we stored.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"body is not valid UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"body is not valid JSON: {exc.msg} at column {exc.colno}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise InvalidInput(f"body has the key {key!r} twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise InvalidInput(f"body is not valid JSON: {name} is not a JSON value")


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as one readable sentence, e.g. `items.0.text: Input should be...`."""
    messages = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "body"
        messages.append(f"{where}: {error['msg']}")
    return "; ".join(messages)
