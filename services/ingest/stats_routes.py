"""Watching the system: GET /v1/stats (the whole system) and GET /v1/batches/{id} (one batch)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends

from copydesk.errors import JobNotFound
from copydesk.stats import batch_progress, collect_stats
from services.ingest.problems import problem_responses
from services.ingest.resources import Resources, get_resources

router = APIRouter(responses=problem_responses(401, 404, 503))
ResourcesDep = Annotated[Resources, Depends(get_resources)]


@router.get("/v1/stats")
def get_stats(res: ResourcesDep) -> dict[str, Any]:
    """A snapshot of what the system is doing (see copydesk/stats.py for the fields)."""
    with res.pool.connection() as conn:
        return collect_stats(conn).to_dict()


@router.get("/v1/batches/{batch_id}")
def get_batch(batch_id: str, res: ResourcesDep) -> dict[str, Any]:
    """How many of a batch's jobs are queued, running, done and failed, and why some failed."""
    try:
        batch_uuid = UUID(batch_id)
    except ValueError:
        raise JobNotFound(f"no batch {batch_id}") from None
    with res.pool.connection() as conn:
        progress = batch_progress(conn, batch_uuid)
    if progress.total == 0:
        raise JobNotFound(f"no batch {batch_id}")
    return {"batch_id": str(batch_uuid), **progress.to_dict()}
