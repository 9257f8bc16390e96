"""SSRF guard: which URLs and addresses the fetcher may reach.

Two layers, because checking a hostname once and letting the HTTP library
resolve it again later is open to DNS rebinding:

- `check_url` refuses bad schemes, credentials and literal private addresses
  before any request (cheap, clear error messages, also used per redirect hop);
- `GuardedBackend` is the httpcore network backend: it resolves the host itself,
  refuses the connection if *any* resolved address is blocked, and then connects
  to the very address it checked, so the peer is always one we vetted.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
from httpcore._backends.sync import SyncBackend

from copydesk.errors import FetchFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
# 100.64.0.0/10 (carrier-grade NAT) is not "private" for ipaddress, but is no
# more public than 10/8; the NAT64 prefix maps to IPv4 and is checked through it.
_EXTRA_BLOCKED = (ipaddress.ip_network("100.64.0.0/10"),)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddress(FetchFailed):
    """The URL points at an address copydesk refuses to fetch."""


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Which addresses are reachable: public ones, plus explicit exceptions."""

    allow_private_networks: bool = False
    # CIDRs reachable even with the guard on (a test server, an intranet host).
    allowed_networks: tuple[str, ...] = ()

    def permits(self, address: IPAddress) -> bool:
        """Whether a connection to `address` is allowed."""
        if self.allow_private_networks:
            return True
        if any(address in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks):
            return True
        return is_public_address(address)


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses, including inside IPv6 wrappers."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in net for net in _EXTRA_BLOCKED):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_url(url: str, policy: NetworkPolicy) -> None:
    """Refuse non-http(s) schemes, credentials and blocked literal IP hosts."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # parsing the port raises on garbage such as ":99999"
    except ValueError as exc:
        raise BlockedAddress(f"malformed URL: {exc}", url=url) from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedAddress(f"scheme {parts.scheme or '(none)'!r} is not allowed", url=url)
    if parts.username is not None or parts.password is not None:
        raise BlockedAddress("credentials in URLs are not allowed", url=url)
    host = parts.hostname
    if not host:
        raise BlockedAddress("URL has no host", url=url)
    literal = _parse_ip(host)
    if literal is not None and not policy.permits(literal):
        raise BlockedAddress(f"address {literal} is non-public", url=url)


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for host:port, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]).split("%")[0], None)
    return list(seen)


def vetted_addresses(host: str, port: int, policy: NetworkPolicy, resolver: Resolver) -> list[str]:
    """Resolve `host` and return its addresses, refusing if any one is blocked.

    Refusing on any (not all) blocked address matters: a host that resolves to
    both a public and a private address could otherwise be steered inward.
    """
    literal = _parse_ip(host)
    try:
        addresses = [str(literal)] if literal is not None else resolver(host, port)
    except OSError as exc:
        raise FetchFailed(f"cannot resolve host {host!r}: {exc}") from exc
    if not addresses:
        raise FetchFailed(f"host {host!r} has no address")
    for text in addresses:
        address = ipaddress.ip_address(text)
        if not policy.permits(address):
            raise BlockedAddress(f"host {host!r} resolves to non-public address {address}")
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore backend that connects only to addresses the policy permits."""

    def __init__(self, policy: NetworkPolicy, resolver: Resolver = resolve_host) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to the first reachable vetted address of `host`."""
        last_error: Exception | None = None
        for address in vetted_addresses(host, port, self._policy, self._resolver):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None  # vetted_addresses never returns an empty list
        raise last_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Unix sockets are never a fetch target."""
        raise BlockedAddress("unix sockets are not allowed")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
