"""The address phones use to reach this laptop, and the join link built from it.

Phones join over the laptop's Wi-Fi or hotspot, so the link on the projector must carry
the laptop's address on that network (e.g. http://192.168.137.1:8501/j/K7QM3), never
'localhost'. The address is found without sending anything: connecting a UDP socket
only asks the operating system which local address it would use for a route; no packet
leaves the laptop. Loopback (127.x) and link-local (169.254.x, "no DHCP answer")
addresses are skipped, and private addresses (10.x, 172.16–31.x, 192.168.x) are
preferred, since that is what a hotspot hands out.

When detection picks the wrong network card (a laptop on Ethernet and hotspot at once),
the facilitator types the address in Settings; that override ("lan_address") always
wins. It may carry a port ("192.168.1.20:8502") or be a name ("c4d.local").
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

SETTING = "lan_address"
DEFAULT_PORT = 8501

# Routes the system is asked about: one in each private range, plus a public one for a
# laptop whose only route is its default gateway. Nothing is ever sent to them.
PROBE_TARGETS = ("192.168.255.255", "172.31.255.255", "10.255.255.255", "203.0.113.1")

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


class AddressError(ValueError):
    """An address typed in Settings that phones could not use; the message says why."""


@dataclass(frozen=True)
class LanAddress:
    host: str
    port: int | None  # a port typed with the override; None = the server's own
    source: str  # "setting", "detected" or "none" (only this laptop: 127.0.0.1)

    @property
    def reachable_by_phones(self) -> bool:
        return self.source != "none"


def usable(address: str) -> bool:
    """An IPv4 address another device on the network can reach."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast
                or ip.is_reserved or ip == ipaddress.IPv4Address("255.255.255.255"))


def loopback_only(listening_on: str | None) -> bool:
    """True when the server listens on a loopback address only (e.g. `--host 127.0.0.1`),
    so no phone can reach it whatever the network."""
    if listening_on in (None, ""):
        return False  # every interface
    if listening_on == "localhost":
        return True
    try:
        return ipaddress.ip_address(listening_on).is_loopback
    except ValueError:
        return False


def _source_address(target: str) -> str | None:
    """The local address the system would use to reach `target` (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))  # UDP connect: chooses a route, sends nothing
            return probe.getsockname()[0]
    except OSError:  # no route at all (no network card up)
        return None


def candidate_addresses(targets: Iterable[str] = PROBE_TARGETS) -> list[str]:
    """This laptop's addresses on its networks, in the order found, without duplicates."""
    found: list[str] = []
    for target in targets:
        address = _source_address(target)
        if address and address not in found:
            found.append(address)
    return found


def choose(addresses: Iterable[str]) -> str | None:
    """The best address for phones: a private one if there is one, else any usable one."""
    usable_ones = [a for a in addresses if usable(a)]
    private = [a for a in usable_ones if ipaddress.IPv4Address(a).is_private]
    return (private or usable_ones or [None])[0]


def parse_override(text: str) -> tuple[str, int | None]:
    """'192.168.1.20', '192.168.1.20:8502' or 'c4d.local' → (host, port).
    Raises AddressError saying what is wrong."""
    text = (text or "").strip()
    for prefix in ("http://", "https://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    text = text.rstrip("/")
    if not text:
        raise AddressError("type an address such as 192.168.1.20, or leave the field empty to detect it")
    if "/" in text or " " in text:
        raise AddressError(f"'{text}' is not an address; type only the address, such as 192.168.1.20")
    host, port = text, None
    if ":" in text:
        host, _, port_text = text.rpartition(":")
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise AddressError(f"'{port_text}' is not a port number (1–65535)")
        port = int(port_text)
    if re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise AddressError(f"'{host}' is not a valid IPv4 address (four numbers 0–255, e.g. 192.168.1.20)") \
                from None
        if not usable(host):
            raise AddressError(f"{host} only works on this laptop (or nowhere); phones need the laptop's "
                               f"address on the Wi-Fi, such as 192.168.1.20")
    elif not _HOSTNAME.match(host):
        raise AddressError(f"'{host}' is not an address or a network name")
    elif host.lower() == "localhost":
        raise AddressError("'localhost' only works on this laptop; phones need the laptop's address on the Wi-Fi")
    return host, port


def lan_address(store: Any = None, *, override: str | None = None,
                detect: Callable[[], Iterable[str]] | None = None) -> LanAddress:
    """The address for the join link: the Settings override if one is saved (and valid),
    else the detected LAN address, else 127.0.0.1 marked as not reachable by phones."""
    typed = override if override is not None else (store.setting(SETTING) if store is not None else None)
    if typed:
        try:
            host, port = parse_override(str(typed))
        except AddressError:
            pass  # a bad saved value falls back to detection; Settings shows the problem
        else:
            return LanAddress(host, port, "setting")
    found = choose((detect or candidate_addresses)())
    if found:
        return LanAddress(found, None, "detected")
    return LanAddress("127.0.0.1", None, "none")


def base_url(address: LanAddress, port: int | None = None) -> str:
    port = address.port or port or DEFAULT_PORT
    return f"http://{address.host}" + ("" if port == 80 else f":{port}")


def join_url(address: LanAddress, join_code: str, port: int | None = None) -> str:
    """The link participants open, e.g. http://192.168.137.1:8501/j/K7QM3."""
    return f"{base_url(address, port)}/j/{join_code}"


def port_from_url(url: str | None) -> int | None:
    """The port of the page's own address (st.context.url), when it names one."""
    match = re.match(r"^[a-z]+://(?:\[[^\]]*\]|[^/:]*)(?::(\d+))?", url or "", re.I)
    if match and match.group(1):
        return int(match.group(1))
    return None
