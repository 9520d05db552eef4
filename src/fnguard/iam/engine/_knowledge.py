"""What is known offline about the context keys a request does not carry.

``evaluate`` on its own is closed-world: a key missing from the request is absent, as AWS
would see it. Offline questions ("what can this execution role do?", "can a stranger invoke
this function?") do not know most keys, so each missing key is given one of these readings and
a condition on it becomes true, false or undecided (the decision is then ``conditional``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Assumptions", "Knowledge"]


class Knowledge(StrEnum):
    ABSENT = "absent"  # certainly not in the request
    UNKNOWN = "unknown"  # absent or any value: a test on it is undecided
    CHOSEN = "chosen"  # the caller sets it as it likes: a test goes the caller's way
    OUTSIDE = "outside"  # set from who the caller really is: matches no specific policy value
    OUTSIDE_OR_ABSENT = "outside-or-absent"  # as OUTSIDE, or absent, whichever suits the caller


@dataclass(frozen=True)
class Assumptions:
    """How keys missing from a request's context are read. ``keys`` are lower-case key names;
    ``prefixes`` cover tag keys (``aws:principaltag/``); anything else gets ``default``."""

    keys: Mapping[str, Knowledge] = field(default_factory=dict)
    prefixes: tuple[tuple[str, Knowledge], ...] = ()
    default: Knowledge = Knowledge.UNKNOWN

    def of(self, key: str) -> Knowledge:
        """``key`` must be lower-case."""
        found = self.keys.get(key)
        if found is not None:
            return found
        for prefix, knowledge in self.prefixes:
            if key.startswith(prefix):
                return knowledge
        return self.default

    def overrides(self, key: str) -> bool:
        """Does this reading replace the value ``evaluate`` would fill in for ``key``?"""
        return key in self.keys
