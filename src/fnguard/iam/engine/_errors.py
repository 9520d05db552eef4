"""The engine's one error: a policy (or request) that is not what IAM accepts."""

from __future__ import annotations

from fnguard.errors import InputError

__all__ = ["PolicyError"]


class PolicyError(InputError):
    """A malformed policy. ``pointer`` is the JSON pointer of the offending element
    (``/Statement/1/Effect``), so the message says where, even without a line number."""

    def __init__(self, name: str, pointer: str, expected: str, *, line: int = 0) -> None:
        self.pointer = pointer
        super().__init__(name, line, f"{pointer or '/'}: {expected}")
