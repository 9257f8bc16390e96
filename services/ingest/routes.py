"""The HTTP routes. They raise copydesk errors; problems.py turns those into responses."""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request, Response, status
from starlette.applications import Starlette

from copydesk import queries
from copydesk.errors import JobNotFound, PayloadTooLarge
from services.ingest.auth import request_client
from services.ingest.idempotency import HEADER, idempotency_for
from services.ingest.problems import problem_responses
from services.ingest.resources import Resources, get_resources
from services.ingest.schemas import (
    BatchAccepted,
    BatchIn,
    DocumentIn,
    DocumentOut,
    JobAccepted,
    JobOut,
    inline_refs,
    parse_batch,
    parse_document,
)
from services.ingest.submit import Submitted, submit_jobs

router = APIRouter(responses=problem_responses(401, 404, 413, 422, 503))
ResourcesDep = Annotated[Resources, Depends(get_resources)]


def _json_body(model: type[DocumentIn] | type[BatchIn]) -> dict[str, Any]:
    # The body is read and validated by hand (to cap its size before parsing), so the
    # OpenAPI document is told its schema explicitly.
    schema = {"content": {"application/json": {"schema": inline_refs(model.model_json_schema())}}}
    return {"requestBody": {"required": True, **schema}}


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing to buffer more than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes", limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description="Repeat a request safely: the same key and body return the same job(s); "
        "the same key with another body is a 409.",
    ),
]
# Set on an answer that repeats an earlier request's jobs instead of creating new ones.
REPLAYED_HEADER = "Idempotent-Replayed"
_IDEMPOTENCY_CONFLICT = problem_responses(409)


def _jobs_base(request: Request) -> str:
    """Each job's status URL is this plus its id, as `request.url_for("get_job", ...)` gives
    it. Resolving the route walks the routers and costs more than the rest of an answer, so
    the path is resolved once per app."""
    return str(request.base_url).rstrip("/") + _jobs_path(request.app)


@cache
def _jobs_path(app: Starlette) -> str:
    """The path of GET /v1/jobs/{job_id} without its id: '/v1/jobs/'."""
    return str(app.url_path_for("get_job", job_id="-")).removesuffix("-")


def _accepted(submitted: Submitted, body: dict[str, Any]) -> Response:
    """The 202 answer, encoded here: through the response model, FastAPI validated and
    serialised every job again, a tenth of the API's time for a batch of 100. Its shape is
    the route's `response_model` (tests/integration/test_api_schema_fuzz.py checks it)."""
    headers = {REPLAYED_HEADER: "true"} if submitted.replayed else None
    content = json.dumps(body, separators=(",", ":")).encode()
    return Response(content, status.HTTP_202_ACCEPTED, headers, "application/json")


@router.post(
    "/v1/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    openapi_extra=_json_body(DocumentIn),
    responses=_IDEMPOTENCY_CONFLICT,
)
async def post_document(
    request: Request, res: ResourcesDep, key: IdempotencyKeyHeader = None
) -> Response:
    """Accept one text, HTML page or URL; answers at once with the job to poll."""
    raw = await _read_body(request, res.settings.max_body_bytes)
    job = parse_document(raw, res.settings.max_text_chars)
    idem = idempotency_for(key, request_client(request), "POST /v1/documents", [job])
    submitted = await submit_jobs(res, [job], None, idem)
    (job_id,) = submitted.job_ids
    return _accepted(submitted, {"job_id": job_id, "status_url": _jobs_base(request) + job_id})


@router.post(
    "/v1/documents:batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchAccepted,
    openapi_extra=_json_body(BatchIn),
    responses=_IDEMPOTENCY_CONFLICT,
)
async def post_batch(
    request: Request, res: ResourcesDep, key: IdempotencyKeyHeader = None
) -> Response:
    """Accept up to `max_batch_items` items, one job each; one bad item rejects them all."""
    raw = await _read_body(request, res.settings.max_body_bytes)
    jobs = parse_batch(raw, res.settings.max_text_chars, res.settings.max_batch_items)
    idem = idempotency_for(key, request_client(request), "POST /v1/documents:batch", jobs)
    # Time-ordered like the job ids, for the same reason: see queries.new_job_ids.
    batch_id = UUID(queries.new_job_ids(1)[0])
    submitted = await submit_jobs(res, jobs, batch_id, idem)
    base = _jobs_base(request)
    accepted = [{"job_id": j, "status_url": base + j} for j in submitted.job_ids]
    return _accepted(submitted, {"batch_id": str(submitted.batch_id), "jobs": accepted})


@router.get("/v1/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, request: Request, res: ResourcesDep) -> JobOut:
    """A job's status, its error when failed, and its document when done."""
    with res.pool.connection() as conn:
        job = queries.get_job(conn, _parse_uuid(job_id))
    if job is None:
        raise JobNotFound(f"no job {job_id}")
    document_url = None
    if job.document_id is not None:
        document_url = str(request.url_for("get_document", document_id=str(job.document_id)))
    return JobOut.from_job(job, document_url)


@router.get("/v1/documents/{document_id}", response_model=DocumentOut)
def get_document(document_id: str, res: ResourcesDep) -> DocumentOut:
    """A stored document."""
    if not document_id.isdigit():
        raise JobNotFound(f"no document {document_id}")
    with res.pool.connection() as conn:
        doc = queries.get_document(conn, int(document_id))
    if doc is None:
        raise JobNotFound(f"no document {document_id}")
    return DocumentOut.from_document(doc)


# Open to everyone (load balancers, compose health checks): no API key needed.
health_router = APIRouter(responses=problem_responses(503))


@health_router.get("/healthz")
def healthz(res: ResourcesDep) -> dict[str, str]:
    """Liveness and database reachability, for load balancers and compose health checks."""
    with res.pool.connection() as conn:
        queries.ping(conn)
    return {"status": "ok"}


def _parse_uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise JobNotFound(f"no job {value}") from None
