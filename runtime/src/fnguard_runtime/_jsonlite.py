"""A minimal JSON encoder for audit records.

`import json` costs about 4 ms; audit records are flat dicts of strings, numbers, booleans,
None and small lists/dicts, so the first cold-start event does not pay for the json package.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
                 ord("\t"): "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def _string(value: str) -> str:
    return '"' + value.translate(_ESCAPES) + '"'


def dumps(value: Any) -> str:
    """Encode `value` as compact JSON; unknown objects are encoded as their str()."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "null"
    if isinstance(value, dict):
        return "{" + ",".join(_string(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, bytes):
        return _string(value.decode("utf-8", "replace"))
    return _string(str(value))
