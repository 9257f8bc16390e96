"""`copydesk ingest FILE_OR_DIR...`: submit many items through the API in batches and wait.

What each argument holds:
  * a folder: every .txt / .html / .htm file under it (gzipped too) is one document;
  * a file named .html / .htm (or .gz of those): one HTML document;
  * a file whose first non-blank character is `{` (or named .jsonl / .ndjson): JSON Lines,
    one API item per line (`{"url"}`, `{"text"}` or `{"html"}`, with an optional "url");
  * any other file (or `-`, stdin): a list of URLs, one per line (blank lines and `#` skipped).

Items go to POST /v1/documents:batch in batches (at most --batch-size items and
`_BATCH_BYTES` of JSON). A batch the API refuses (422/413) is retried item by item, so
one bad item costs only itself. Then the command follows GET /v1/batches/{id} until every
job is done or failed, with a progress line, and prints a summary: human lines on stderr,
one JSON object on stdout. Exit code 0 when every item was stored, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from uuid import uuid4

import httpx

from copydesk.batch_extract import decode, detect_kind, expand_paths, read_bytes
from copydesk.progress import ProgressLine, Tally, render_summary, wait_for_jobs
from copydesk.settings import Settings

DEFAULT_BATCH_SIZE = 100
# Stay well under the API's default 10 MB body limit, whatever the items weigh.
_BATCH_BYTES = 4_000_000
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
_REFUSED = (413, 422)
# Transport errors and 5xx answers are retried this many times, this far apart (seconds).
_SEND_ATTEMPTS = 4
_SEND_BACKOFF = 0.5
# Batches looked at per poll: the oldest unfinished ones (the queue is first in, first out).
_POLLED_BATCHES = 8
# Rejected items listed in the JSON summary.
_LISTED_REJECTIONS = 20
HTTP_TIMEOUT = 60.0
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True, slots=True)
class Item:
    """One API item and where it came from (file, or file:line)."""

    origin: str
    body: dict[str, Any]


@dataclass(slots=True)
class Submission:
    """What was sent: the batches and their sizes, and the items the API refused."""

    batches: dict[str, int] = field(default_factory=dict)
    singles: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(self.batches.values()) + len(self.singles)


def add_ingest_parser(sub: Any) -> None:
    """Register `copydesk ingest` on the top-level subparsers."""
    ingest = sub.add_parser("ingest", help="submit URL lists, JSON lines or folders of files")
    ingest.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="- reads URLs on stdin")
    ingest.add_argument("--api", default=None, help="API base URL (default: COPYDESK_HOST/PORT)")
    ingest.add_argument(
        "--api-key", default=None, help="API key (default: $COPYDESK_API_KEY; not needed locally)"
    )
    ingest.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N")
    ingest.add_argument("--no-wait", action="store_true", help="submit and exit at once")
    ingest.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    ingest.set_defaults(handler=_cmd_ingest)


def read_items(paths: Iterable[str]) -> Iterator[Item]:
    """The API items the arguments hold (see the module docstring)."""
    for path in paths:
        if path != "-" and Path(path).is_dir():
            for file in expand_paths([path]):
                yield _document(file)
        elif path.lower().endswith(_HTML_SUFFIXES):
            yield _document(path)
        else:
            yield from _lines(path, read_bytes(path).decode("utf-8-sig", errors="replace"))


def _document(path: str) -> Item:
    data = read_bytes(path)
    return Item(path, {detect_kind(path, data, "auto"): decode(data)})


def _lines(path: str, content: str) -> Iterator[Item]:
    as_json = path.lower().endswith(_JSONL_SUFFIXES) or content.lstrip().startswith("{")
    for number, line in enumerate(content.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        origin = f"{path}:{number}"
        if not as_json:
            yield Item(origin, {"url": line})
            continue
        try:
            body = json.loads(line)
        except json.JSONDecodeError as exc:
            body = {"_invalid": f"not JSON: {exc}"}
        yield Item(origin, body if isinstance(body, dict) else {"_invalid": "not an object"})


def batches(
    items: Iterable[Item], size: int, max_bytes: int = _BATCH_BYTES
) -> Iterator[list[Item]]:
    """Consecutive groups of at most `size` items and about `max_bytes` of JSON."""
    batch: list[Item] = []
    weight = 0
    for item in items:
        item_bytes = len(json.dumps(item.body))
        if batch and (len(batch) >= size or weight + item_bytes > max_bytes):
            yield batch
            batch, weight = [], 0
        batch.append(item)
        weight += item_bytes
    if batch:
        yield batch


class ApiClient:
    """The few calls `copydesk ingest` makes, with retries of transient failures."""

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url, timeout=HTTP_TIMEOUT, headers=headers)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        # A POST sent again after a lost answer must not create its jobs twice: all tries
        # carry one Idempotency-Key, and the API answers a repeat with the first jobs.
        headers = {IDEMPOTENCY_HEADER: str(uuid4())} if method == "POST" else {}
        for attempt in range(_SEND_ATTEMPTS):
            try:
                response = self.http.request(method, path, json=body, headers=headers)
            except httpx.TransportError:
                if attempt == _SEND_ATTEMPTS - 1:
                    raise
            else:
                if response.status_code < 500 or attempt == _SEND_ATTEMPTS - 1:
                    return response
            time.sleep(_SEND_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")

    def submit(self, batch: list[Item], into: Submission) -> None:
        """Post a batch; when refused, post its items one by one to find the bad ones."""
        if any("_invalid" in item.body for item in batch) and len(batch) > 1:
            response = None
        else:
            response = self.request("POST", "/v1/documents:batch", {"items": _bodies(batch)})
        if response is not None and response.status_code == 202:
            data = response.json()
            into.batches[data["batch_id"]] = len(data["jobs"])
            return
        if response is not None and response.status_code not in _REFUSED:
            raise RuntimeError(f"the API answered {response.status_code}: {response.text[:300]}")
        for item in batch:
            self._submit_one(item, into)

    def _submit_one(self, item: Item, into: Submission) -> None:
        if "_invalid" in item.body:
            into.rejected.append((item.origin, str(item.body["_invalid"])))
            return
        response = self.request("POST", "/v1/documents", item.body)
        if response.status_code == 202:
            into.singles.append(response.json()["job_id"])
        elif response.status_code in _REFUSED:
            into.rejected.append((item.origin, _problem_detail(response)))
        else:
            raise RuntimeError(f"the API answered {response.status_code}: {response.text[:300]}")


def _bodies(batch: list[Item]) -> list[dict[str, Any]]:
    return [item.body for item in batch]


def _problem_detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:300]


class _Watcher:
    """Where submitted jobs stand, asking the API about the oldest unfinished batches."""

    def __init__(self, api: ApiClient, submission: Submission) -> None:
        self.api = api
        self.submission = submission
        self.state: dict[str, tuple[int, int]] = {}  # batch or job id -> (done, failed)
        self.failures: dict[str, int] = {}

    def poll(self) -> Tally:
        open_batches = [b for b, n in self.submission.batches.items() if sum(self._of(b)) < n]
        for batch_id in open_batches[:_POLLED_BATCHES]:
            self._look_at_batch(batch_id)
        open_jobs = [j for j in self.submission.singles if sum(self._of(j)) < 1]
        for job_id in open_jobs[:_POLLED_BATCHES]:
            self._look_at_job(job_id)
        done = sum(d for d, _ in self.state.values())
        failed = sum(f for _, f in self.state.values())
        return Tally(
            self.submission.submitted, done, failed, rejected=len(self.submission.rejected)
        )

    def _of(self, key: str) -> tuple[int, int]:
        return self.state.get(key, (0, 0))

    def _look_at_batch(self, batch_id: str) -> None:
        data = self.api.request("GET", f"/v1/batches/{batch_id}").raise_for_status().json()
        self.state[batch_id] = (data["done"], data["failed"])
        if data["done"] + data["failed"] == self.submission.batches[batch_id]:
            for failure in data["failures"]:
                reason = failure["reason"]
                self.failures[reason] = self.failures.get(reason, 0) + failure["count"]

    def _look_at_job(self, job_id: str) -> None:
        job = self.api.request("GET", f"/v1/jobs/{job_id}").raise_for_status().json()
        self.state[job_id] = (int(job["status"] == "done"), int(job["status"] == "failed"))
        if job["status"] == "failed":
            self.failures[job["error"]] = self.failures.get(job["error"], 0) + 1

    def top_failures(self) -> list[tuple[str, int]]:
        return sorted(self.failures.items(), key=lambda kv: (-kv[1], kv[0]))[:10]


def run_ingest(
    paths: list[str],
    api: ApiClient,
    batch_size: int,
    wait: bool,
    timeout: float | None,
    out: IO[str],
    err: IO[str],
) -> int:
    """Submit everything, follow it (unless `wait` is false), print the summary."""
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    submission = Submission()
    watcher = _Watcher(api, submission)
    progress = ProgressLine(err, started)
    last_poll = started
    try:
        for batch in batches(read_items(paths), batch_size):
            api.submit(batch, submission)
            if wait and time.monotonic() - last_poll >= 1.0:
                progress.draw(watcher.poll())
                last_poll = time.monotonic()
        tally = Tally(submission.submitted, rejected=len(submission.rejected))
        if wait:
            tally = wait_for_jobs(watcher.poll, progress, deadline)
    finally:
        progress.close()
        api.close()
    seconds = time.monotonic() - started
    failures = watcher.top_failures()
    if wait:
        print(render_summary(tally, seconds, failures), file=err)
    _print_rejections(submission, err)
    out.write(json.dumps(_summary(tally, seconds, failures, submission, wait)) + "\n")
    if tally.rejected or (wait and tally.done < tally.submitted):
        return 1
    return 0


def _print_rejections(submission: Submission, err: IO[str]) -> None:
    for origin, detail in submission.rejected[:_LISTED_REJECTIONS]:
        print(f"  rejected {origin}: {detail}", file=err)
    hidden = len(submission.rejected) - _LISTED_REJECTIONS
    if hidden > 0:
        print(f"  ... and {hidden} more rejected", file=err)


def _summary(
    tally: Tally,
    seconds: float,
    failures: list[tuple[str, int]],
    submission: Submission,
    waited: bool,
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "submitted": tally.submitted,
        "rejected": tally.rejected,
        "batch_ids": list(submission.batches),
        "job_ids": submission.singles,
        "seconds": round(seconds, 2),
        "rejections": [
            {"item": origin, "detail": detail}
            for origin, detail in submission.rejected[:_LISTED_REJECTIONS]
        ],
    }
    if waited:
        summary |= {
            "done": tally.done,
            "failed": tally.failed,
            "pending": tally.pending,
            "docs_per_second": round(tally.done / seconds, 2) if seconds > 0 else 0.0,
            "failures": [{"reason": r, "count": n} for r, n in failures],
        }
    return summary


def _cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings()
    base_url = args.api or f"http://{settings.host}:{settings.port}"
    if args.batch_size < 1:
        print("copydesk ingest: --batch-size must be at least 1", file=sys.stderr)
        return 2
    try:
        api_key = args.api_key or os.environ.get("COPYDESK_API_KEY")
        return run_ingest(
            args.paths,
            ApiClient(base_url, api_key),
            args.batch_size,
            not args.no_wait,
            args.timeout,
            sys.stdout,
            sys.stderr,
        )
    except (OSError, httpx.HTTPError, RuntimeError) as exc:
        print(f"copydesk ingest: {exc}", file=sys.stderr)
        return 1
