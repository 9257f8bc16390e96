"""Feed cursors are '<xid>:<id>' strings; anything else is refused."""

from __future__ import annotations

import pytest

from copydesk import tail


def test_cursor_round_trip() -> None:
    assert tail.parse_cursor(tail.format_cursor(123456789012, 42)) == (123456789012, 42)
    assert tail.parse_cursor(tail.START_CURSOR) == (0, 0)


@pytest.mark.parametrize("bad", ["", "1", "1:", ":2", "a:b", "1:2:3", "-1:2", " 1:2"])
def test_bad_cursor(bad: str) -> None:
    with pytest.raises(ValueError):
        tail.parse_cursor(bad)
