"""The Idempotency-Key header's rules and the request fingerprint."""

from __future__ import annotations

import pytest

from copydesk.errors import InvalidInput
from copydesk.models import JobKind, NewJob
from services.ingest.idempotency import MAX_KEY_CHARS, parse_key, request_fingerprint


@pytest.mark.parametrize(
    "value", ["a", "3f2b9c1e-0d4a-4c57-9b1e-2f6a7d8e9c01", "~" * MAX_KEY_CHARS]
)
def test_visible_ascii_keys_are_kept(value: str) -> None:
    assert parse_key(value) == value


def test_no_header_is_no_key() -> None:
    assert parse_key(None) is None


@pytest.mark.parametrize(
    "value", ["", "a b", "key\n", "\nkey", "clé", "x" * (MAX_KEY_CHARS + 1), "a\tb"]
)
def test_other_keys_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="visible ASCII"):
        parse_key(value)


def test_fingerprint_tells_endpoints_and_items_apart() -> None:
    text = [NewJob(JobKind.TEXT, body="hello")]
    assert request_fingerprint("POST /a", text) == request_fingerprint("POST /a", list(text))
    assert request_fingerprint("POST /a", text) != request_fingerprint("POST /b", text)
    other = [NewJob(JobKind.TEXT, body="hello!")]
    assert request_fingerprint("POST /a", text) != request_fingerprint("POST /a", other)
