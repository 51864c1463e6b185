"""Which hosts count as this machine: the app never goes online, loopback aside."""

from __future__ import annotations

import ipaddress

#: Names that always mean this machine.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_host(host: object) -> bool:
    """True for None (the local host), a loopback name or a loopback address.

    Anything else, a name included, is treated as remote: resolving it would go online.
    """
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    text = str(host).strip("[]").split("%")[0]
    if text.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False
