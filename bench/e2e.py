"""End to end: N dev-set pages through API -> queue -> worker (fetch, extract, store) vs bare loops.

    PYTHONPATH=. python bench/e2e.py [--pages 2000] [--batch 100] [--concurrency 2]

The dev set's HTML is served from a local HTTP server (cycled to N distinct URLs), submitted
to the API in batches, and processed by one worker with `--concurrency` prefork processes
until every job is done or failed. Beside it, in the same run, the same N pages go through
bare loops in as many processes: `trafilatura.extract` (the issue's baseline; target:
copydesk >= 0.85x its pages/s) and copydesk's own `extract_html` (so the overhead of HTTP,
queue and database shows apart from the extractor's speed). The trafilatura loop runs
before and after copydesk and the two are averaged, because the machine is shared.

Per document it prints where the time goes: HTTP (the API's batch requests, per item),
queue wait, fetch, extract, store (the worker's stage histograms), and the rest of each
worker process's time (claiming, Celery, logging, idle). Results: bench/results/e2e.json.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.devset import load_pages
from bench.system import (
    cpu_delta,
    page_server,
    running_system,
    scrape,
    submit_in_batches,
    wait_finished,
    write_result,
)

TARGET_RATIO = 0.85
STAGES = ("fetch", "extract", "store")
_PAGES: list[str] = []
# Pages per task handed to a bare-loop process.
_CHUNK = 10


def _load_pages() -> None:
    logging.disable(logging.WARNING)
    _PAGES[:] = [page.html for page in load_pages()]


def _bare(task: tuple[str, int, int]) -> float:
    """Extract pages [start, stop) (cycled) with one extractor; the CPU seconds it took."""
    which, start, stop = task
    began = time.process_time()
    if which == "trafilatura":
        import trafilatura

        for i in range(start, stop):
            trafilatura.extract(_PAGES[i % len(_PAGES)])
    else:
        from copydesk.extract import extract_html

        for i in range(start, stop):
            with contextlib.suppress(Exception):  # a page refused still took the time
                extract_html(_PAGES[i % len(_PAGES)])
    return time.process_time() - began


class BareLoops:
    """Pools of `processes` processes with the dev set loaded, for timed bare loops."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool = multiprocessing.get_context("fork").Pool(processes, initializer=_load_pages)
        for which in ("trafilatura", "copydesk"):  # loaded and warmed up before any clock
            self.pool.map(_bare, [(which, 0, 2)] * processes)

    def seconds(self, which: str, start: int, stop: int) -> tuple[float, float]:
        """Wall and CPU seconds to extract pages [start, stop) with `which`."""
        tasks = [(which, s, min(s + _CHUNK, stop)) for s in range(start, stop, _CHUNK)]
        began = time.perf_counter()
        cpu = sum(self.pool.imap_unordered(_bare, tasks))
        return time.perf_counter() - began, cpu

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


def copydesk_rounds(
    n: int, rounds: int, batch: int, loops: BareLoops, workdir: Path
) -> dict[str, Any]:
    """Alternate bare loops and copydesk over n pages in `rounds` slices (load drifts)."""
    procs = loops.processes
    timings: dict[str, list[float]] = {"trafilatura": [], "copydesk_extract": [], "copydesk": []}
    cpu: dict[str, list[float]] = {name: [] for name in timings}
    with page_server() as base, running_system(workdir, procs) as system:
        database_url = system.settings.database_url
        assert database_url is not None
        finished = warm = _warm_up(system, base, n, procs)
        worker_before = scrape(system.worker_metrics_url)
        api_before = scrape(f"{system.api_url}/metrics")
        latencies: list[float] = []
        for r in range(rounds):
            lo, hi = r * n // rounds, (r + 1) * n // rounds
            _add(timings, cpu, "trafilatura", loops.seconds("trafilatura", lo, hi))
            items = [{"url": f"{base}/p/{i}.html"} for i in range(lo, hi)]
            cpu_before = system.cpu_seconds()
            began = time.perf_counter()
            latencies += submit_in_batches(system.api_url, items, batch)
            counts = wait_finished(database_url, _total(finished) + hi - lo, timeout=3600)
            timings["copydesk"].append(time.perf_counter() - began)
            cpu["copydesk"].append(cpu_delta(system.cpu_seconds(), cpu_before))
            _add(timings, cpu, "copydesk_extract", loops.seconds("copydesk", lo, hi))
            print(f"  round {r + 1}/{rounds}: " + _round_line(timings, hi - lo), flush=True)
            finished = counts
        worker = _minus(scrape(system.worker_metrics_url), worker_before)
        api = _minus(scrape(f"{system.api_url}/metrics"), api_before)
    wall = sum(timings["copydesk"])
    return {
        "seconds": {k: [round(x, 2) for x in v] for k, v in timings.items()},
        "pages_per_second": {k: round(n / sum(v), 2) for k, v in timings.items()},
        "cpu_seconds": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
        "pages_per_cpu_second": {k: round(n / sum(v), 2) for k, v in cpu.items()},
        "done": finished.get("done", 0) - warm.get("done", 0),
        "failed": finished.get("failed", 0) - warm.get("failed", 0),
        "batch_latency_ms": {
            "mean": round(1000 * sum(latencies) / len(latencies), 1),
            "max": round(1000 * max(latencies), 1),
        },
        "per_document_ms": _stage_times(worker, api, n, procs, wall),
    }


def _add(
    timings: dict[str, list[float]],
    cpu: dict[str, list[float]],
    name: str,
    took: tuple[float, float],
) -> None:
    timings[name].append(took[0])
    cpu[name].append(took[1])


