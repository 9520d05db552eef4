"""Outbound network allow-list, checked at name resolution and at connect/sendto.

Connecting to an IP literal skips name resolution, so `socket.connect` (and `sendto` /
`sendmsg` for UDP) is judged too. An IP is allowed when a CIDR rule holds it or when it
was resolved, during a guarded invocation, from a host name a rule allows (the wrapped
`socket.getaddrinfo` remembers which name produced which address). The metadata and
credential endpoints are checked on the final address first, so DNS tricks that point an
allowed name at 169.254.169.254 are still denied.
"""

from __future__ import annotations

import os
import sys

from . import _hook
from ._errors import GuardConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
    from typing import Any, Union

    from ._hook import Check, Enforcing
    from ._policy import NetworkPolicy

    Address = Union[IPv4Address, IPv6Address]
    Network = Union[IPv4Network, IPv6Network]

FEATURE = "network"
METADATA_IPS = frozenset(("169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254",
                          "fd00:ec2::23"))
METADATA_NAMES = frozenset(("metadata.google.internal", "metadata.goog", "metadata",
                            "instance-data", "instance-data.ec2.internal"))
_resolved: dict[str, str] = {}
_wrapped = False


def _ip(host: str) -> Address | None:
    """The address a host string denotes, including inet_aton forms such as 2852039166."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host) or not host[0].isdigit():
            return None
        import socket

        try:
            ip = ipaddress.ip_address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _normalise(host: object) -> str:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip().lower().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return text.split("%", 1)[0]


def _port(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, (str, bytes)) and value.isdigit():
        return int(value)
    return None


class _Rule:
    __slots__ = ("kind", "net", "ports", "value")

    def __init__(self, text: str) -> None:
        spec = text.strip()
        ports = ""
        if spec.startswith("["):
            host, _, rest = spec[1:].partition("]")
            ports = rest[1:] if rest.startswith(":") else ""
        elif spec.count(":") == 1:
            host, _, ports = spec.partition(":")
        else:
            host = spec
        try:
            self.ports = frozenset(int(p) for p in ports.split(",") if p)
        except ValueError:
            raise GuardConfigError(f"network.allow rule has a bad port: {text!r}") from None
        host = _normalise(host)
        self.net: Network | None = None
        if host == "*":
            self.kind, self.value = "any", ""
        elif host.startswith("*."):
            self.kind, self.value = "suffix", host[1:]
        elif "/" in host or _ip(host) is not None:
            import ipaddress

            try:
                self.net = ipaddress.ip_network(host, strict=False)
            except ValueError:
                raise GuardConfigError(f"network.allow rule is not a CIDR: {text!r}") from None
            self.kind, self.value = "net", host
        elif host:
            self.kind, self.value = "name", host
        else:
            raise GuardConfigError(f"network.allow rule has no host: {text!r}")

    def matches(self, host: str, ip: Address | None, port: int | None) -> bool:
        if self.ports and port is not None and port not in self.ports:
            return False
        if self.kind == "name":
            return host == self.value
        if self.kind == "suffix":
            return host.endswith(self.value)
        if self.kind == "net":
            return ip is not None and self.net is not None and ip in self.net
        return True

    def names_exactly(self, host: str, ip: Address | None) -> bool:
        if self.kind == "name":
            return host == self.value
        return (self.kind == "net" and ip is not None and self.net is not None
                and self.net.num_addresses == 1 and ip in self.net)


def _credential_endpoint() -> tuple[str, int] | None:
    uri = os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if not uri:
        return None
    scheme, _, rest = uri.partition("://")
    netloc = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if netloc.startswith("["):
        host, _, port = netloc[1:].partition("]")
        port = port.lstrip(":")
    else:
        host, _, port = netloc.partition(":")
    default = 443 if scheme == "https" else 80
    return _normalise(host), int(port) if port.isdigit() else default


class NetworkGuard:
    """Judges (host, port) pairs; allowed answers are cached per guard."""

    __slots__ = ("_allowed", "_credential", "_rules", "allow_metadata", "mode")

    def __init__(self, policy: NetworkPolicy) -> None:
        self.mode = policy.mode
        self.allow_metadata = policy.allow_metadata
        self._rules = None if policy.allow is None else tuple(_Rule(r) for r in policy.allow)
        self._credential = _credential_endpoint()
        self._allowed: set[tuple[object, object]] = set()

    def _is_metadata(self, host: str, ip: Address | None, port: int | None) -> bool:
        if host in METADATA_NAMES or (ip is not None and str(ip) in METADATA_IPS):
            return True
        cred = self._credential
        if cred is None:
            return False
        return (host == cred[0] or (ip is not None and str(ip) == cred[0])) and port in (
            None, cred[1])

    def _match(self, host: str, ip: Address | None, port: int | None) -> bool:
        assert self._rules is not None
        return any(rule.matches(host, ip, port) for rule in self._rules)

    def decide(self, host: str, port: int | None) -> str | None:
        """None when allowed, else the reason for denial."""
        ip = _ip(host)
        if self._is_metadata(host, ip, port) and not self.allow_metadata and not (
            self._rules and any(r.names_exactly(host, ip) for r in self._rules)
        ):
            return "metadata / credential endpoint (network.allow_metadata is false)"
        if self._rules is None or self._match(host, ip, port):
            return None
        if ip is not None:
            name = _resolved.get(str(ip))
            if name is not None and self._match(name, None, port):
                return None
            if self._resolves_to_allowed_name(ip, port):
                return None
        return "destination is not in network.allow"

    def _resolves_to_allowed_name(self, ip: Address, port: int | None) -> bool:
        """Last resort before denying: resolve the exact-name rules (suspended, cached)."""
        assert self._rules is not None
        import socket

        with _hook.suspended():
            for rule in self._rules:
                if rule.kind != "name" or (rule.ports and port is not None and port not in rule.ports):
                    continue
                try:
                    infos = socket.getaddrinfo(rule.value, None)
                except OSError:
                    continue
                for info in infos:
                    _remember(str(info[4][0]), rule.value)
        name = _resolved.get(str(ip))
        return name is not None and self._match(name, None, port)

    def judge(self, enforcing: Enforcing, operation: str, host: object, port: object) -> None:
        raw = (host, port)
        if raw in self._allowed:
            return
        text = _normalise(host)
        key = (text, _port(port))
        if key in self._allowed:
            return
        reason = self.decide(*key)
        if reason is None:
            if len(self._allowed) > 4096:
                self._allowed.clear()
            self._allowed.add(key)
            self._allowed.add(raw)
            return
        target = f"{text}:{key[1]}" if key[1] is not None else text
        enforcing.deny(FEATURE, self.mode, operation, target, reason)

    def _lookup(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        if args[0] is not None:
            self.judge(enforcing, "socket.getaddrinfo", args[0], args[1])

    def _by_name(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        self.judge(enforcing, "socket.gethostbyname", args[0], None)

    def _address(self, operation: str) -> Check:
        def check(enforcing: Enforcing, args: tuple[Any, ...]) -> None:
            address = args[1]
            if type(address) is tuple and len(address) >= 2 and isinstance(address[0], str):
                self.judge(enforcing, operation, address[0], address[1])

        return check

    def table(self) -> dict[str, Check]:
        """Audit event name -> check, for the hook's dispatch table."""
        return {
            "socket.getaddrinfo": self._lookup,
            "socket.gethostbyname": self._by_name,
            "socket.gethostbyname_ex": self._by_name,
            "socket.connect": self._address("socket.connect"),
            "socket.sendto": self._address("socket.sendto"),
            "socket.sendmsg": self._address("socket.sendmsg"),
        }


def _remember(ip: str, name: str) -> None:
    if len(_resolved) > 4096:
        _resolved.clear()
    _resolved[ip] = name


def ensure_wrappers() -> None:
    """Once `socket` is loaded, wrap getaddrinfo to remember which name gave which address."""
    global _wrapped
    if _wrapped or "socket" not in sys.modules:
        return
    _wrapped = True
    import socket

    original = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        infos = original(host, *args, **kwargs)
        if host is not None and _hook.active() is not None:
            # Recorded for IP literals too: "1.2.3.4" -> "1.2.3.4" never matches a name rule.
            name = _normalise(host)
            for info in infos:
                _remember(str(info[4][0]), name)
        return infos

    getaddrinfo.__doc__ = original.__doc__
    socket.getaddrinfo = getaddrinfo
