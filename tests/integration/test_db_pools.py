"""The worker's pool commits without waiting for the disk; the API's does not."""

from __future__ import annotations

import pytest

from copydesk import db
from copydesk.settings import Settings
from services.worker.context import WorkerContext

pytestmark = pytest.mark.integration


def test_only_the_worker_pool_skips_synchronous_commit(settings: Settings) -> None:
    context = WorkerContext(settings)
    api_pool = db.create_pool(settings)
    try:
        with context.pool().connection() as conn:
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
        with api_pool.connection() as conn:
            assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
    finally:
        context.close()
        api_pool.close()
