"""The ingest API alone: requests/s and latency of single and batch submissions.

    PYTHONPATH=. python bench/ingest_api.py [--clients 32] [--seconds 10] [--batch 100]

Starts the API (one uvicorn process, as `copydesk api` runs it) on a scratch database and
queue, with no worker, and drives it from a second process on loopback (bench/loadgen.py:
`wrk` when installed, else a lean asyncio client): `--clients` keep-alive connections, each
sending its next request as soon as the last is answered, for `--seconds`. Both single
submissions (POST /v1/documents) and batches (POST /v1/documents:batch of `--batch` items:
pasted texts of ~1.5 kB, and URLs) are measured, and each at one client too, which shows
the service time without queueing.
Each run is paired with the same load on a bare FastAPI app doing no work (the framework's
floor on this machine now), and the ratio of the two is printed, since the machine is shared
and absolute figures drift; so is the server's CPU time per request, which the machine's
load moves less, and (copydesk only) that of the PostgreSQL backends serving it. Targets:
p99 < 50 ms for a single submission, a batch of 100 accepted in < 100 ms (p99), both at 32
clients.
Results: bench/results/ingest_api.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

# At module level: the bare app's handlers are annotated with them (FastAPI resolves names here).
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TARGETS_MS = {"single": 50.0, "batch": 100.0, "batch-urls": 100.0}
# A short article as pasted text (~1.5 kB), the common submission.
TEXT = "\n\n".join(
    f"Paragraph {i}: the council approved the harbour budget after a long debate about "
    "repairs to the sea wall, the ferry timetable and the cost of dredging the channel."
    for i in range(10)
)


def _body(mode: str, batch: int) -> tuple[str, bytes]:
    """The path and JSON body of one request of this mode."""
    if mode == "single":
        return "/v1/documents", json.dumps({"text": TEXT}).encode()
    if mode == "batch-urls":  # the bulk case (URL lists, crawls): ~6 kB instead of ~150 kB
        urls = [{"url": f"https://news.example.org/2026/11/story-{i}.html"} for i in range(batch)]
        return "/v1/documents:batch", json.dumps({"items": urls}).encode()
    return "/v1/documents:batch", json.dumps({"items": [{"text": TEXT}] * batch}).encode()


def load_from_another_process(
    base_url: str,
    server_pid: int,
    mode: str,
    clients: int,
    seconds: float,
    batch: int,
    generator: str,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Run the load generator (bench/loadgen.py) as a separate process; its figures, with
    the CPU time the server's processes spent per request (which the machine's load moves
    less than the latencies), and that of the PostgreSQL backends serving `database_url`."""
    from bench.system import backend_cpu_seconds, cpu_delta, tree_cpu_seconds

    path, body = _body(mode, batch)
    cpu_before = tree_cpu_seconds(server_pid)
    backends_before = backend_cpu_seconds(database_url) if database_url else {}
    checkpoints_before = _checkpoints(database_url) if database_url else 0
    with tempfile.NamedTemporaryFile(suffix=".json") as body_file:
        body_file.write(body)
        body_file.flush()
        command = [sys.executable, str(Path(__file__).with_name("loadgen.py"))]
        command += [base_url + path, body_file.name, "--clients", str(clients)]
        command += ["--seconds", str(seconds), "--generator", generator]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout)
    cpu = cpu_delta(tree_cpu_seconds(server_pid), cpu_before)
    items = 1 if mode == "single" else batch
    run = {
        "mode": mode,
        "clients": clients,
        **figures,
        "items_per_second": round(items * figures["requests_per_second"], 1),
        "server_cpu_ms_per_request": round(1000 * cpu / figures["requests"], 3),
    }
    if database_url:
        backends = cpu_delta(backend_cpu_seconds(database_url), backends_before)
        run["postgres_cpu_ms_per_request"] = round(1000 * backends / figures["requests"], 3)
        run["postgres_checkpoints"] = _checkpoints(database_url) - checkpoints_before
    return run


