"""The conftest guard turns any non-loopback network use into a test failure."""

from __future__ import annotations

import contextlib
import socket
import urllib.request

import pytest
from td_network import NetworkAccessError, NetworkGuard


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.create_connection(("93.184.215.14", 80), timeout=1),
        lambda: socket.getaddrinfo("example.com", 443),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("8.8.8.8", 53)),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect_ex(("1.1.1.1", 53)),
        lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect(
            ("2001:4860:4860::8888", 53, 0, 0)
        ),
        lambda: urllib.request.urlopen("http://example.com/", timeout=1),
    ],
    ids=["create_connection", "getaddrinfo", "connect", "connect_ex", "ipv6", "urllib"],
)
def test_outside_connections_raise(attempt, network_guard: NetworkGuard) -> None:
    with pytest.raises(NetworkAccessError, match="network access in a test"):
        attempt()
    assert network_guard.attempts  # recorded, so the test fails even if code swallows it
    network_guard.attempts.clear()


def test_swallowed_attempt_is_still_recorded(network_guard: NetworkGuard) -> None:
    with contextlib.suppress(Exception):  # code under test that hides network errors
        socket.getaddrinfo("pypi.org", 443)
    assert network_guard.attempts == ["network access in a test: socket.getaddrinfo('pypi.org')"]
    network_guard.attempts.clear()


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port), timeout=2)
        client.close()
        assert socket.getaddrinfo("localhost", port)
    finally:
        server.close()
    a, b = socket.socketpair()  # AF_UNIX (or loopback TCP on Windows)
    a.close()
    b.close()
