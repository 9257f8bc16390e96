"""`copydesk keys create|list|revoke`: API keys, straight in the database.

`create` prints the new key once, on stdout; only its SHA-256 is stored, so a lost key
cannot be shown again (revoke it and create another).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import psycopg

from copydesk import queries
from copydesk.apikeys import hash_api_key, key_prefix, new_api_key
from copydesk.settings import Settings

MAX_NAME_CHARS = 200


def add_keys_parser(sub: Any) -> None:
    """Register `copydesk keys ...` on the top-level subparsers."""
    keys = sub.add_parser("keys", help="API keys for the ingest API")
    actions = keys.add_subparsers(required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("name", help="who or what the key is for")
    create.set_defaults(handler=_cmd_create)

    listing = actions.add_parser("list", help="list keys (id, name, prefix, revoked)")
    listing.set_defaults(handler=_cmd_list)

    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=_cmd_revoke)


def _connect() -> psycopg.Connection[Any]:
    return psycopg.connect(Settings().require_database_url())


def _cmd_create(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        print(f"copydesk keys: a name of 1 to {MAX_NAME_CHARS} characters", file=sys.stderr)
        return 2
    key = new_api_key()
    with _connect() as conn:
        key_id = queries.insert_api_key(conn, name, hash_api_key(key), key_prefix(key))
    print(f"copydesk: key {key_id} ({name}) created; it is not shown again", file=sys.stderr)
    print(key)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    with _connect() as conn:
        keys = queries.list_api_keys(conn)
    for key in keys:
        record = {
            "id": key.id,
            "name": key.name,
            "prefix": key.prefix,
            "created_at": key.created_at.isoformat(),
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        }
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    with _connect() as conn:
        revoked = queries.revoke_api_key(conn, args.id)
    if not revoked:
        print(f"copydesk keys: no live key {args.id}", file=sys.stderr)
        return 1
    print(f"copydesk: key {args.id} revoked", file=sys.stderr)
    return 0
