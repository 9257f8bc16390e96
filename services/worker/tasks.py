"""The Celery tasks: thin wrappers that call pipeline.py and record what happened."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_shutdown

from copydesk.db import DATABASE_ERRORS
from copydesk.models import Delivery
from copydesk.task_names import TASK_PROCESS, TASK_SWEEP
from services.worker import metrics, pipeline
from services.worker.context import WorkerContext

logger = logging.getLogger(__name__)

# Seconds between the soft time limit (the job fails) and the hard one (the child is killed).
HARD_LIMIT_GRACE_SECONDS = 15.0
# Seconds before a job interrupted by a database outage is tried again.
DATABASE_RETRY_SECONDS = 2.0


def register_tasks(app: Celery, ctx: WorkerContext) -> None:
    """Define the tasks on `app`, bound to the process's context."""

    limit = ctx.settings.job_time_limit

    @app.task(  # type: ignore[untyped-decorator]  # celery is untyped
        name=TASK_PROCESS,
        bind=True,
        max_retries=None,
        # The soft limit fails the job with a reason; the hard one kills a child stuck in C
        # code, and the sweeper then retries or fails the job like any lost worker's.
        soft_time_limit=limit,
        time_limit=limit + HARD_LIMIT_GRACE_SECONDS,
    )
    def process_job(self: Task[Any, Any], job_id: str) -> None:
        job_uuid = UUID(job_id)
        info = self.request.delivery_info or {}
        delivery = Delivery(self.request.id, redelivered=bool(info.get("redelivered")))
        try:
            result = pipeline.run_job(ctx.pool(), ctx.settings, job_uuid, delivery)
        except SoftTimeLimitExceeded:
            metrics.count_job("timed_out")
            pipeline.fail_job(ctx.pool(), job_uuid, f"the job took longer than {limit:g} s")
            return
        except DATABASE_ERRORS as exc:
            # The database went away mid-job: not the job's fault, so try again later.
            logger.warning("job_database_error", extra={"job_id": job_id, "error": repr(exc)})
            pipeline.release_job(ctx.pool(), job_uuid)
            raise self.retry(countdown=DATABASE_RETRY_SECONDS) from exc
        except Exception as exc:  # boundary: record any failure on the row, never lose it
            logger.exception("job_crashed", extra={"job_id": job_id})
            metrics.count_job("crashed")
            pipeline.fail_job(ctx.pool(), job_uuid, f"internal error: {exc!r}")
            return
        if result.outcome is pipeline.Outcome.RETRY:
            raise self.retry(countdown=result.retry_in)

    @app.task(name=TASK_SWEEP)  # type: ignore[untyped-decorator]  # celery is untyped
    def sweep_stale_jobs() -> None:
        requeue, failed = pipeline.sweep_stale_jobs(ctx.pool(), ctx.settings)
        for job_id in requeue:
            app.send_task(TASK_PROCESS, args=[str(job_id)], queue=ctx.settings.queue)
        if requeue or failed:
            logger.warning(
                "stale_jobs_swept", extra={"requeued": len(requeue), "failed": len(failed)}
            )
        purged = pipeline.purge_idempotency_keys(ctx.pool(), ctx.settings)
        if purged:
            logger.info("idempotency_keys_purged", extra={"deleted": purged})
        pipeline.summarize_job_ranges(ctx.pool())

    def _close_pool(**_: object) -> None:
        ctx.close()

    worker_process_shutdown.connect(_close_pool, weak=False)
