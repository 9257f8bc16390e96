"""Idempotency-Key on POST: the header's rules and the fingerprint of a request.

A request is identified by its endpoint and its parsed items (kind, url, body), so two
bodies that differ only in JSON spacing or key order are the same request.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from copydesk.errors import InvalidInput
from copydesk.models import NewJob

HEADER = "Idempotency-Key"
MAX_KEY_CHARS = 255
# Visible ASCII only: keys are opaque tokens (UUIDs, hashes), never free text.
_KEY = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True, slots=True)
class Idempotency:
    """One request's key, whose it is, and what the request was."""

    client: str
    key: str
    endpoint: str
    request_sha256: str


def parse_key(value: str | None) -> str | None:
    """The header's value, checked; None when absent. InvalidInput when malformed."""
    if value is None:
        return None
    if not 1 <= len(value) <= MAX_KEY_CHARS or not _KEY.fullmatch(value):
        raise InvalidInput(
            f"{HEADER} must be 1 to {MAX_KEY_CHARS} visible ASCII characters (e.g. a UUID)"
        )
    return value


def request_fingerprint(endpoint: str, jobs: Sequence[NewJob]) -> str:
    """Hex SHA-256 of the endpoint and the parsed items."""
    items = [[str(j.kind), j.url, j.body] for j in jobs]
    payload = json.dumps([endpoint, items], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def idempotency_for(
    header: str | None, client: str, endpoint: str, jobs: Sequence[NewJob]
) -> Idempotency | None:
    """The request's idempotency record-to-be, or None without the header."""
    key = parse_key(header)
    if key is None:
        return None
    return Idempotency(client, key, endpoint, request_fingerprint(endpoint, jobs))
