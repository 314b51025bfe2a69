"""The laptop's address for the join link (c4d.lan): override, detection, never loopback."""

from __future__ import annotations

import socket

import pytest

from c4d import lan


def detector(*addresses):
    return lambda: list(addresses)


def test_the_saved_override_wins_over_detection(store):
    store.set_setting(lan.SETTING, "192.168.137.1")
    address = lan.lan_address(store, detect=detector("10.0.0.5"))
    assert (address.host, address.port, address.source) == ("192.168.137.1", None, "setting")
    assert lan.join_url(address, "K7QM3", 8501) == "http://192.168.137.1:8501/j/K7QM3"


def test_an_override_with_a_port_keeps_its_port():
    address = lan.lan_address(override="http://192.168.1.20:8502/", detect=detector("10.0.0.5"))
    assert lan.join_url(address, "ABCDE", 8501) == "http://192.168.1.20:8502/j/ABCDE"


def test_a_damaged_saved_override_falls_back_to_detection(store):
    store.set_setting(lan.SETTING, "127.0.0.1")  # only this laptop: useless for phones
    address = lan.lan_address(store, detect=detector("192.168.1.7"))
    assert (address.host, address.source) == ("192.168.1.7", "detected")


def test_detection_never_returns_loopback_or_link_local_when_a_lan_address_exists():
    address = lan.lan_address(detect=detector("127.0.0.1", "169.254.10.20", "0.0.0.0", "192.168.1.5"))
    assert address.host == "192.168.1.5" and address.reachable_by_phones


def test_a_private_address_is_preferred_to_a_public_one():
    assert lan.choose(["8.8.4.4", "172.20.1.9"]) == "172.20.1.9"
    assert lan.choose(["8.8.4.4"]) == "8.8.4.4"


def test_without_any_network_the_link_is_marked_unreachable():
    address = lan.lan_address(detect=detector("127.0.0.1", "169.254.1.1"))
    assert address.host == "127.0.0.1" and address.source == "none"
    assert not address.reachable_by_phones


def test_port_80_is_left_out_of_the_link():
    assert lan.join_url(lan.LanAddress("10.1.2.3", None, "detected"), "ABCDE", 80) == "http://10.1.2.3/j/ABCDE"


@pytest.mark.parametrize("typed,expected", [
    ("192.168.1.20", ("192.168.1.20", None)),
    (" 192.168.1.20:8501 ", ("192.168.1.20", 8501)),
    ("c4d-laptop.local", ("c4d-laptop.local", None)),
    ("https://10.0.0.2:9000", ("10.0.0.2", 9000)),
])
def test_overrides_people_type_are_read(typed, expected):
    assert lan.parse_override(typed) == expected


@pytest.mark.parametrize("typed,words", [
    ("", "type an address"),
    ("127.0.0.1", "only works on this laptop"),
    ("localhost:8501", "only works on this laptop"),
    ("169.254.3.3", "only works on this laptop"),
    ("192.168.1.300", "not a valid IPv4 address"),
    ("192.168.1.2:99999", "not a port number"),
    ("192.168.1.2/j/ABC", "not an address"),
    ("my laptop", "not an address"),
    ("<script>", "not an address"),
])
def test_bad_overrides_are_explained(typed, words):
    with pytest.raises(lan.AddressError, match=words):
        lan.parse_override(typed)


class FakeSocket:
    """A UDP socket that records what it was asked and never touches a network."""

    calls: list = []
    routes = {"192.168.255.255": "192.168.1.5", "10.255.255.255": "127.0.0.1"}

    def __init__(self, family, kind):
        assert (family, kind) == (socket.AF_INET, socket.SOCK_DGRAM)
        self.target = None

    def connect(self, target):
        self.calls.append(("connect", target))
        if target[0] not in self.routes:
            raise OSError("Network is unreachable")
        self.target = target[0]

    def getsockname(self):
        return (self.routes[self.target], 40000)

    def send(self, *_):  # pragma: no cover - must never be called
        raise AssertionError("detection must not send anything")

    sendto = send

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_detection_only_asks_for_routes_and_sends_nothing(monkeypatch):
    FakeSocket.calls = []
    monkeypatch.setattr(lan.socket, "socket", FakeSocket)
    found = lan.candidate_addresses()
    assert found == ["192.168.1.5", "127.0.0.1"]
    assert all(kind == "connect" for kind, _ in FakeSocket.calls)
    assert lan.choose(found) == "192.168.1.5"


def test_port_from_the_page_address():
    assert lan.port_from_url("http://192.168.1.5:8502/voting") == 8502
    assert lan.port_from_url("http://localhost/") is None
    assert lan.port_from_url(None) is None


@pytest.mark.parametrize("listening_on, alone", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.1.1", True),
    ("0.0.0.0", False), ("::", False), (None, False), ("", False), ("192.168.137.1", False),
])
def test_a_server_listening_on_loopback_only_is_recognised(listening_on, alone):
    assert lan.loopback_only(listening_on) is alone
