"""`removed_span` builds the same `Removed` value as the dataclass constructor."""

from __future__ import annotations

import dataclasses

import pytest

from copydesk.extract.plaintext import removed_span
from copydesk.extract.result import Removed, RemovedKind


def test_removed_span_equals_the_constructor() -> None:
    made = removed_span("Share this", RemovedKind.SHARE, "share or follow button")
    built = Removed("Share this", RemovedKind.SHARE, "share or follow button")
    assert made == built
    assert hash(made) == hash(built)
    assert repr(made) == repr(built)
    assert dataclasses.asdict(made) == dataclasses.asdict(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "x"  # type: ignore[misc]


def test_removed_has_only_the_fields_removed_span_writes() -> None:
    # A new field or a __post_init__ check would be skipped by removed_span.
    assert [f.name for f in dataclasses.fields(Removed)] == ["text", "kind", "reason"]
    assert not hasattr(Removed, "__post_init__")
