"""Loading the labelled dev set (../shared/devset, or $COPYDESK_DEVSET)."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTICLE_TYPES = frozenset({"article", "blog"})


def devset_dir() -> Path:
    """The dev set directory: $COPYDESK_DEVSET, else <repo>/../shared/devset."""
    env = os.environ.get("COPYDESK_DEVSET")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "devset"


@dataclass(frozen=True, slots=True)
class Page:
    """One labelled page: its id, raw HTML and truth record."""

    id: str
    html: str
    truth: dict[str, Any]

    @property
    def is_article(self) -> bool:
        return self.truth.get("page_type") in ARTICLE_TYPES


def page_ids(root: Path | None = None) -> list[str]:
    """All page ids in the dev set, sorted."""
    root = root or devset_dir()
    return sorted(p.name.split(".")[0] for p in (root / "truth").glob("*.json"))


def load_page(page_id: str, root: Path | None = None) -> Page:
    """Read one page's HTML and truth."""
    root = root or devset_dir()
    with gzip.open(root / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as fh:
        html = fh.read()
    truth = json.loads((root / "truth" / f"{page_id}.json").read_text(encoding="utf-8"))
    return Page(page_id, html, truth)


def load_pages(ids: list[str] | None = None, root: Path | None = None) -> Iterator[Page]:
    """Iterate over pages (all of them by default)."""
    for page_id in ids if ids is not None else page_ids(root):
        yield load_page(page_id, root)
