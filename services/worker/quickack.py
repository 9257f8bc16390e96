"""Acknowledge received data at once, so a server's last segment is not held back.

A server that writes a response's headers and its body in two sends (Python's http.server,
many small frameworks), with Nagle's algorithm on, holds the body's last partial segment
until the headers are acknowledged; Linux delays that ACK by up to 40 ms. On a local
100 kB page one fetch in six waited the full 40 ms (7 ms a fetch on average, against 0.2 ms
of work). TCP_QUICKACK asks for immediate ACKs, but the kernel drops back to delayed ACKs
by itself, so it is set again before every read (one setsockopt, about a microsecond).

Linux only: elsewhere the backend hands out its streams as they are.
"""

from __future__ import annotations

import socket
import ssl
import typing
from collections.abc import Iterable
from contextlib import suppress

import httpcore

# None where the platform has no such option.
QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


class QuickAckStream(httpcore.NetworkStream):
    """A stream that asks its socket for an immediate ACK before each read."""

    def __init__(self, inner: httpcore.NetworkStream, option: int) -> None:
        self._inner = inner
        self._option = option
        self._sock: socket.socket | None = inner.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._sock is not None:
            # A socket already closed fails the read itself, with httpcore's own error.
            with suppress(OSError):
                self._sock.setsockopt(socket.IPPROTO_TCP, self._option, 1)
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # TLS takes the socket over (the plain socket object is detached): ask the new stream.
        return QuickAckStream(
            self._inner.start_tls(ssl_context, server_hostname, timeout), self._option
        )

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class QuickAckBackend(httpcore.NetworkBackend):
    """Wraps a backend so that its TCP streams acknowledge at once (QuickAckStream)."""

    def __init__(self, inner: httpcore.NetworkBackend, option: int | None = QUICKACK) -> None:
        self._inner = inner
        self._option = option

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return stream if self._option is None else QuickAckStream(stream, self._option)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
