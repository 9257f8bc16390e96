"""The two seed pages give exactly the expected title, paragraphs and removed spans."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from copydesk.extract import RemovedKind, extract_text

REPO = Path(__file__).resolve().parents[2]


def seeds_dir() -> Path:
    """`<repo>/../shared/seeds`, or $COPYDESK_SEEDS; the test fails when it is missing."""
    path = Path(os.environ.get("COPYDESK_SEEDS", REPO.parent / "shared" / "seeds"))
    assert (path / "expected").is_dir(), f"seed files not found at {path}"
    return path


SEED_IDS = ("000_fe961bae24f55baa", "004_ec49fcc904ea27d1")


@pytest.mark.parametrize("seed", SEED_IDS)
def test_seed_matches_expected(seed: str) -> None:
    root = seeds_dir()
    expected = json.loads((root / "expected" / f"{seed}.json").read_text(encoding="utf-8"))
    result = extract_text((root / f"{seed}.txt").read_text(encoding="utf-8"))
    assert result.title == expected["title"]
    assert list(result.paragraphs) == expected["paragraphs"]
    got = [(r.text, str(r.kind)) for r in result.removed]
    assert got == [(r["text"], r["kind"]) for r in expected["removed"]]
    assert all(r.reason for r in result.removed)


def test_seed_metadata_language() -> None:
    root = seeds_dir()
    result = extract_text((root / f"{SEED_IDS[0]}.txt").read_text(encoding="utf-8"))
    assert result.metadata.language == "en"
    assert result.path == "text"


def test_removed_kinds_are_contract_values() -> None:
    root = seeds_dir()
    for seed in SEED_IDS:
        result = extract_text((root / f"{seed}.txt").read_text(encoding="utf-8"))
        assert {r.kind for r in result.removed} <= set(RemovedKind)
