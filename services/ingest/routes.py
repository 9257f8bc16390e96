"""The HTTP routes. They raise copydesk errors; problems.py turns those into responses."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request, status
from starlette.concurrency import run_in_threadpool

from copydesk import queries
from copydesk.errors import JobNotFound, PayloadTooLarge
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
from services.ingest.submit import submit_jobs

router = APIRouter(responses=problem_responses(404, 413, 422, 503))
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


def _status_url(request: Request, job_id: UUID) -> str:
    return str(request.url_for("get_job", job_id=str(job_id)))


@router.post(
    "/v1/documents",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    openapi_extra=_json_body(DocumentIn),
)
async def post_document(request: Request, res: ResourcesDep) -> JobAccepted:
    """Accept one text, HTML page or URL; answers at once with the job to poll."""
    raw = await _read_body(request, res.settings.max_body_bytes)
    job = parse_document(raw, res.settings.max_text_chars)
    (job_id,) = await run_in_threadpool(submit_jobs, res, [job])
    return JobAccepted(job_id=job_id, status_url=_status_url(request, job_id))


@router.post(
    "/v1/documents:batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchAccepted,
    openapi_extra=_json_body(BatchIn),
)
async def post_batch(request: Request, res: ResourcesDep) -> BatchAccepted:
    """Accept up to `max_batch_items` items, one job each; one bad item rejects them all."""
    raw = await _read_body(request, res.settings.max_body_bytes)
    jobs = parse_batch(raw, res.settings.max_text_chars, res.settings.max_batch_items)
    batch_id = uuid4()
    job_ids = await run_in_threadpool(submit_jobs, res, jobs, batch_id)
    accepted = [JobAccepted(job_id=j, status_url=_status_url(request, j)) for j in job_ids]
    return BatchAccepted(batch_id=batch_id, jobs=accepted)


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


@router.get("/healthz")
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
