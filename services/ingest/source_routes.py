"""/v1/sources: add, list, change, remove and run crawl sources.

Adding a source never fetches it here (the API process makes no outbound requests);
when no kind is given and the URL does not tell, the first crawl detects it.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from copydesk import queries
from copydesk.crawl.discover import guess_kind_from_url
from copydesk.errors import InvalidInput, SourceNotFound
from copydesk.task_names import TASK_DISPATCH_SOURCES
from services.ingest.problems import problem_responses
from services.ingest.resources import Resources, get_resources
from services.ingest.source_schemas import RunAccepted, SourceIn, SourceOut, SourcePatch

logger = logging.getLogger(__name__)

router = APIRouter(responses=problem_responses(400, 401, 404, 422, 503))
ResourcesDep = Annotated[Resources, Depends(get_resources)]
# Runs shown with GET /v1/sources/{id}.
RECENT_RUNS = 10


@router.post("/v1/sources", status_code=status.HTTP_201_CREATED, response_model=SourceOut)
def create_source(body: SourceIn, res: ResourcesDep, response: Response) -> SourceOut:
    """Add a source; it is due at once."""
    kind = body.kind or guess_kind_from_url(body.url)
    with res.pool.connection() as conn:
        source = queries.insert_source(conn, body.to_new(kind))
    if source is None:
        raise InvalidInput(f"a source with URL {body.url} exists already")
    response.headers["Location"] = f"/v1/sources/{source.id}"
    logger.info("source_added", extra={"source_id": source.id, "url": source.url})
    return SourceOut.from_source(source)


@router.get("/v1/sources", response_model=list[SourceOut])
def list_sources(res: ResourcesDep) -> list[SourceOut]:
    """Every source with its health (last error, consecutive failures)."""
    with res.pool.connection() as conn:
        return [SourceOut.from_source(s) for s in queries.list_sources(conn)]


@router.get("/v1/sources/{source_id}", response_model=SourceOut)
def get_source(source_id: int, res: ResourcesDep) -> SourceOut:
    """One source and its most recent runs."""
    with res.pool.connection() as conn:
        source = queries.get_source(conn, source_id)
        if source is None:
            raise SourceNotFound(f"no source {source_id}")
        runs = queries.list_crawl_runs(conn, source_id, RECENT_RUNS)
    return SourceOut.from_source(source, runs)


@router.patch("/v1/sources/{source_id}", response_model=SourceOut)
def patch_source(source_id: int, body: SourcePatch, res: ResourcesDep) -> SourceOut:
    """Change a source's kind, interval, enabled flag or patterns."""
    with res.pool.connection() as conn:
        source = queries.update_source(conn, source_id, body.to_changes())
    if source is None:
        raise SourceNotFound(f"no source {source_id}")
    return SourceOut.from_source(source)


@router.delete("/v1/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source_id: int, res: ResourcesDep) -> Response:
    """Remove a source and its runs (jobs it created stay)."""
    with res.pool.connection() as conn:
        if not queries.delete_source(conn, source_id):
            raise SourceNotFound(f"no source {source_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/v1/sources/{source_id}/run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
)
def run_source(source_id: int, request: Request, res: ResourcesDep) -> RunAccepted:
    """Crawl a source now: make it due and nudge the dispatcher."""
    with res.pool.connection() as conn:
        if not queries.make_sources_due(conn, source_id):
            if queries.get_source(conn, source_id) is None:
                raise SourceNotFound(f"no source {source_id}")
            raise InvalidInput(f"source {source_id} is disabled; enable it first")
    res.sender.send_task(TASK_DISPATCH_SOURCES, queue=res.settings.queue)
    status_url = str(request.url_for("get_source", source_id=str(source_id)))
    return RunAccepted(source_id=source_id, status_url=status_url)
