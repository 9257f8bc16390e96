"""Job ids drawn by the API before the INSERT (copydesk.queries.new_job_ids)."""

from __future__ import annotations

import time
from uuid import UUID

from copydesk.queries import new_job_ids


def test_ids_are_time_ordered_uuids_written_as_str_writes_them() -> None:
    before = time.time_ns() // 1_000_000
    ids = new_job_ids(2000)
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == len(ids)
    for job_id in ids:
        parsed = UUID(job_id)
        assert parsed.version == 7 and parsed.variant == "specified in RFC 4122"
        assert str(parsed) == job_id
        # The first 48 bits: Unix time in milliseconds, when the ids were drawn.
        assert before <= parsed.int >> 80 <= after
    # Every digit after the timestamp that is not fixed by the version and variant varies.
    for position in range(15, 36):
        if position in (18, 23):  # dashes
            continue
        assert len({job_id[position] for job_id in ids}) == (4 if position == 19 else 16)


def test_later_ids_sort_after_earlier_ones() -> None:
    """What keeps index inserts on the last pages: ids of a later millisecond sort later
    (as text and as PostgreSQL compares uuids: byte by byte)."""
    first = new_job_ids(50)
    time.sleep(0.002)
    second = new_job_ids(50)
    assert max(first) < min(second)
    assert max(UUID(i).bytes for i in first) < min(UUID(i).bytes for i in second)


def test_none_asked_none_given() -> None:
    assert new_job_ids(0) == []
