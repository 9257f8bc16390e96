"""Checking submitted items: which combinations are jobs, and why the others are not."""

from __future__ import annotations

import pytest

from copydesk.errors import InvalidInput, PayloadTooLarge
from copydesk.models import JobKind, NewJob
from services.ingest.schemas import parse_batch, parse_document

LIMIT = 100


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"text": "hello"}', NewJob(JobKind.TEXT, body="hello")),
        (b'{"html": "<p>x</p>"}', NewJob(JobKind.HTML, body="<p>x</p>")),
        (
            b'{"html": "<p>x</p>", "url": "https://a.example/x"}',
            NewJob(JobKind.HTML, url="https://a.example/x", body="<p>x</p>"),
        ),
        (b'{"url": " HTTPS://a.example/x "}', NewJob(JobKind.URL, url="HTTPS://a.example/x")),
        (b'{"url": "http://a.example", "text": null}', NewJob(JobKind.URL, url="http://a.example")),
    ],
)
def test_valid_items(body: bytes, expected: NewJob) -> None:
    assert parse_document(body, LIMIT) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"null", "body"),
        (b'{"text": 3}', "text"),
        (b"{}", "one of text, html or url"),
        (b'{"text": "a", "html": "b"}', "exactly one"),
        (b'{"text": "a", "url": "http://a.example"}', "exactly one"),
        (b'{"text": ""}', "text is empty"),
        (b'{"url": "mailto:a@b.example"}', "http or https"),
        (b'{"url": "https:///path"}', "no host"),
        (b'{"url": "' + b"https://a.example/" + b"x" * 9000 + b'"}', "longer than"),
    ],
)
def test_invalid_items(body: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_document(body, LIMIT)


def test_text_over_limit_is_too_large() -> None:
    with pytest.raises(PayloadTooLarge) as caught:
        parse_document(b'{"text": "' + b"x" * (LIMIT + 1) + b'"}', LIMIT)
    assert caught.value.limit == LIMIT


def test_batch_reports_the_bad_item() -> None:
    body = b'{"items": [{"text": "a"}, {"text": "b"}, {"url": "ftp://x"}]}'
    with pytest.raises(InvalidInput, match=r"items\[2\]: url must be http"):
        parse_batch(body, LIMIT, max_items=10)


def test_batch_limit() -> None:
    body = b'{"items": [' + b",".join([b'{"text": "a"}'] * 4) + b"]}"
    assert len(parse_batch(body, LIMIT, max_items=4)) == 4
    with pytest.raises(InvalidInput, match="at most 3"):
        parse_batch(body, LIMIT, max_items=3)
