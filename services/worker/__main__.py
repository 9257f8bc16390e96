"""`python -m services.worker worker [--concurrency N]` or `python -m services.worker beat`."""

from __future__ import annotations

import argparse
import os

from celery.signals import setup_logging

from copydesk.logs import configure_logging
from copydesk.settings import Settings
from services.worker.app import BEAT_SCHEDULE_FILE, create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m services.worker")
    parser.add_argument("component", choices=["worker", "beat"])
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()

    settings = Settings()
    # Connecting this signal stops Celery from installing its own log handlers.
    setup_logging.connect(
        lambda **_: configure_logging(settings.log_level, component=args.component), weak=False
    )
    app = create_app(settings)
    level = settings.log_level.upper()
    if args.component == "beat":
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
    if args.concurrency:
        argv += ["--concurrency", str(args.concurrency)]
    app.worker_main(argv)


if __name__ == "__main__":
    main()
