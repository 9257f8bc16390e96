"""Which addresses and URLs the SSRF guard lets through."""

from __future__ import annotations

import ipaddress

import pytest

from services.worker.netguard import (
    BlockedAddress,
    NetworkPolicy,
    check_url,
    is_public_address,
    vetted_addresses,
)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),  # link-local
        ("fc00::1", False),  # unique local
        ("ff02::1", False),  # multicast
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2002:7f00:0001::", False),  # 6to4 of 127.0.0.1
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "http://user@example.com/",
        "https://user:secret@example.com/",
        "http:///nohost",
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(BlockedAddress):
        check_url(url, NetworkPolicy())


@pytest.mark.parametrize("url", ["http://example.com/a", "HTTPS://example.com/", "http://8.8.8.8/"])
def test_check_url_allows_public(url: str) -> None:
    check_url(url, NetworkPolicy())


def test_private_networks_setting_opens_loopback() -> None:
    check_url("http://127.0.0.1:8000/", NetworkPolicy(allow_private_networks=True))


def test_allowed_networks_are_narrow_exceptions() -> None:
    policy = NetworkPolicy(allowed_networks=("127.0.0.1/32",))
    check_url("http://127.0.0.1/", policy)
    with pytest.raises(BlockedAddress):
        check_url("http://127.0.0.2/", policy)


def test_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.5"):
        vetted_addresses("mixed.example", 80, NetworkPolicy(), lambda h, p: ["8.8.8.8", "10.0.0.5"])


def test_vetted_addresses_returns_what_was_checked() -> None:
    resolved = vetted_addresses("ok.example", 80, NetworkPolicy(), lambda h, p: ["8.8.4.4"])
    assert resolved == ["8.8.4.4"]


@pytest.mark.parametrize(
    "url", ["http://[::1/", "http://example.com:99999/", "http://exa mple.com:x/"]
)
def test_check_url_refuses_malformed(url: str) -> None:
    with pytest.raises(BlockedAddress, match="malformed"):
        check_url(url, NetworkPolicy())
