"""`copydesk sources add|list|remove|run`: manage crawl sources straight in the database.

`run` makes sources due now and nudges the dispatcher through the broker, so a worker
crawls them at once (or at the next beat tick if the broker cannot be reached). Unless
`--no-wait`, it then waits for the crawl runs and for the jobs they created, with a progress
line (at most `--wait` seconds when given).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from datetime import datetime
from typing import Any

import psycopg

from copydesk import queries
from copydesk.crawl.discover import SourceKind, guess_kind_from_url
from copydesk.crawl.records import DEFAULT_INTERVAL_SECONDS, CrawlRun, NewSource, RunStatus, Source
from copydesk.crawl.urls import BadPattern, compile_patterns
from copydesk.progress import ProgressLine, Tally, render_summary, wait_for_jobs
from copydesk.settings import Settings
from copydesk.stats import JobSetProgress, sources_progress
from copydesk.task_names import TASK_DISPATCH_SOURCES

# How often `sources run --wait` looks at the runs table.
_POLL_SECONDS = 0.5
_FINISHED = frozenset({RunStatus.DONE, RunStatus.FAILED})


def add_sources_parser(sub: Any) -> None:
    """Register `copydesk sources ...` on the top-level subparsers."""
    sources = sub.add_parser("sources", help="crawl sources: feeds, sitemaps, homepages")
    actions = sources.add_subparsers(required=True, metavar="ACTION")

    add = actions.add_parser("add", help="add a source (kind detected when not given)")
    add.add_argument("url")
    add.add_argument("--kind", choices=[k.value for k in SourceKind], default=None)
    add.add_argument("--interval", type=int, default=DEFAULT_INTERVAL_SECONDS, help="seconds")
    add.add_argument("--include", action="append", default=[], metavar="REGEX")
    add.add_argument("--exclude", action="append", default=[], metavar="REGEX")
    add.add_argument("--disabled", action="store_true", help="add it switched off")
    add.set_defaults(handler=_cmd_add)

    listing = actions.add_parser("list", help="list sources and their health")
    listing.set_defaults(handler=_cmd_list)

    remove = actions.add_parser("remove", help="remove a source")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=_cmd_remove)

    run = actions.add_parser("run", help="crawl one source, or every enabled one, now")
    run.add_argument("id", type=int, nargs="?", default=None)
    run.add_argument("--wait", type=float, default=None, metavar="SECONDS", help="wait at most")
    run.add_argument("--no-wait", action="store_true", help="only make them due")
    run.set_defaults(handler=_cmd_run)


def _connect(settings: Settings) -> psycopg.Connection[Any]:
    return psycopg.connect(settings.require_database_url())


def _cmd_add(args: argparse.Namespace) -> int:
    try:
        compile_patterns([*args.include, *args.exclude])
    except BadPattern as exc:
        print(f"copydesk: {exc}", file=sys.stderr)
        return 2
    if not args.url.lower().startswith(("http://", "https://")):
        print("copydesk: the URL must start with http:// or https://", file=sys.stderr)
        return 2
    kind = SourceKind(args.kind) if args.kind else guess_kind_from_url(args.url)
    new = NewSource(
        url=args.url,
        kind=kind,
        interval_seconds=args.interval,
        enabled=not args.disabled,
        include_patterns=tuple(args.include),
        exclude_patterns=tuple(args.exclude),
    )
    with _connect(Settings()) as conn:
        source = queries.insert_source(conn, new)
    if source is None:
        print(f"copydesk: a source with URL {args.url} exists already", file=sys.stderr)
        return 1
    print(json.dumps(_source_json(source)))
    if source.kind is None:
        print("copydesk: kind will be detected at the first crawl", file=sys.stderr)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    with _connect(Settings()) as conn:
        sources = queries.list_sources(conn)
    for source in sources:
        print(json.dumps(_source_json(source)))
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    with _connect(Settings()) as conn:
        removed = queries.delete_source(conn, args.id)
    if not removed:
        print(f"copydesk: no source {args.id}", file=sys.stderr)
        return 1
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    settings = Settings()
    with _connect(settings) as conn:
        started = _now(conn)
        ids = queries.make_sources_due(conn, args.id)
    if not ids:
        print("copydesk: no enabled source to run", file=sys.stderr)
        return 1
    _nudge_dispatcher(settings)
    print(f"copydesk: {len(ids)} source(s) due now: {', '.join(map(str, ids))}", file=sys.stderr)
    if args.no_wait:
        return 0
    deadline = None if args.wait is None else time.monotonic() + args.wait
    runs = _wait_for_runs(settings, ids, started, deadline)
    for run in runs:
        print(json.dumps(_run_json(run)))
    _follow_jobs(settings, ids, started, deadline)
    finished = [r for r in runs if r.status in _FINISHED]
    return 0 if len(finished) == len(ids) and all(r.error is None for r in finished) else 1


def _now(conn: psycopg.Connection[Any]) -> datetime:
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]  # psycopg rows are untyped tuples


def _nudge_dispatcher(settings: Settings) -> None:
    """Send one dispatch tick now (by task name; no worker code is imported)."""
    from celery import Celery

    sender = Celery("copydesk-cli", broker=settings.require_redis_url(), set_as_current=False)
    try:
        sender.send_task(TASK_DISPATCH_SOURCES, queue=settings.queue, retry=False)
    except Exception as exc:  # boundary: beat will dispatch at its next tick anyway
        print(f"copydesk: could not reach the broker ({exc}); beat will run it", file=sys.stderr)
    finally:
        sender.close()


def _wait_for_runs(
    settings: Settings, ids: list[int], since: datetime, deadline: float | None
) -> list[CrawlRun]:
    runs: list[CrawlRun] = []
    with _connect(settings) as conn:
        conn.autocommit = True
        while True:
            runs = _latest_runs(conn, ids, since)
            done = len(runs) == len(ids) and all(r.status in _FINISHED for r in runs)
            if done or (deadline is not None and time.monotonic() > deadline):
                return runs
            time.sleep(_POLL_SECONDS)


def _follow_jobs(
    settings: Settings, ids: list[int], since: datetime, deadline: float | None
) -> None:
    """Show the crawl's jobs being processed until they finish; the summary goes to stderr."""
    started = time.monotonic()
    progress = ProgressLine(sys.stderr, started)
    last: list[JobSetProgress] = []
    with _connect(settings) as conn:
        conn.autocommit = True

        def poll() -> Tally:
            last[:] = [sources_progress(conn, ids, since)]
            counts = last[0].counts
            return Tally(last[0].total, counts["done"], counts["failed"])

        try:
            tally = wait_for_jobs(poll, progress, deadline)
        finally:
            progress.close()
    summary = render_summary(tally, time.monotonic() - started, list(last[0].failures))
    print(f"copydesk: jobs of this crawl: {summary}", file=sys.stderr)


def _latest_runs(conn: psycopg.Connection[Any], ids: list[int], since: datetime) -> list[CrawlRun]:
    latest: list[CrawlRun] = []
    for source_id in ids:
        runs = queries.list_crawl_runs(conn, source_id, 1)
        if runs and runs[0].created_at >= since:
            latest.append(runs[0])
    return latest


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _source_json(source: Source) -> dict[str, object]:
    return {name: _jsonable(value) for name, value in asdict(source).items()}


def _run_json(run: CrawlRun) -> dict[str, object]:
    return {name: _jsonable(value) for name, value in asdict(run).items()}
