"""Prometheus metrics of the workers, served by the worker's main process on one port.

Why multiprocess mode. A Celery prefork worker is a main process that forks N children,
and the children run the tasks; with `worker_max_tasks_per_child` they are also replaced
now and then. A per-process registry would need a port per child (which Prometheus cannot
discover, and which changes when a child is recycled) and would lose a recycled child's
counts, making counters go backwards. prometheus_client's multiprocess mode has each
process write its values to memory-mapped files in one directory; the main process sums
them at scrape time, counts of dead children included, so counters stay monotonic across
recycling and one port (`COPYDESK_WORKER_METRICS_PORT`) shows the whole worker. The price
is a directory per worker start (wiped at start, removed at exit) and the rule that
PROMETHEUS_MULTIPROC_DIR is set before prometheus_client is first imported:
`prepare_multiprocess_dir` does that in the worker's entry point, before it imports
the worker app (whose pipeline imports services/worker/metrics.py).

Queue depth is not a per-process value: a collector asks Redis (LLEN of the queue) at
scrape time, in the main process.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis
    from prometheus_client.metrics_core import Metric

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> Path:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory (a fresh one unless set)."""
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        # Files left by a previous run would add its counts to ours.
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="copydesk-metrics-"))
        os.environ[MULTIPROC_ENV] = str(path)
    return path


def remove_multiprocess_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def mark_child_dead(pid: int) -> None:
    """Drop a finished child's live gauges (its counters stay, by design)."""
    from prometheus_client import multiprocess

    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # untyped library


class QueueDepthCollector:
    """`copydesk_queue_depth`: messages waiting in the Celery queue, read at scrape time."""

    def __init__(self, client: redis.Redis, queue: str) -> None:
        self.client = client
        self.queue = queue

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        gauge = GaugeMetricFamily(
            "copydesk_queue_depth", "Messages waiting in the Celery queue.", labels=["queue"]
        )
        try:
            depth = float(self.client.llen(self.queue))
        except Exception as exc:  # boundary: a scrape must not fail because Redis is down
            logger.warning("queue_depth_unavailable", extra={"error": repr(exc)})
            depth = float("nan")
        gauge.add_metric([self.queue], depth)
        yield gauge


def start_exporter(host: str, port: int, redis_url: str, queue: str) -> bool:
    """Serve every worker process's metrics and the queue depth on host:port (a thread)."""
    import redis
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    try:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped library
        registry.register(QueueDepthCollector(redis.Redis.from_url(redis_url), queue))
        start_http_server(port, addr=host, registry=registry)
    except Exception as exc:  # boundary: metrics must never stop the worker from working
        logger.error("metrics_exporter_failed", extra={"port": port, "error": repr(exc)})
        return False
    logger.info("metrics_exporter_started", extra={"host": host, "port": port})
    return True
