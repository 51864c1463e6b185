"""The network guard used by tests/conftest.py: any non-loopback connection fails the test.

Kept out of conftest.py so tests can import it by a unique module name (several
conftest.py files exist under tests/ and would shadow each other).
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from territory_designer.core.network import is_loopback_host

_INET = (socket.AF_INET, socket.AF_INET6)


class NetworkAccessError(RuntimeError):
    """Raised on any attempt to reach a non-loopback address (not an OSError on purpose:
    code that tolerates network failures must not hide the attempt)."""


_is_loopback_host = is_loopback_host


def _is_allowed_address(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path or abstract socket
        return True
    if isinstance(address, tuple) and address:
        return _is_loopback_host(address[0])
    return False


class NetworkGuard:
    """Patches ``socket`` so that non-loopback use raises and is recorded."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def _refuse(self, what: str, target: Any) -> None:
        message = f"network access in a test: {what}({target!r})"
        self.attempts.append(message)
        raise NetworkAccessError(message)

    def install(self, mp: pytest.MonkeyPatch) -> None:
        """Patch connect, connect_ex, create_connection and getaddrinfo."""
        guard = self
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_create = socket.create_connection
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family in _INET and not _is_allowed_address(address):
                guard._refuse("socket.connect", address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            if sock.family in _INET and not _is_allowed_address(address):
                guard._refuse("socket.connect_ex", address)
            return real_connect_ex(sock, address)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
            if not _is_allowed_address(address):
                guard._refuse("socket.create_connection", address)
            return real_create(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not _is_loopback_host(host):
                guard._refuse("socket.getaddrinfo", host)
            return real_getaddrinfo(host, *args, **kwargs)

        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        mp.setattr(socket, "create_connection", create_connection)
        mp.setattr(socket, "getaddrinfo", getaddrinfo)
