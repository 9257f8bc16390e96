"""Job ids drawn by the API before the INSERT (copydesk.queries.new_job_ids)."""

from __future__ import annotations

from uuid import UUID

from copydesk.queries import new_job_ids


def test_ids_are_random_uuids_written_as_str_uuid4_writes_them() -> None:
    ids = new_job_ids(2000)
    assert len(set(ids)) == len(ids)
    for job_id in ids:
        parsed = UUID(job_id)
        assert parsed.version == 4 and parsed.variant == "specified in RFC 4122"
        assert str(parsed) == job_id
    # Every digit that is not fixed by the version and variant still varies.
    for position in range(36):
        if position in (8, 13, 14, 18, 23):  # dashes, the version digit
            continue
        assert len({job_id[position] for job_id in ids}) == (4 if position == 19 else 16)


def test_none_asked_none_given() -> None:
    assert new_job_ids(0) == []
