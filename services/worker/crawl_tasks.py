"""Celery tasks for scheduled crawls: thin wrappers around crawl.py.

copydesk.dispatch_due_sources   ticked by beat: claim due sources, send one crawl each
copydesk.crawl_source           args=[run_id]: crawl, then enqueue the new URLs' jobs
"""

from __future__ import annotations

import logging

from celery import Celery

from copydesk.task_names import TASK_CRAWL_SOURCE, TASK_DISPATCH_SOURCES, TASK_PROCESS
from services.worker import crawl
from services.worker.context import WorkerContext
from services.worker.webclient import web_client

logger = logging.getLogger(__name__)


def register_crawl_tasks(app: Celery, ctx: WorkerContext) -> None:
    """Define the crawl tasks on `app`, bound to the process's context."""
    queue = ctx.settings.queue

    @app.task(name=TASK_DISPATCH_SOURCES)  # type: ignore[untyped-decorator]  # celery is untyped
    def dispatch_due_sources() -> None:
        claimed = crawl.dispatch_due_sources(ctx.pool(), ctx.settings.crawl_dispatch_batch)
        for source_id, run_id in claimed:
            app.send_task(TASK_CRAWL_SOURCE, args=[run_id], queue=queue)
            logger.info("crawl_enqueued", extra={"source_id": source_id, "run_id": run_id})

    @app.task(name=TASK_CRAWL_SOURCE)  # type: ignore[untyped-decorator]  # celery is untyped
    def crawl_source(run_id: int) -> None:
        try:
            result = crawl.crawl_source(ctx.pool(), web_client(ctx.settings), run_id)
        except Exception as exc:  # boundary: a crashed crawl is recorded, never left running
            logger.exception("crawl_crashed", extra={"run_id": run_id})
            crawl.fail_run(ctx.pool(), run_id, f"internal error: {exc!r}")
            return
        if result is None:
            return
        # The jobs were committed with the run; a lost message is re-sent by the job sweeper.
        for job_id in result.job_ids:
            app.send_task(TASK_PROCESS, args=[str(job_id)], queue=queue)
