"""The Celery tasks: thin wrappers that call pipeline.py and record what happened."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from celery import Celery, Task
from celery.signals import worker_process_shutdown

from copydesk.task_names import TASK_PROCESS, TASK_SWEEP
from services.worker import metrics, pipeline
from services.worker.context import WorkerContext

logger = logging.getLogger(__name__)


def register_tasks(app: Celery, ctx: WorkerContext) -> None:
    """Define the tasks on `app`, bound to the process's context."""

    @app.task(name=TASK_PROCESS, bind=True, max_retries=None)  # type: ignore[untyped-decorator]  # celery is untyped
    def process_job(self: Task[Any, Any], job_id: str) -> None:
        job_uuid = UUID(job_id)
        try:
            result = pipeline.run_job(ctx.pool(), ctx.settings, job_uuid)
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

    def _close_pool(**_: object) -> None:
        ctx.close()

    worker_process_shutdown.connect(_close_pool, weak=False)
