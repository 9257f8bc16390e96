"""The worker's resident memory over many documents (documents/s written: bench/store_speed.py).

    PYTHONPATH=. python bench/store.py memory [--docs 10000] [--max-tasks-per-child N]
                                              [--max-memory-per-child-kb KB]

A real worker (2 prefork processes) fetches, extracts and stores `--docs` dev-set pages
served locally; every few seconds the resident memory of each of
its processes is sampled against the documents done, and the RSS at the end and its slope
(MB per 1,000 documents, least squares over the second half) are printed. Child recycling
options are the worker's settings (COPYDESK_WORKER_MAX_TASKS_PER_CHILD, ..._MEMORY_...).
Results: bench/results/store_memory*.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil

from bench.system import (
    job_counts,
    page_server,
    running_system,
    submit_in_batches,
    write_result,
)

SAMPLE_SECONDS = 5.0


def _rss_mb(pid: int) -> dict[int, float]:
    root = psutil.Process(pid)
    rss = {}
    for process in (root, *root.children(recursive=True)):
        try:
            if "celery" in " ".join(process.cmdline()) or "services.worker" in " ".join(
                process.cmdline()
            ):
                rss[process.pid] = process.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            continue
    return rss


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MB per 1,000 documents."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return 1000 * sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def bench_memory(docs: int, max_tasks: int, max_memory_kb: int) -> None:
    overrides = {
        "worker_max_tasks_per_child": max_tasks,
        "worker_max_memory_per_child_kb": max_memory_kb,
        "log_level": "WARNING",
    }
    samples: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-store-") as tmp,
        page_server() as base,
        running_system(Path(tmp), 2, **overrides) as system,
    ):
        assert system.worker is not None and system.settings.database_url is not None
        items = [{"url": f"{base}/p/{i}.html"} for i in range(docs)]
        began = time.perf_counter()
        submit_in_batches(system.api_url, items, 500)
        while True:
            counts = job_counts(system.settings.database_url)
            finished = counts.get("done", 0) + counts.get("failed", 0)
            rss = _rss_mb(system.worker.proc.pid)
            samples.append(
                {
                    "seconds": round(time.perf_counter() - began, 1),
                    "documents": finished,
                    "rss_mb": rss,
                }
            )
            print(
                f"  {finished:>6} documents  "
                + "  ".join(f"{mb:6.0f} MB" for mb in sorted(rss.values())),
                flush=True,
            )
            if finished >= docs:
                break
            time.sleep(SAMPLE_SECONDS)
    _report_memory(docs, max_tasks, max_memory_kb, samples)


def _report_memory(
    docs: int, max_tasks: int, max_memory_kb: int, samples: list[dict[str, Any]]
) -> None:
    # The two biggest processes are the pool's children (the main process is smaller).
    def children_mean(sample: dict[str, Any]) -> float:
        biggest = sorted(sample["rss_mb"].values())[-2:]
        return sum(biggest) / len(biggest)

    half = [(s["documents"], children_mean(s)) for s in samples if s["documents"] >= docs / 2]
    slope = _slope(half)
    final = children_mean(samples[-1])
    seconds = samples[-1]["seconds"]
    print(f"{docs} documents in {seconds:.0f}s ({docs / seconds:.1f} docs/s)")
    print(f"worker children RSS at the end: {final:.0f} MB each (mean of the two)")
    print(f"slope over the second half: {slope:+.1f} MB per 1,000 documents")
    name = (
        "store_memory"
        if not (max_tasks or max_memory_kb)
        else (f"store_memory_tasks{max_tasks}_mem{max_memory_kb}")
    )
    result = {
        "documents": docs,
        "worker_max_tasks_per_child": max_tasks,
        "worker_max_memory_per_child_kb": max_memory_kb,
        "child_rss_mb_end": round(final),
        "slope_mb_per_1000_docs": round(slope, 2),
        "docs_per_second": round(docs / seconds, 2),
        "samples": samples,
    }
    print(f"written to {write_result(name, result)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", choices=["memory"])
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--max-tasks-per-child", type=int, default=0)
    parser.add_argument("--max-memory-per-child-kb", type=int, default=0)
    args = parser.parse_args(argv)
    bench_memory(args.docs or 10_000, args.max_tasks_per_child, args.max_memory_per_child_kb)


if __name__ == "__main__":
    main()
