"""API keys: an API that requires them, keys made and revoked with `copydesk keys`."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from copydesk.apikeys import hash_api_key
from copydesk.settings import Settings
from tests.support import REPO, Service, api_process, copydesk_command, settings_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def keyed_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A second API process of the same system, with API keys required."""
    keyed = settings.model_copy(update={"require_api_key": True})
    with api_process(keyed, tmp_path_factory.mktemp("keyed") / "api.log") as service:
        yield service


def _keys(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        copydesk_command("keys", *args),
        env=settings_env(settings),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _create_key(settings: Settings, name: str) -> str:
    done = _keys(settings, "create", name)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _assert_401(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


def _key_id(conn: psycopg.Connection[Any], key: str) -> int:
    row = conn.execute("SELECT id FROM api_keys WHERE key_sha256 = %s", (hash_api_key(key),))
    found = row.fetchone()
    assert found is not None
    return int(found[0])


def test_requests_need_a_valid_key_but_healthz_does_not(keyed_api: Service) -> None:
    with httpx.Client(base_url=keyed_api.base_url, timeout=10) as http:
        assert http.get("/healthz").status_code == 200
        _assert_401(http.post("/v1/documents", json={"text": "No key."}))
        _assert_401(http.get("/v1/sources"))
        _assert_401(http.get("/v1/jobs/00000000-0000-0000-0000-000000000000"))
        wrong = {"Authorization": "Bearer cdk_not-a-key"}
        _assert_401(http.post("/v1/documents", json={"text": "Wrong key."}, headers=wrong))
        _assert_401(http.get("/v1/sources", headers={"Authorization": "Basic dXNlcjpwYXNz"}))


def test_created_key_works_until_revoked(
    keyed_api: Service, settings: Settings, conn: psycopg.Connection[Any]
) -> None:
    key = _create_key(settings, "indexer")
    assert key.startswith("cdk_") and len(key) > 40
    with httpx.Client(base_url=keyed_api.base_url, timeout=10, headers=_bearer(key)) as http:
        accepted = http.post("/v1/documents", json={"text": "With a key.\n\nSecond."})
        assert accepted.status_code == 202, accepted.text
        assert http.get(f"/v1/jobs/{accepted.json()['job_id']}").status_code == 200

        # Only the hash is stored: the key appears nowhere in the table.
        stored = conn.execute("SELECT api_keys::text FROM api_keys").fetchall()
        assert stored and not any(key in row[0] or key[4:] in row[0] for row in stored)

        key_id = _key_id(conn, key)
        listed = _keys(settings, "list")
        assert f'"id": {key_id}' in listed.stdout and key not in listed.stdout

        assert _keys(settings, "revoke", str(key_id)).returncode == 0
        _assert_401(http.post("/v1/documents", json={"text": "Revoked key."}))
        assert _keys(settings, "revoke", str(key_id)).returncode == 1


def test_idempotency_keys_are_per_api_key(keyed_api: Service, settings: Settings) -> None:
    one, two = _create_key(settings, "one"), _create_key(settings, "two")
    idem = {"Idempotency-Key": secrets.token_hex(8)}
    with httpx.Client(base_url=keyed_api.base_url, timeout=10) as http:
        first = http.post(
            "/v1/documents", json={"text": "Client one."}, headers=_bearer(one) | idem
        )
        second = http.post(
            "/v1/documents", json={"text": "Client two."}, headers=_bearer(two) | idem
        )
    assert first.status_code == second.status_code == 202
    assert first.json()["job_id"] != second.json()["job_id"]


def test_local_mode_does_not_cover_requests_forwarded_by_a_proxy(
    api_server: Service, settings: Settings
) -> None:
    """The shared API binds loopback with the key setting unset (local mode inferred)."""
    assert settings.require_api_key is None
    body = {"text": "Through a proxy.\n\nSecond paragraph."}
    with httpx.Client(base_url=api_server.base_url, timeout=10) as http:
        assert http.post("/v1/documents", json=body).status_code == 202
        for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
            refused = http.post("/v1/documents", json=body, headers={header: "203.0.113.9"})
            _assert_401(refused)
            assert "proxy" in refused.json()["detail"]
        key = _create_key(settings, "behind-proxy")
        proxied = {"X-Forwarded-For": "203.0.113.9", **_bearer(key)}
        assert http.post("/v1/documents", json=body, headers=proxied).status_code == 202
