"""QuickAckStream: an immediate-ACK request before every read, on the socket in use."""

from __future__ import annotations

import socket
import ssl
import typing

import httpcore

from services.worker.quickack import QuickAckBackend, QuickAckStream

OPTION = 12  # TCP_QUICKACK's value on Linux; the tests need no real socket


class _Socket:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.fail = fail

    def setsockopt(self, level: int, option: int, value: int) -> None:
        if self.fail:
            raise OSError("closed")
        self.calls.append((level, option, value))


class _Stream(httpcore.NetworkStream):
    def __init__(self, sock: _Socket, log: list[str]) -> None:
        self.sock = sock
        self.log = log

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.log.append(f"read {len(self.sock.calls)}")
        return b"data"

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(_Socket(), self.log)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.sock if info == "socket" else None


def test_each_read_asks_for_an_immediate_ack_first() -> None:
    sock, log = _Socket(), []
    stream = QuickAckStream(_Stream(sock, log), OPTION)
    assert stream.read(10) == b"data" and stream.read(10) == b"data"
    # The kernel falls back to delayed ACKs by itself: asked again before every read.
    assert log == ["read 1", "read 2"]
    assert sock.calls == [(socket.IPPROTO_TCP, OPTION, 1)] * 2


def test_after_tls_the_new_streams_socket_is_asked() -> None:
    log: list[str] = []
    tls = QuickAckStream(_Stream(_Socket(), log), OPTION).start_tls(ssl.create_default_context())
    assert isinstance(tls, QuickAckStream)
    tls.read(10)
    assert log == ["read 1"]


def test_a_refused_option_leaves_the_read_to_fail_or_not() -> None:
    log: list[str] = []
    assert QuickAckStream(_Stream(_Socket(fail=True), log), OPTION).read(10) == b"data"


class _Backend(httpcore.NetworkBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(_Socket(), [])


def test_backend_wraps_tcp_streams_only_where_the_option_exists() -> None:
    assert isinstance(QuickAckBackend(_Backend(), OPTION).connect_tcp("h", 80), QuickAckStream)
    assert isinstance(QuickAckBackend(_Backend(), None).connect_tcp("h", 80), _Stream)