def _checkpoints(database_url: str) -> int:
    """Checkpoints the PostgreSQL server has made (all databases). While one flushes its data
    files, every commit's WAL flush waits on the disk: 0.1-0.3 s stalls that set the p99 of
    a run of text batches, whose ~200 kB of WAL per request fill max_wal_size quickly."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        if conn.info.server_version >= 170000:
            query = "SELECT num_timed + num_requested FROM pg_stat_checkpointer"
        else:
            query = "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
        row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def serve_bare(port: int) -> None:
    """The baseline: the same routes on FastAPI + uvicorn doing no work (no database, no
    queue): what parsing, HTTP and the framework cost on this machine, in this run."""
    import uuid

    import uvicorn

    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/documents")
    async def single(request: Request) -> JSONResponse:
        json.loads(await request.body())
        return JSONResponse({"job_id": str(uuid.uuid4())}, status_code=202)

    @app.post("/v1/documents:batch")
    async def batch(request: Request) -> JSONResponse:
        items = json.loads(await request.body())["items"]
        jobs = [{"job_id": str(uuid.uuid4())} for _ in items]
        return JSONResponse({"jobs": jobs}, status_code=202)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def bare_server() -> Iterator[tuple[str, int]]:
    from tests.support import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator (bench/loadgen.py): wrk when installed, else raw asyncio",
    )
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=tuple(TARGETS_MS),
        default=list(TARGETS_MS),
        help="measure only these modes (the result file is written only when all are run)",
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Each mode once, in the order given: a repeated one would leave two loaded runs.
    args.modes = list(dict.fromkeys(args.modes))
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return

    from bench.system import running_system, write_result

    runs = []
    load_at_start = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-api-") as tmp,
        running_system(Path(tmp), with_worker=False) as system,
        bare_server() as (bare_url, bare_pid),
    ):
        for mode in args.modes:
            for clients in (1, args.clients):
                # Baseline and copydesk back to back, so the machine's load hits both alike.
                load = (mode, clients, args.seconds, args.batch, args.generator)
                base = load_from_another_process(bare_url, bare_pid, *load)
                run = load_from_another_process(
                    system.api_url, system.api.proc.pid, *load, system.settings.database_url
                )
                run["baseline"] = base
                run["ratio_req_per_s_vs_baseline"] = round(
                    run["requests_per_second"] / base["requests_per_second"], 3
                )
                runs.append(run)
                print(_line(run), flush=True)
                print("  " + _line(base).replace(mode, "bare", 1), flush=True)
                print(f"  ratio copydesk/bare req/s {run['ratio_req_per_s_vs_baseline']:.2f}")
    verdicts = {}
    for mode in args.modes:
        target = TARGETS_MS[mode]
        (loaded,) = [r for r in runs if r["mode"] == mode and r["clients"] == args.clients]
        verdicts[mode] = loaded["p99_ms"] < target
        state = "ok" if verdicts[mode] else "NOT MET"
        print(
            f"target {mode}: p99 {loaded['p99_ms']:.1f} ms < {target:.0f} ms at "
            f"{args.clients} clients: {state}"
        )
    if set(args.modes) != set(TARGETS_MS):
        return
    path = write_result(
        "ingest_api",
        {
            "seconds_per_run": args.seconds,
            "load_average_at_start": load_at_start,
            "batch": args.batch,
            "runs": runs,
            "targets_ms": TARGETS_MS,
            "targets_met": verdicts,
        },
    )
    print(f"written to {path}")


def _line(run: dict[str, Any]) -> str:
    postgres = run.get("postgres_cpu_ms_per_request")
    return (
        f"{run['mode']:<6} {run['clients']:>2} clients: {run['requests_per_second']:7.1f} req/s "
        f"({run['items_per_second']:7.1f} items/s)  p50 {run['p50_ms']:6.1f} ms  "
        f"p90 {run['p90_ms']:6.1f} ms  p99 {run['p99_ms']:6.1f} ms  max {run['max_ms']:6.1f} ms  "
        f"server CPU {run['server_cpu_ms_per_request']:.2f} ms/req"
        + (f" (PostgreSQL {postgres:.2f})" if postgres is not None else "")
        + (f" checkpoints {run['postgres_checkpoints']}" if "postgres_checkpoints" in run else "")
    )


if __name__ == "__main__":
    main()
