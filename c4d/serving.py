"""How the toolkit's server talks to phones on a busy Wi-Fi.

Streamlit binds its listening socket itself, with protocol number 0, and asyncio only
switches off Nagle's algorithm (TCP_NODELAY) on accepted connections whose socket says
protocol 6 (TCP). Without it, a phone that keeps its connection open waits for a delayed
acknowledgement (about 40 ms on Linux) before each small reply after the first. We
extend asyncio's rule to every TCP stream socket, whatever protocol number it was
created with. Applied once, in the server process only (see app.py).
"""

from __future__ import annotations

import socket
from asyncio import base_events


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # a platform that refuses it keeps the default
            pass


def no_delay_on_accepted_connections() -> None:
    base_events._set_nodelay = _set_nodelay  # type: ignore[attr-defined]
