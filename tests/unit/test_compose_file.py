"""compose.yaml runs what `copydesk up` runs: the same commands and the same settings."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from copydesk.cli import _parser
from copydesk.settings import Settings
from tests.support import REPO

SERVICES = ("ingest", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    return data["services"]


@pytest.mark.parametrize(
    ("service", "subcommand"),
    [("ingest", "api"), ("worker", "worker"), ("beat", "beat"), ("migrate", "db")],
)
def test_commands_are_copydesk_commands(
    compose: dict[str, Any], service: str, subcommand: str
) -> None:
    command = compose[service]["command"]
    assert command[0] == "copydesk" and command[1] == subcommand
    _parser().parse_args(command[1:])  # exits (fails the test) on an unknown flag


@pytest.mark.parametrize("service", [*SERVICES, "migrate"])
def test_environment_names_real_settings(compose: dict[str, Any], service: str) -> None:
    env = compose[service]["environment"]
    assert {"COPYDESK_DATABASE_URL", "COPYDESK_REDIS_URL"} <= set(env)
    fields = {f"COPYDESK_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields


@pytest.mark.parametrize("service", [*SERVICES, "postgres", "redis"])
def test_long_running_services_have_health_checks(compose: dict[str, Any], service: str) -> None:
    assert compose[service]["healthcheck"]["test"]


def test_services_wait_for_servers_and_schema(compose: dict[str, Any]) -> None:
    for service in SERVICES:
        depends = compose[service]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(compose["ingest"]["healthcheck"]["test"])


def test_prometheus_profile_scrapes_the_api_and_the_worker(compose: dict[str, Any]) -> None:
    assert compose["prometheus"]["profiles"] == ["monitoring"]
    config = yaml.safe_load((REPO / "deploy" / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    worker_port = Settings.model_fields["worker_metrics_port"].default
    assert targets == {"ingest:8000", f"worker:{worker_port}"}
    assert compose["ingest"]["environment"]["COPYDESK_WORKER_METRICS_HOST"] == "0.0.0.0"
