"""Property-based run of schemathesis against the API's own OpenAPI document.

Requests generated from the schema (valid and invalid ones) go to a real API process on
loopback: no answer may be a 5xx, and every answer must match what the schema declares
(status code, content type, body). Bounded by MAX_EXAMPLES per operation. The API uses a
queue no worker reads, so submitted jobs and crawls are stored but never run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from copydesk.settings import Settings
from tests.support import Service, api_process, delete_queue

pytestmark = pytest.mark.integration

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_api(
    settings: Settings, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    fuzz_settings = settings.model_copy(update={"queue": settings.queue + "-fuzz"})
    log: Path = tmp_path_factory.mktemp("fuzz-api") / "api.log"
    with psycopg.connect(database_url, autocommit=True) as conn:
        (started,) = conn.execute("SELECT now()").fetchone() or (None,)
        try:
            with api_process(fuzz_settings, log) as service:
                yield service
        finally:
            delete_queue(fuzz_settings)
            _forget_fuzz_work(conn, started)


def _forget_fuzz_work(conn: psycopg.Connection[Any], since: object) -> None:
    """Retire the jobs and sources the fuzzer created, so no later test's sweeper or crawl
    dispatcher (which act on every row) spends its time on them."""
    conn.execute(
        """
        UPDATE ingest_jobs SET status = 'failed', error = 'fuzz test input, never run'
        WHERE status IN ('queued', 'running') AND created_at >= %(since)s
        """,
        {"since": since},
    )
    conn.execute("DELETE FROM sources WHERE created_at >= %(since)s", {"since": since})


@pytest.fixture(scope="module")
def api_schema(fuzz_api: Service) -> Any:
    return schemathesis.openapi.from_url(f"{fuzz_api.base_url}/openapi.json")


def _fuzz(operation: Any, mode: GenerationMode) -> str | None:
    """Run one operation's generated cases; the first failure's report, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: e.g. no parameters, or any string goes
        return None
    except Exception as exc:  # schemathesis reports failures as exception groups
        return f"{operation.label} ({mode.value}): {exc}"
    return None


# Schemathesis's own pytest plugin does not load under pytest 9, so the operations are
# walked here; every operation gets valid and invalid requests.
def test_api_answers_match_its_schema_and_are_never_5xx(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    failures = [
        report
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (report := _fuzz(operation, mode)) is not None
    ]
    assert not failures, "\n\n".join(failures)