def _total(counts: dict[str, int]) -> int:
    return counts.get("done", 0) + counts.get("failed", 0)


def _round_line(timings: dict[str, list[float]], pages: int) -> str:
    rates = {k: pages / v[-1] for k, v in timings.items()}
    return (
        f"trafilatura {rates['trafilatura']:.1f}, copydesk extract_html "
        f"{rates['copydesk_extract']:.1f}, copydesk end to end {rates['copydesk']:.1f} pages/s"
    )


def _warm_up(system: Any, base: str, n: int, concurrency: int) -> dict[str, int]:
    """One page per worker process first, so imports and pools are not on the clock."""
    assert system.settings.database_url is not None
    items = [{"url": f"{base}/p/{n + i}.html"} for i in range(concurrency)]
    submit_in_batches(system.api_url, items, concurrency)
    return wait_finished(system.settings.database_url, concurrency, timeout=300)


def _minus(after: dict[Any, float], before: dict[Any, float]) -> dict[Any, float]:
    return {key: value - before.get(key, 0.0) for key, value in after.items()}


def _histogram(samples: dict[Any, float], name: str, **labels: str) -> tuple[float, float]:
    key = tuple(sorted(labels.items()))
    return samples.get((f"{name}_sum", key), 0.0), samples.get((f"{name}_count", key), 0.0)


def _stage_times(
    worker: dict[Any, float], api: dict[Any, float], n: int, concurrency: int, wall: float
) -> dict[str, float]:
    times: dict[str, float] = {}
    http_sum, _ = _histogram(
        api,
        "copydesk_http_request_duration_seconds",
        method="POST",
        route="/v1/documents:batch",
    )
    times["http"] = 1000 * http_sum / n
    queue_sum, queue_count = _histogram(worker, "copydesk_stage_duration_seconds", stage="queue")
    times["queue_wait"] = 1000 * queue_sum / max(queue_count, 1)
    for stage in STAGES:
        total, _ = _histogram(worker, "copydesk_stage_duration_seconds", stage=stage)
        times[stage] = 1000 * total / n
    # Each of the worker's processes was available for the whole wall time.
    times["worker_slot"] = 1000 * wall * concurrency / n
    times["other"] = times["worker_slot"] - sum(times[s] for s in STAGES)
    return {k: round(v, 2) for k, v in times.items()}


def _per_round_ratios(run: dict[str, Any]) -> list[float]:
    seconds = run["seconds"]
    return [t / c for t, c in zip(seconds["trafilatura"], seconds["copydesk"], strict=True)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4, help="alternations of the three runs")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    n, procs = args.pages, args.concurrency
    print(f"{n} pages in {args.rounds} rounds, {procs} processes each (pages/s, wall clock)")
    loops = BareLoops(procs)
    try:
        with tempfile.TemporaryDirectory(prefix="copydesk-e2e-") as tmp:
            run = copydesk_rounds(n, args.rounds, args.batch, loops, Path(tmp))
    finally:
        loops.close()
    rates = run["pages_per_second"]
    ratio = rates["copydesk"] / rates["trafilatura"]
    overhead_ratio = rates["copydesk"] / rates["copydesk_extract"]
    print(f"  bare trafilatura.extract loop     {rates['trafilatura']:7.1f} pages/s")
    print(f"  bare copydesk extract_html loop   {rates['copydesk_extract']:7.1f} pages/s")
    print(f"  copydesk end to end               {rates['copydesk']:7.1f} pages/s")
    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"ratio copydesk / trafilatura loop: {ratio:.3f} (target >= {TARGET_RATIO}) {verdict}")
    print(f"ratio copydesk / its own extract_html loop: {overhead_ratio:.3f}")
    per_round = _per_round_ratios(run)
    print(f"  per round, copydesk / trafilatura: {', '.join(f'{r:.2f}' for r in per_round)}")
    per_cpu = run["pages_per_cpu_second"]
    cpu_ratio = per_cpu["copydesk"] / per_cpu["trafilatura"]
    cpu_overhead = per_cpu["copydesk"] / per_cpu["copydesk_extract"]
    print(
        f"pages per CPU-second (load-independent): trafilatura {per_cpu['trafilatura']:.1f}, "
        f"copydesk extract_html {per_cpu['copydesk_extract']:.1f}, "
        f"copydesk all processes {per_cpu['copydesk']:.1f}"
    )
    print(f"  ratios: vs trafilatura {cpu_ratio:.3f}, vs its own extractor {cpu_overhead:.3f}")
    print(f"  ({run['done']} stored, {run['failed']} failed: pages with no article text)")
    per_doc = run["per_document_ms"]
    slot = per_doc["worker_slot"]
    print("per document (ms), and share of a worker process's time:")
    for stage in (*STAGES, "other"):
        print(f"  {stage:<8} {per_doc[stage]:8.2f} ms  {100 * per_doc[stage] / slot:5.1f}%")
    print(f"  http     {per_doc['http']:8.2f} ms  (API time per submitted item, in batches)")
    print(f"  queue    {per_doc['queue_wait']:8.0f} ms  mean wait (each round's pages at once)")
    path = write_result(
        "e2e",
        {
            "pages": n,
            "rounds": args.rounds,
            "processes": procs,
            "batch": args.batch,
            **run,
            "ratio_vs_trafilatura": round(ratio, 3),
            "ratio_vs_own_extractor": round(overhead_ratio, 3),
            "ratio_vs_trafilatura_per_round": [round(r, 3) for r in per_round],
            "cpu_ratio_vs_trafilatura": round(cpu_ratio, 3),
            "cpu_ratio_vs_own_extractor": round(cpu_overhead, 3),
            "target_ratio": TARGET_RATIO,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
