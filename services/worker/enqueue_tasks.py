"""copydesk.enqueue_jobs: a batch's fan-out, one process_job message per job.

The API sends a batch as one message, because publishing a message per job costs about a
millisecond each and would hold a 1,000-item request for a second or more. A worker turns
it into the jobs' own messages (about 1% of the time it then spends extracting them). If
the fan-out is lost or runs twice, nothing breaks: the rows are committed, the sweeper
re-enqueues jobs left queued, and claim_job makes a second message for a job a no-op.
"""

from __future__ import annotations

import logging

from celery import Celery

from copydesk.task_names import TASK_ENQUEUE_JOBS, TASK_PROCESS
from services.worker.context import WorkerContext

logger = logging.getLogger(__name__)


def register_enqueue_tasks(app: Celery, ctx: WorkerContext) -> None:
    """Define the fan-out task on `app`."""
    queue = ctx.settings.queue

    @app.task(name=TASK_ENQUEUE_JOBS)  # type: ignore[untyped-decorator]  # celery is untyped
    def enqueue_jobs(job_ids: list[str]) -> None:
        with app.producer_or_acquire() as producer:
            for job_id in job_ids:
                app.send_task(TASK_PROCESS, args=[job_id], queue=queue, producer=producer)
                logger.info("job_dispatched", extra={"job_id": job_id})
