"""RFC 5424 syslog over UDP (one datagram per message) or TCP (RFC 6587 octet counting)."""

from __future__ import annotations

import os
import time

from ._errors import GuardConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket

# RFC 5424 severities per audit record type; anything unlisted is informational.
_SEVERITY = {"blocked": 4, "alerted": 5, "validation_failed": 5, "depth_exceeded": 4,
             "timeout_warning": 4, "guard_unavailable": 3, "error": 3}


def parse_address(address: str) -> tuple[str, str, int]:
    """Split `udp://host:port` / `tcp://host:port` into (protocol, host, port)."""
    proto, sep, rest = address.partition("://")
    if not sep or proto not in ("udp", "tcp"):
        raise GuardConfigError(f"syslog address must be udp://host:port or tcp://host:port: {address}")
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise GuardConfigError(f"syslog address needs a host and a port: {address}")
    return proto, host, int(port)


class SyslogSink:
    """Sends RFC 5424 messages; the socket is opened on first use and reopened on error."""

    __slots__ = ("_app", "_facility", "_host", "_hostname", "_port", "_proto", "_sock")

    def __init__(self, address: str, app_name: str, facility: int) -> None:
        self._proto, self._host, self._port = parse_address(address)
        self._app = app_name.replace(" ", "_")[:48] or "-"
        self._facility = facility
        self._sock: socket.socket | None = None
        self._hostname = "-"

    def format(self, kind: str, now: float, message: str) -> bytes:
        """One RFC 5424 message: PRI VERSION TIMESTAMP HOST APP PROCID MSGID SD MSG."""
        pri = self._facility * 8 + _SEVERITY.get(kind, 6)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
        head = f"<{pri}>1 {stamp} {self._hostname} {self._app} {os.getpid()} {kind[:32]} - "
        return (head + message).encode("utf-8")

    def _connect(self) -> socket.socket:
        import socket

        if self._hostname == "-":
            self._hostname = (socket.gethostname() or "-").replace(" ", "_")[:255]
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        kind = socket.SOCK_DGRAM if self._proto == "udp" else socket.SOCK_STREAM
        sock = socket.socket(family, kind)
        sock.settimeout(2.0)
        sock.connect((self._host, self._port))
        return sock

    def send(self, kind: str, now: float, message: str) -> bool:
        """Deliver one message; False when the collector cannot be reached."""
        for _attempt in (1, 2):
            try:
                if self._sock is None:
                    self._sock = self._connect()
                data = self.format(kind, now, message)
                if self._proto == "tcp":
                    data = str(len(data)).encode() + b" " + data
                    self._sock.sendall(data)
                else:
                    self._sock.send(data)
                return True
            except OSError:
                if self._sock is not None:
                    self._sock.close()
                self._sock = None
        return False
