"""When the API requires keys: COPYDESK_REQUIRE_API_KEY, else by the address it binds."""

from __future__ import annotations

import pytest

from copydesk.apikeys import hash_api_key, key_prefix, new_api_key
from copydesk.settings import Settings


@pytest.mark.parametrize(
    ("host", "required"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("[::1]", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.10", True),
        ("api.example.com", True),
    ],
)
def test_required_unless_loopback(host: str, required: bool) -> None:
    assert Settings(require_api_key=None).api_keys_required(host) is required


@pytest.mark.parametrize("forced", [True, False])
def test_setting_overrides_the_address(forced: bool) -> None:
    settings = Settings(require_api_key=forced)
    assert settings.api_keys_required("127.0.0.1") is forced
    assert settings.api_keys_required("0.0.0.0") is forced


def test_keys_are_random_and_only_a_prefix_is_kept() -> None:
    one, two = new_api_key(), new_api_key()
    assert one != two and one.startswith("cdk_")
    assert len(hash_api_key(one)) == 64 and hash_api_key(one) != hash_api_key(two)
    assert one.startswith(key_prefix(one)) and len(key_prefix(one)) < len(one) // 3
