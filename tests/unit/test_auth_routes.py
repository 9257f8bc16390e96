"""Every API route but the health check sits behind the API key check.

Read from the app's own OpenAPI document: `authenticate` is the only user of the Bearer
scheme, so an operation without it is one a client can call without a key. A route meant to
be open must be named here, deliberately.
"""

from __future__ import annotations

from copydesk.settings import Settings
from services.ingest.app import create_app

OPEN_PATHS = frozenset({"/healthz"})


def test_every_operation_but_the_open_ones_needs_a_key() -> None:
    settings = Settings(database_url="postgresql://unused/db", redis_url="redis://unused")
    spec = create_app(settings, bind_host="0.0.0.0").openapi()
    unguarded = sorted(
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if path not in OPEN_PATHS and {"HTTPBearer": []} not in operation.get("security", [])
    )
    assert unguarded == []
    assert spec["paths"].keys() >= OPEN_PATHS
