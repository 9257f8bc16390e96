"""Accepting work: write the job rows, commit, then enqueue each job by task name."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from copydesk import queries
from copydesk.errors import IdempotencyConflict
from copydesk.models import NewJob
from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS
from services.ingest.idempotency import HEADER, Idempotency
from services.ingest.resources import Resources

logger = logging.getLogger(__name__)

# A broker hiccup must not hold the request for long: the row is committed already, and the
# beat sweeper re-enqueues any job still queued after `stale_job_seconds`.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.5, "interval_max": 1}


@dataclass(frozen=True, slots=True)
class Submitted:
    """The jobs a request got; `replayed` when an Idempotency-Key returned earlier ones."""

    job_ids: list[UUID]
    batch_id: UUID | None
    replayed: bool = False


def submit_jobs(
    res: Resources,
    jobs: Sequence[NewJob],
    batch_id: UUID | None = None,
    idempotency: Idempotency | None = None,
) -> Submitted:
    """Store the jobs in one transaction, then enqueue them.

    With an Idempotency-Key already used for the same request, nothing is stored or
    enqueued and the earlier jobs are returned; used for another request, IdempotencyConflict.
    """
    with res.pool.connection() as conn:
        if idempotency is not None:
            earlier = _claim(conn, res, idempotency, batch_id)
            if earlier is not None:
                return earlier
        job_ids = queries.insert_jobs(conn, jobs, batch_id)
        if idempotency is not None:
            queries.set_idempotency_jobs(conn, idempotency.client, idempotency.key, job_ids)
    # The connection block committed: a worker can now always find the row.
    if len(job_ids) == 1:
        if _enqueue(res, TASK_PROCESS, [str(job_ids[0])]):
            extra = {"job_id": str(job_ids[0]), "kind": jobs[0].kind, "url": jobs[0].url}
            logger.info("job_enqueued", extra=extra)
    # A batch is one message; a worker sends the jobs' own (services/worker/enqueue_tasks.py).
    elif _enqueue(res, TASK_ENQUEUE_JOBS, [[str(j) for j in job_ids]]):
        for job_id, job in zip(job_ids, jobs, strict=True):
            extra = {"job_id": str(job_id), "batch_id": str(batch_id), "url": job.url}
            logger.info("job_enqueued", extra=extra)
    return Submitted(job_ids, batch_id)


def _claim(
    conn: queries.Conn, res: Resources, idem: Idempotency, batch_id: UUID | None
) -> Submitted | None:
    earlier = queries.claim_idempotency_key(
        conn,
        idem.client,
        idem.key,
        idem.endpoint,
        idem.request_sha256,
        batch_id,
        res.settings.idempotency_ttl_seconds,
    )
    if earlier is None:
        return None
    if earlier.endpoint != idem.endpoint:
        raise IdempotencyConflict(f"this {HEADER} was already used for {earlier.endpoint}")
    if earlier.request_sha256 != idem.request_sha256:
        raise IdempotencyConflict(f"this {HEADER} was already used with a different body")
    logger.info(
        "idempotent_replay", extra={"idempotency_key": idem.key, "jobs": len(earlier.job_ids)}
    )
    return Submitted(earlier.job_ids, earlier.batch_id, replayed=True)


def _enqueue(res: Resources, task: str, args: list[Any]) -> bool:
    """Send one task; False (and logged) if the broker cannot be reached."""
    try:
        res.sender.send_task(
            task, args=args, queue=res.settings.queue, retry=True, retry_policy=_PUBLISH_RETRY
        )
    except Exception as exc:  # boundary: the jobs stay queued and the sweeper retries them
        # ("args" would clash with the LogRecord attribute of that name.)
        logger.error("enqueue_failed", extra={"task": task, "task_args": args, "error": repr(exc)})
        return False
    return True
