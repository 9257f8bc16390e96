"""The `copydesk` command: run the system or one component, migrate, extract files.

    copydesk up [--host H] [--port P] [--concurrency N]   everything, embedded servers if no URLs
    copydesk api [--host H] [--port P]                    the ingest API (uvicorn)
    copydesk worker [--concurrency N]                     one Celery worker
    copydesk beat                                         Celery beat (the stale-job sweeper)
    copydesk db migrate                                   apply schema.sql
    copydesk db backfill                                  url_key/MinHash/cluster of older rows
    copydesk extract [--jsonl] [--input auto|text|html] PATH...
    copydesk sources add|list|remove|run                  crawl sources (feeds, sitemaps, homepages)
    copydesk ingest [--no-wait] FILE_OR_DIR...            bulk submit through the API, with progress
    copydesk tail [--since CURSOR] [--follow] [--limit N]   the documents change feed
    copydesk status [--json]                              jobs, throughput, failures, backlog
    copydesk keys create NAME | list | revoke ID          API keys of the ingest API

Services run as child processes; this module never imports them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from copydesk.bulk_ingest import add_ingest_parser
from copydesk.keys_cli import add_keys_parser
from copydesk.settings import Settings
from copydesk.sources_cli import add_sources_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `copydesk` console script."""
    args = _parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copydesk", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    up = sub.add_parser("up", help="run API, worker and beat (embedded servers if no URLs)")
    _add_bind(up)
    up.add_argument("--concurrency", type=int, default=None, help="worker processes")
    up.set_defaults(handler=_cmd_up)

    api = sub.add_parser("api", help="run the ingest API")
    _add_bind(api)
    api.set_defaults(handler=_cmd_api)

    worker = sub.add_parser("worker", help="run one Celery worker")
    worker.add_argument("--concurrency", type=int, default=None, help="worker processes")
    worker.set_defaults(handler=_cmd_worker)

    beat = sub.add_parser("beat", help="run Celery beat")
    beat.set_defaults(handler=_cmd_beat)

    database = sub.add_parser("db", help="database commands")
    db_sub = database.add_subparsers(required=True, metavar="ACTION")
    migrate = db_sub.add_parser("migrate", help="apply schema.sql (idempotent)")
    migrate.set_defaults(handler=_cmd_migrate)
    backfill = db_sub.add_parser(
        "backfill", help="give documents stored before versions/clusters their url_key and cluster"
    )
    backfill.set_defaults(handler=_cmd_backfill)

    extract = sub.add_parser("extract", help="extract clean text from files, one JSON line each")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="files or folders; - is stdin")
    extract.add_argument(
        "--jsonl", action="store_true", help="JSON Lines output (the default and only format)"
    )
    extract.add_argument("--input", choices=["auto", "text", "html"], default="auto")
    extract.set_defaults(handler=_cmd_extract)
    add_sources_parser(sub)
    add_ingest_parser(sub)
    add_keys_parser(sub)

    tail = sub.add_parser("tail", help="print new/changed documents as JSON lines (change feed)")
    tail.add_argument("--since", default="0:0", metavar="CURSOR", help="resume after this cursor")
    tail.add_argument("--follow", action="store_true", help="keep waiting for new documents")
    tail.add_argument("--limit", type=int, default=None, help="stop after N documents")
    tail.set_defaults(handler=_cmd_tail)

    status = sub.add_parser("status", help="jobs per state, throughput, failures, backlog")
    status.add_argument("--json", action="store_true", help="print GET /v1/stats's JSON")
    status.set_defaults(handler=_cmd_status)
    return parser


def _add_bind(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="listen address (COPYDESK_HOST)")
    parser.add_argument("--port", type=int, default=None, help="listen port (COPYDESK_PORT)")


def _bind(args: argparse.Namespace, settings: Settings) -> list[str]:
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    return ["--host", host, "--port", str(port)]


def _concurrency(args: argparse.Namespace) -> list[str]:
    return ["--concurrency", str(args.concurrency)] if args.concurrency else []


