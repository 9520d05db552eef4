"""Audit events: one JSON object per line on stdout, and/or RFC 5424 syslog.

Every record carries `fnguard` (schema version), `time`, `type` and `function`; the other
fields appear when they apply. The README documents the schema. Emission suspends
enforcement, so writing the event (a syslog socket, a redirected stdout) is never judged by
the guard itself.
"""

from __future__ import annotations

import sys
import time

from . import _hook
from ._jsonlite import dumps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._policy import AuditPolicy
    from ._syslog import SyslogSink

SCHEMA_VERSION = "1"


def utc_timestamp(now: float) -> str:
    """RFC 3339 UTC time with milliseconds, the form both log pipelines and syslog accept."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


class AuditLog:
    """Formats and writes audit records for one guarded function."""

    __slots__ = ("_stdout", "_syslog", "function", "invocations")

    def __init__(self, policy: AuditPolicy, function: str) -> None:
        self.function = function
        self.invocations = policy.invocations
        self._stdout = policy.sink in ("stdout", "both")
        self._syslog: SyslogSink | None = None
        if policy.sink in ("syslog", "both") and policy.address:
            from ._syslog import SyslogSink

            self._syslog = SyslogSink(policy.address, policy.app_name, policy.facility)

    def emit(self, kind: str, **fields: Any) -> None:
        """Write one record; never raises (an unwritable sink must not break the handler)."""
        now = time.time()
        record: dict[str, Any] = {
            "fnguard": SCHEMA_VERSION,
            "time": utc_timestamp(now),
            "type": kind,
            "function": self.function,
        }
        for key, value in fields.items():
            if value is not None:
                record[key] = value
        line = dumps(record)
        with _hook.suspended():
            delivered = False
            if self._syslog is not None:
                delivered = self._syslog.send(kind, now, line)
            if self._stdout or not delivered:
                try:
                    sys.stdout.write(line + "\n")
                    sys.stdout.flush()
                except (OSError, ValueError):
                    pass
