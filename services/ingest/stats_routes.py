"""GET /v1/stats: jobs per state, throughput, failure reasons, sources due, oldest queued job."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from copydesk.stats import collect_stats
from services.ingest.resources import Resources, get_resources

router = APIRouter()
ResourcesDep = Annotated[Resources, Depends(get_resources)]


@router.get("/v1/stats")
def get_stats(res: ResourcesDep) -> dict[str, Any]:
    """A snapshot of what the system is doing (see copydesk/stats.py for the fields)."""
    with res.pool.connection() as conn:
        return collect_stats(conn).to_dict()
