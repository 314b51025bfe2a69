"""Accepted connections reply without Nagle's delay, even on Streamlit's protocol-0 socket."""

import socket
from asyncio import base_events

from c4d.serving import no_delay_on_accepted_connections


def test_a_protocol_zero_tcp_socket_gets_tcp_nodelay(monkeypatch):
    monkeypatch.setattr(base_events, "_set_nodelay", base_events._set_nodelay)  # restored after the test
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0) as sock:
        base_events._set_nodelay(sock)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # asyncio's own rule skips it
        no_delay_on_accepted_connections()
        base_events._set_nodelay(sock)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0

