"""A running copydesk for the system benchmarks, on the test harness (tests/support.py).

`running_system` gives a scratch database, a private Celery queue, the API and (optionally)
a prefork worker as real child processes, and `page_server` the dev set's pages on a local
port. Everything is removed on exit, so benchmarks can run beside other people's tests.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from copydesk.settings import Settings
from tests.support import (
    DEFAULT_TEST_REDIS_URL,
    REPO,
    Service,
    api_process,
    child_env,
    delete_queue,
    free_port,
    scratch_database,
    settings_env,
    start_service,
    stop_process,
)

RESULTS = REPO / "bench" / "results"
POLL_SECONDS = 0.1


@dataclass
class System:
    settings: Settings
    api: Service
    worker: Service | None

    @property
    def api_url(self) -> str:
        return self.api.base_url

    def cpu_seconds(self) -> dict[int, float]:
        """CPU seconds so far of each copydesk process: API, worker (children included) and
        the PostgreSQL backends serving them. Redis is shared with others and left out."""
        cpu: dict[int, float] = {}
        for service in (self.api, self.worker):
            if service is not None:
                cpu |= tree_cpu_seconds(service.proc.pid)
        assert self.settings.database_url is not None
        return cpu | backend_cpu_seconds(self.settings.database_url)

    @property
    def worker_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.worker_metrics_port}/metrics"


@contextmanager
def page_server() -> Iterator[str]:
    """bench/pageserver.py in a process of its own; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "pageserver.py"), str(port)],
        env=child_env({}),
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def running_system(
    workdir: Path, concurrency: int = 2, with_worker: bool = True, **overrides: Any
) -> Iterator[System]:
    """API (and a worker of `concurrency` processes) on a scratch database and queue."""
    token = f"{os.getpid()}_{secrets.token_hex(3)}"
    workdir.mkdir(parents=True, exist_ok=True)
    with scratch_database(f"copydesk_bench_{token}") as database_url:
        settings = Settings(
            database_url=database_url,
            redis_url=os.environ.get("COPYDESK_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL),
            queue=f"copydesk-bench-{token}",
            data_dir=workdir / "data",
            # The pages are served from 127.0.0.1, one host: no SSRF guard, no per-host delay
            # (real crawls spread over many hosts).
            allow_private_networks=True,
            politeness_delay=0.0,
            worker_metrics_port=free_port(),
            **overrides,
        )
        try:
            with api_process(settings, workdir / "api.log") as api:
                worker = None
                if with_worker:
                    argv = ["worker", "--concurrency", str(concurrency)]
                    worker = start_service(argv, settings_env(settings), workdir / "worker.log")
                try:
                    yield System(settings, api, worker)
                finally:
                    if worker is not None:
                        stop_process(worker.proc)
        finally:
            delete_queue(settings)


def submit_in_batches(api_url: str, items: list[dict[str, Any]], batch: int) -> list[float]:
    """POST the items to /v1/documents:batch; the latency (seconds) of each request."""
    latencies = []
    with httpx.Client(base_url=api_url, timeout=120) as http:
        for start in range(0, len(items), batch):
            began = time.perf_counter()
            response = http.post(
                "/v1/documents:batch", json={"items": items[start : start + batch]}
            )
            latencies.append(time.perf_counter() - began)
            response.raise_for_status()
    return latencies


def job_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM ingest_jobs GROUP BY status").fetchall()
    return {str(status): int(n) for status, n in rows}


def wait_finished(database_url: str, total: int, timeout: float) -> dict[str, int]:
    """Poll until `total` jobs are done or failed (or the timeout); the final counts.

    Polled often (a round's clock stops at most POLL_SECONDS late) on one connection with
    a query the open-jobs index answers, so the poller itself costs next to nothing.
    """
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM ingest_jobs WHERE status IN ('queued', 'running'))"
            ).fetchone()
            if not (row and row[0]):
                counts = job_counts(database_url)
                if counts.get("done", 0) + counts.get("failed", 0) >= total:
                    return counts
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"jobs not finished after {timeout:.0f}s: {job_counts(database_url)}"
                )
            time.sleep(POLL_SECONDS)


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A Prometheus endpoint's samples keyed by (name, sorted labels)."""
    text = httpx.get(url, timeout=30).raise_for_status().text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _cpu(process: psutil.Process) -> float:
    t = process.cpu_times()
    # children_* hold the children already reaped (a recycled prefork child, for one).
    return float(t.user + t.system + t.children_user + t.children_system)


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU seconds of a process and its live descendants, by pid."""
    root = psutil.Process(pid)
    cpu = {}
    for process in (root, *root.children(recursive=True)):
        try:
            cpu[process.pid] = _cpu(process)
        except psutil.NoSuchProcess:
            continue
    return cpu


def backend_cpu_seconds(database_url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to this database (same machine)."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    cpu = {}
    for (pid,) in rows:
        try:
            t = psutil.Process(pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        cpu[pid] = float(t.user + t.system)
    return cpu


def cpu_delta(after: dict[int, float], before: dict[int, float]) -> float:
    """CPU seconds spent between two snapshots (processes born since count from zero)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else ""
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "note": "shared machine: other people's tests and benchmarks ran at the same time",
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    """bench/results/<name>.json, with the date and the machine."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    stamped = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), **result}
    stamped["machine"] = machine()
    path.write_text(json.dumps(stamped, indent=2) + "\n", encoding="utf-8")
    return path
