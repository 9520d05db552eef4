"""The one error tree of fnguard. Only ``fnguard.cli`` turns these into messages and exit codes.

    FnguardError                 base of everything fnguard raises on purpose
    ├── UsageError               bad command line or option value            -> exit 2
    ├── LocatedError             names file:line and what was expected
    │   ├── ConfigError          fnguard.toml / [tool.fnguard] / baseline invalid -> exit 2
    │   └── InputError           a source file cannot be parsed              -> exit 2
    │       └── CollectError     a collector could not turn input into inventory
    └── RuleError                a rule pack or rule metadata is broken (a bug) -> exit 2

Everything that lets the rest of a scan go on (an unreadable file among many, an unresolvable
reference) is not raised: it becomes a ``CollectionGap`` in the inventory.
"""

from __future__ import annotations

__all__ = [
    "CollectError",
    "ConfigError",
    "FnguardError",
    "InputError",
    "LocatedError",
    "RuleError",
    "UsageError",
]


class FnguardError(Exception):
    """Base class: the message is one line meant for the user."""


class UsageError(FnguardError):
    pass


class LocatedError(FnguardError):
    """An error about a place in a file: names the file, the line and what was expected."""

    def __init__(self, path: str, line: int, expected: str) -> None:
        self.path = path
        self.line = line
        self.expected = expected
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {expected}")


class ConfigError(LocatedError):
    """fnguard.toml, [tool.fnguard] or a baseline file is invalid."""


class InputError(LocatedError):
    """A source that cannot be read as what it claims to be."""


class CollectError(InputError):
    pass


class RuleError(FnguardError):
    pass
