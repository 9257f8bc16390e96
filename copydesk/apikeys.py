"""API keys: random tokens shown once, stored only as their SHA-256.

A key carries 256 random bits, so a plain SHA-256 is enough to store it (a slow password
hash protects guessable secrets; nobody can guess these), and lookups stay one indexed
equality per request.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "cdk_"
# Characters kept (with the prefix) to tell keys apart in `copydesk keys list`.
SHOWN_CHARS = 8


def new_api_key() -> str:
    """A fresh key: 'cdk_' and 43 URL-safe characters."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """What is stored and looked up: hex SHA-256 of the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_prefix(key: str) -> str:
    """The part of a key that may be shown again."""
    return key[: len(KEY_PREFIX) + SHOWN_CHARS]
