"""The ingest API alone: requests/s and latency of single and batch submissions.

    PYTHONPATH=. python bench/ingest_api.py [--clients 32] [--seconds 10] [--batch 100]

Starts the API (one uvicorn process, as `copydesk api` runs it) on a scratch database and
queue, with no worker, and drives it from a second process (this script re-run with
--loadgen) on loopback: `--clients` concurrent clients, each sending its next request as
soon as the last is answered, for `--seconds`. Both single submissions (POST /v1/documents)
and batches (POST /v1/documents:batch of `--batch` items) are measured, and each at one
client too, which shows the service time without queueing. Each run is paired with the
same load on a bare FastAPI app doing no work (the framework's floor on this machine now),
and the ratio of the two is printed, since the machine is shared and absolute figures drift.
Targets: p99 < 50 ms for a single submission, a batch of 100 accepted in < 100 ms (p99),
both at 32 clients.
Results: bench/results/ingest_api.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

TARGETS_MS = {"single": 50.0, "batch": 100.0}
# A short article as pasted text (~1.5 kB), the common submission.
TEXT = "\n\n".join(
    f"Paragraph {i}: the council approved the harbour budget after a long debate about "
    "repairs to the sea wall, the ferry timetable and the cost of dredging the channel."
    for i in range(10)
)


async def _client(
    http: httpx.AsyncClient, path: str, body: dict[str, Any], until: float, out: list[float]
) -> None:
    while time.perf_counter() < until:
        began = time.perf_counter()
        response = await http.post(path, json=body)
        out.append(time.perf_counter() - began)
        if response.status_code != 202:
            raise RuntimeError(f"{response.status_code}: {response.text[:200]}")


async def _load(base_url: str, mode: str, clients: int, seconds: float, batch: int) -> list[float]:
    if mode == "single":
        path, body = "/v1/documents", {"text": TEXT}
    else:
        path, body = "/v1/documents:batch", {"items": [{"text": TEXT}] * batch}
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:
        for _ in range(clients):  # open the connections before the clock
            await http.get("/healthz")
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_client(http, path, body, until, latencies) for _ in range(clients)))
    return latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_from_another_process(
    base_url: str, mode: str, clients: int, seconds: float, batch: int
) -> dict[str, Any]:
    """Run the load generator as a separate process; its figures."""
    command = [sys.executable, __file__, "--loadgen", base_url, mode]
    command += ["--clients", str(clients), "--seconds", str(seconds), "--batch", str(batch)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    latencies: list[float] = json.loads(result.stdout)
    items = 1 if mode == "single" else batch
    return {
        "mode": mode,
        "clients": clients,
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "items_per_second": round(items * len(latencies) / seconds, 1),
        "p50_ms": round(1000 * _percentile(latencies, 0.50), 2),
        "p90_ms": round(1000 * _percentile(latencies, 0.90), 2),
        "p99_ms": round(1000 * _percentile(latencies, 0.99), 2),
        "max_ms": round(1000 * max(latencies), 2),
    }


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
def bare_server() -> Iterator[str]:
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
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--loadgen", nargs=2, metavar=("URL", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    if args.loadgen:
        base_url, mode = args.loadgen
        latencies = asyncio.run(_load(base_url, mode, args.clients, args.seconds, args.batch))
        print(json.dumps(latencies))
        return

    from bench.system import running_system, write_result

    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-api-") as tmp,
        running_system(Path(tmp), with_worker=False) as system,
        bare_server() as bare_url,
    ):
        for mode in ("single", "batch"):
            for clients in (1, args.clients):
                # Baseline and copydesk back to back, so the machine's load hits both alike.
                base = load_from_another_process(bare_url, mode, clients, args.seconds, args.batch)
                run = load_from_another_process(
                    system.api_url, mode, clients, args.seconds, args.batch
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
    for mode, target in TARGETS_MS.items():
        (loaded,) = [r for r in runs if r["mode"] == mode and r["clients"] == args.clients]
        verdicts[mode] = loaded["p99_ms"] < target
        state = "ok" if verdicts[mode] else "NOT MET"
        print(
            f"target {mode}: p99 {loaded['p99_ms']:.1f} ms < {target:.0f} ms at "
            f"{args.clients} clients: {state}"
        )
    path = write_result(
        "ingest_api",
        {
            "seconds_per_run": args.seconds,
            "batch": args.batch,
            "runs": runs,
            "targets_ms": TARGETS_MS,
            "targets_met": verdicts,
        },
    )
    print(f"written to {path}")


def _line(run: dict[str, Any]) -> str:
    return (
        f"{run['mode']:<6} {run['clients']:>2} clients: {run['requests_per_second']:7.1f} req/s "
        f"({run['items_per_second']:7.1f} items/s)  p50 {run['p50_ms']:6.1f} ms  "
        f"p90 {run['p90_ms']:6.1f} ms  p99 {run['p99_ms']:6.1f} ms  max {run['max_ms']:6.1f} ms"
    )


if __name__ == "__main__":
    main()
