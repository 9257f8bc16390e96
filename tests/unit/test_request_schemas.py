"""Checking submitted items: which combinations are jobs, and why the others are not."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from copydesk.errors import InvalidInput, PayloadTooLarge
from copydesk.models import JobKind, NewJob
from services.ingest.schemas import (
    MAX_CONTROL_SHARE,
    BatchIn,
    _checked_body,
    load_json,
    parse_batch,
    parse_document,
    to_new_job,
)

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
        # Hostile input: each refused with its reason rather than stored or crashing later.
        (b'{"text": "a\\u0000b"}', r"NUL character \(\\u0000\)"),
        (b'{"html": "<p>\\ud800</p>"}', "lone surrogate"),
        (b'{"text": "caf\xe9"}', "not valid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid UTF-8"),
        (b'{"text": "a", "text": "b"}', "key 'text' twice"),
        (b'{"items": [], "items": []}', "key 'items' twice"),
        (b'{"text": NaN}', "NaN is not a JSON value"),
        (b'{"text": "\\u0001\\u0002\\u0085\\u0090abc"}', "binary data"),
        (b'{"url": "http://user:secret@a.example/"}', "credentials"),
        (b'{"url": "http://a.example/a b"}', "whitespace or control"),
        (b'{"url": "http://a.example/\\u0000"}', "whitespace or control"),
        (b'{"url": "http://[::1/"}', "cannot be parsed"),
        (b'{"url": "http://a.example/\\ud800"}', "lone surrogate"),
        (b'{"html": "<p>x</p>", "url": "http://a.example/\\udfff"}', "lone surrogate"),
        (b'{"url": "file:///etc/passwd"}', "not 'file'"),
        (b'{"url": "javascript:alert(1)"}', "not 'javascript'"),
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


def test_binary_check_counts_control_characters_as_the_plain_definition() -> None:
    """The byte-level count agrees with a regex over C0 (but tab, newlines, form feed), DEL
    and C1, on texts mixing them with ASCII, Latin-1 (0xC2-encoded) and wider characters."""
    control = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
    plain, controls = "ab \t\n\r\x0c\xa0\xa9«é€😀", "\x01\x0b\x1f\x7f\x80\x85\x9f"
    rng = random.Random(7)
    verdicts = set()
    for _ in range(500):
        rate = rng.choice((0.0, 0.02, 0.05, 0.1))
        size = rng.randint(20, 200)
        text = "".join(rng.choice(controls if rng.random() < rate else plain) for _ in range(size))
        expected = len(control.findall(text))
        try:
            _checked_body("text", "x" + text, 10_000)
            accepted = True
        except InvalidInput as exc:
            assert "binary data" in str(exc) and f"({expected} control" in str(exc)
            accepted = False
        assert accepted is (expected <= (len(text) + 1) * MAX_CONTROL_SHARE)
        verdicts.add(accepted)
    assert verdicts == {True, False}


def _through_the_models(raw: bytes) -> list[NewJob]:
    """parse_batch as it was before plain items skipped pydantic: every item validated by
    the models, then checked."""
    batch = BatchIn.model_validate(load_json(raw))
    return [to_new_job(item.model_dump(), LIMIT) for item in batch.items]


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "some text", "http://a.example/x", "ftp://x", "<p>x</p>"]),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
)
_ITEMS = st.one_of(
    st.dictionaries(st.sampled_from(["text", "html", "url", "txt"]), _VALUES, max_size=3),
    _VALUES,
)


@settings(max_examples=300, deadline=None)
@given(items=st.lists(_ITEMS, min_size=1, max_size=4))
def test_plain_items_parse_as_the_models_would(items: list[Any]) -> None:
    """Items that skip pydantic (objects of known fields holding strings or null) give the
    same jobs, and anything else the same refusal, as validating every item by the models."""
    raw = json.dumps({"items": items}).encode()
    try:
        expected: list[NewJob] | str = _through_the_models(raw)
    except (InvalidInput, ValidationError) as exc:
        expected = type(exc).__name__
    try:
        got: list[NewJob] | str = parse_batch(raw, LIMIT, max_items=10)
    except InvalidInput as exc:
        # parse_batch turns pydantic's errors into InvalidInput, with the item's index.
        got = "ValidationError" if "items." in str(exc) else type(exc).__name__
    assert got == expected


def _checked_body_as_it_was(field: str, value: str, max_chars: int) -> str:
    """_checked_body before it took two passes over the text instead of five."""
    if not value.strip():
        raise InvalidInput(f"{field} is empty")
    if len(value) > max_chars:
        raise PayloadTooLarge(f"{field} is longer than {max_chars} characters", limit=max_chars)
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character (\\u0000), which cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = f"\\u{ord(value[exc.start]):04x}"
        raise InvalidInput(
            f"{field} contains a lone surrogate ({code}), which cannot be stored"
        ) from None
    control = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
    controls = len(control.findall(value))
    if controls > len(value) * MAX_CONTROL_SHARE:
        raise InvalidInput(f"{field} looks like binary data ({controls} control characters)")
    return value


def _verdict(check: Any, value: str) -> str:
    try:
        return check("text", value, 60)
    except (InvalidInput, PayloadTooLarge) as exc:
        return f"{type(exc).__name__}: {exc}"


# Whitespace (str.strip's and others), the control characters counted and not, NUL, a lone
# surrogate, non-ASCII; and any text at all.
_BODY_CHARS = " \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\x00\x01\x7f\x9fa\ud800é"


@settings(max_examples=500, deadline=None)
@given(
    value=st.one_of(
        st.lists(st.sampled_from(_BODY_CHARS), max_size=70).map("".join), st.text(max_size=70)
    )
)
def test_body_checks_refuse_what_they_refused_with_the_same_reason(value: str) -> None:
    assert _verdict(_checked_body, value) == _verdict(_checked_body_as_it_was, value)
