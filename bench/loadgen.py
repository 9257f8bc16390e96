"""A closed-loop HTTP load generator for the API benchmarks: `wrk`, or a lean asyncio client.

    python bench/loadgen.py URL BODY_FILE [--clients 32] [--seconds 10] [--generator auto]

Each of `--clients` keep-alive connections POSTs the same JSON body, and sends its next
request as soon as the last is answered, for `--seconds`. Prints one JSON object: requests,
requests/s and latency percentiles in ms. `wrk` (C, Debian package `wrk`) is used when it
is on PATH; otherwise a raw HTTP/1.1 client on asyncio (uvloop when installed) that parses
only the status line and Content-Length. A Python client built on httpx cost more CPU per
request than the API under test, so on 2 cores it measured itself (issue #8). Every answer
must be 2xx: any other status or a transport error fails the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# wrk's Lua hooks: POST the body on every request, and print a JSON summary at the end
# (latencies are in microseconds). The body goes in as a long-bracket string.
_WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def run_wrk(url: str, body: bytes, clients: int, seconds: float) -> dict[str, Any]:
    """wrk's figures for this load; RuntimeError on any failed request."""
    if b"]==]" in body:
        raise ValueError("body cannot be embedded in the wrk script")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
        script.write(_WRK_SCRIPT % body.decode("utf-8"))
        script.flush()
        threads = min(2, clients)
        command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s"]
        command += ["--timeout", "30s", "-s", script.name, url]
        out = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    (line,) = [ln for ln in out.splitlines() if ln.startswith("WRK_JSON ")]
    raw = json.loads(line.removeprefix("WRK_JSON "))
    if raw["errors"]:
        raise RuntimeError(f"wrk: {raw['errors']} failed requests\n{out}")
    elapsed = raw["duration_us"] / 1e6
    return _figures(
        "wrk",
        raw["requests"],
        elapsed,
        {q: raw[f"{q}_us"] / 1000 for q in ("p50", "p90", "p99", "max")},
    )


async def _one_client(host: str, port: int, request: bytes, until: float, out: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            out.append(time.perf_counter() - began)
            if not 200 <= status < 300:
                raise RuntimeError(f"{status}: {body[:200]!r}")
    finally:
        writer.close()


async def _python_load(url: str, body: bytes, clients: int, seconds: float) -> list[float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(_one_client(host, port, request, until, latencies) for _ in range(clients))
    )
    return latencies


def run_python(url: str, body: bytes, clients: int, seconds: float) -> dict[str, Any]:
    """The asyncio client's figures for this load."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    began = time.perf_counter()
    latencies = sorted(runner(_python_load(url, body, clients, seconds)))
    elapsed = time.perf_counter() - began

    def pct(q: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    quantiles = {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": 1000 * latencies[-1]}
    return _figures("python-asyncio", len(latencies), elapsed, quantiles)


def _figures(generator: str, requests: int, elapsed: float, ms: dict[str, float]) -> dict[str, Any]:
    return {
        "generator": generator,
        "requests": requests,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(requests / elapsed, 1),
        **{f"{q}_ms": round(v, 2) for q, v in ms.items()},
    }


def run(url: str, body: bytes, clients: int, seconds: float, generator: str) -> dict[str, Any]:
    """Figures from `generator` ('wrk', 'python', or 'auto': wrk when installed)."""
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    if generator == "wrk":
        return run_wrk(url, body, clients, seconds)
    return run_python(url, body, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("body_file", type=Path)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    body = args.body_file.read_bytes()
    print(json.dumps(run(args.url, body, args.clients, args.seconds, args.generator)))


if __name__ == "__main__":
    sys.exit(main())
