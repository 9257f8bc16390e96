"""The Celery app of the worker and beat, built from settings at process start."""

from __future__ import annotations

from celery import Celery

from copydesk.settings import Settings
from copydesk.task_names import TASK_DISPATCH_SOURCES, TASK_SWEEP
from services.worker.broker import install_ack_repair
from services.worker.context import WorkerContext
from services.worker.crawl_tasks import register_crawl_tasks
from services.worker.enqueue_tasks import register_enqueue_tasks
from services.worker.tasks import register_tasks

BEAT_SCHEDULE_FILE = "celerybeat-schedule"


def create_app(settings: Settings) -> Celery:
    """The worker's Celery app with its tasks registered."""
    install_ack_repair()
    app = Celery("copydesk-worker", broker=settings.require_redis_url(), set_as_current=False)
    app.conf.update(
        task_default_queue=settings.queue,
        # A task is acknowledged only after it ran, so a killed worker's job is redelivered;
        # claim_job makes the second run a no-op when the first finished.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Test runs and deployments share Redis; broadcast control messages are not used.
        worker_enable_remote_control=False,
        # Redis redelivers a message not acknowledged within this time. It is above the
        # longest task (process_job's time limit) plus the longest retry countdown, so only a
        # lost worker's messages come back; the sweeper usually recovers their jobs first.
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout},
        # Prefork child recycling (None: never); see COPYDESK_WORKER_MAX_* in the README.
        worker_max_tasks_per_child=settings.worker_max_tasks_per_child or None,
        worker_max_memory_per_child=settings.worker_max_memory_per_child_kb or None,
        beat_schedule={
            "sweep-stale-jobs": {
                "task": TASK_SWEEP,
                "schedule": settings.sweep_interval_seconds,
                "options": {"queue": settings.queue},
            },
            # Beat only ticks; which sources are due is decided in Postgres.
            "dispatch-due-sources": {
                "task": TASK_DISPATCH_SOURCES,
                "schedule": settings.crawl_dispatch_interval_seconds,
                "options": {"queue": settings.queue},
            },
        },
        beat_schedule_filename=str(settings.data_dir / BEAT_SCHEDULE_FILE),
    )
    context = WorkerContext(settings)
    register_tasks(app, context)
    register_crawl_tasks(app, context)
    register_enqueue_tasks(app, context)
    return app
