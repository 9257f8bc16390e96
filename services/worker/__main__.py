"""`python -m services.worker worker [--concurrency N]` or `python -m services.worker beat`."""

from __future__ import annotations

import argparse
import logging
import os

from celery.signals import setup_logging, worker_process_shutdown

from copydesk.logs import configure_logging
from copydesk.settings import Settings
from services.worker import metrics_export


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.worker")
    parser.add_argument("component", choices=["worker", "beat"])
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()

    settings = Settings()
    # Before anything imports prometheus_client: every process of this worker writes its
    # metrics under this directory (see services/worker/metrics_export.py).
    metrics_dir = metrics_export.prepare_multiprocess_dir()
    try:
        _run(args.component, args.concurrency, settings)
    finally:
        metrics_export.remove_multiprocess_dir(metrics_dir)


# Celery's own line per task received and per task succeeded: the job's events (job_started,
# document_stored, job_failed) say the same with the job id and URL, and the two lines cost
# the worker's processes a JSON record each per job. Its warnings and errors still show, and
# at DEBUG everything does.
PER_TASK_LOGGERS = ("celery.worker.strategy", "celery.app.trace")


def _configure_logging(settings: Settings, component: str) -> None:
    configure_logging(settings.log_level, component=component)
    if logging.getLogger().level > logging.DEBUG:
        for name in PER_TASK_LOGGERS:
            logging.getLogger(name).setLevel(max(logging.getLogger().level, logging.WARNING))


def _run(component: str, concurrency: int | None, settings: Settings) -> None:
    from services.worker.app import BEAT_SCHEDULE_FILE, create_app

    # Connecting this signal stops Celery from installing its own log handlers.
    setup_logging.connect(lambda **_: _configure_logging(settings, component), weak=False)
    app = create_app(settings)
    level = settings.log_level.upper()
    if component == "beat":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        schedule = str(settings.data_dir / BEAT_SCHEDULE_FILE)
        app.start(["beat", "--loglevel", level, "--schedule", schedule])
        return
    argv = [
        "worker",
        "--loglevel",
        level,
        "--queues",
        settings.queue,
        "--hostname",
        f"copydesk-{os.getpid()}@%h",
        # Gossip, mingle and heartbeats coordinate worker clusters; we do not use them and
        # they slow the start.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    if settings.worker_metrics_port:
        metrics_export.start_exporter(
            settings.worker_metrics_host,
            settings.worker_metrics_port,
            settings.redis_client_url(),
            settings.queue,
        )
    worker_process_shutdown.connect(
        lambda **_: metrics_export.mark_child_dead(os.getpid()), weak=False
    )
    # Before the pool forks: children inherit the loaded models (services/worker/warmup.py).
    from services.worker.warmup import warm_extractors

    try:
        warm_extractors()
    except Exception:  # a speed-up only: without it each child loads the models itself
        logging.getLogger(__name__).exception("warm_up_failed")
    app.worker_main(argv)


if __name__ == "__main__":
    main()