def _cmd_api(args: argparse.Namespace) -> int:
    from copydesk.supervise import ChildSpec, run_children, service_argv

    settings = Settings()
    return run_children([ChildSpec("api", service_argv("api", *_bind(args, settings)))])


def _cmd_worker(args: argparse.Namespace) -> int:
    from copydesk.supervise import ChildSpec, run_children, service_argv

    return run_children([ChildSpec("worker", service_argv("worker", *_concurrency(args)))])


def _cmd_beat(args: argparse.Namespace) -> int:
    from copydesk.supervise import ChildSpec, run_children, service_argv

    return run_children([ChildSpec("beat", service_argv("beat"))])


def _cmd_migrate(args: argparse.Namespace) -> int:
    from copydesk import db, embedded

    settings = Settings()
    if settings.database_url:
        db.apply_schema(settings.database_url)
        print("copydesk: schema applied", file=sys.stderr)
        return 0
    server = embedded.start_postgres(settings.data_dir)
    try:
        db.apply_schema(server.url)
    finally:
        server.stop()
    print(f"copydesk: schema applied (embedded PostgreSQL in {server.where})", file=sys.stderr)
    return 0


def _cmd_backfill(args: argparse.Namespace) -> int:
    import psycopg

    from copydesk.store import backfill_documents

    with psycopg.connect(Settings().require_database_url()) as conn:
        done = backfill_documents(conn)
    print(f"copydesk: {done} documents backfilled", file=sys.stderr)
    return 0


def _cmd_up(args: argparse.Namespace) -> int:
    from copydesk import db, embedded
    from copydesk.supervise import ChildSpec, Supervisor, service_argv

    settings = Settings()
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    stops: list[Callable[[], None]] = []
    try:
        database_url, redis_url = settings.database_url, settings.redis_url
        if not database_url:
            pg = embedded.start_postgres(data_dir)
            stops.append(pg.stop)
            database_url = pg.url
            print(f"copydesk: embedded PostgreSQL, data in {pg.where}", file=sys.stderr)
        if not redis_url:
            redis = embedded.start_redis(data_dir)
            stops.append(redis.stop)
            redis_url = redis.url
            print(f"copydesk: embedded Redis, data in {redis.where}", file=sys.stderr)
        db.apply_schema(database_url)
        env = {
            **os.environ,
            "COPYDESK_DATABASE_URL": database_url,
            "COPYDESK_REDIS_URL": redis_url,
            "COPYDESK_DATA_DIR": str(data_dir),
        }
        bind = _bind(args, settings)
        supervisor = Supervisor(
            [
                ChildSpec("api", service_argv("api", *bind)),
                ChildSpec("worker", service_argv("worker", *_concurrency(args))),
                ChildSpec("beat", service_argv("beat")),
            ],
            env,
        )
        supervisor.start()
        try:
            print(f"copydesk: API on http://{bind[1]}:{bind[3]}  (Ctrl-C stops)", file=sys.stderr)
            print(f"copydesk: data in {data_dir}", file=sys.stderr)
            return supervisor.wait()
        finally:
            supervisor.stop()
    finally:
        for stop in reversed(stops):
            stop()


def _cmd_extract(args: argparse.Namespace) -> int:
    from copydesk.batch_extract import run_extract

    return run_extract(args.paths, args.input, sys.stdout, sys.stderr)


def _cmd_tail(args: argparse.Namespace) -> int:
    from copydesk import tail

    try:
        tail.parse_cursor(args.since)
    except ValueError as exc:
        print(f"copydesk tail: {exc}", file=sys.stderr)
        return 2
    settings = Settings()
    tail.tail(settings.require_database_url(), args.since, args.follow, args.limit)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    import json

    import psycopg

    from copydesk.stats import collect_stats, render_stats

    with psycopg.connect(Settings().require_database_url(), autocommit=True) as conn:
        stats = collect_stats(conn)
    print(json.dumps(stats.to_dict()) if args.json else render_stats(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
