"""The dependency arrows of the style guide, checked on the source with `ast`.

copydesk never imports services; ingest and worker never import each other; the
extraction pipeline imports no settings, database, network or service code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO

# Modules the pure extraction package must not reach for.
EXTRACT_FORBIDDEN = (
    "services",
    "copydesk.settings",
    "copydesk.db",
    "copydesk.queries",
    "copydesk.cli",
    "copydesk.embedded",
    "copydesk.supervise",
    "pydantic_settings",
    "psycopg",
    "psycopg_pool",
    "redis",
    "celery",
    "httpx",
    "requests",
    "urllib.request",
    "socket",
    "fastapi",
)


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / package.replace(".", "/")).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(REPO)} imports {name}")
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("copydesk", ("services",)),
        ("services.ingest", ("services.worker",)),
        ("services.worker", ("services.ingest",)),
        ("copydesk.extract", EXTRACT_FORBIDDEN),
    ],
)
def test_import_arrows(package: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(package, forbidden) == []


def test_the_check_sees_imports() -> None:
    """The walker finds real imports (so an empty violation list means something)."""
    names = set(_imports(REPO / "services" / "worker" / "pipeline.py"))
    assert "copydesk.extract" in names and "services.worker.fetch" in names
    assert _violations("services.worker", ("copydesk.extract",))
