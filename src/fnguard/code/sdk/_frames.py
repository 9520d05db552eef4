"""The walk's working data: recorded calls, scopes, call arguments, string patterns.

Shared by the interpreter (``_walker``) and the SDK semantics (``_sdk``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.code.sdk._values import ClassRef, FuncRef, Text, Value

if TYPE_CHECKING:
    from fnguard.code.sdk._program import SourceModule

__all__ = ["Args", "RawCall", "Scope", "Walk", "glob", "snake", "text_of", "unset"]


@dataclass(frozen=True)
class RawCall:
    """One API operation the code performs, with the request parameters as far as known."""

    file: str
    line: int
    service: str
    operation: str
    params: tuple[tuple[str, Value], ...] = ()
    foreign: bool = False  # made with credentials other than the execution role's
    region: str | None = None
    via: str = ""  # "paginator", "waiter", "resource Table.put_item", "upload_file"


@dataclass
class Walk:
    """What walking a program recorded: the API calls, and the uses it could not resolve (so that
    nobody reads its silence as a permission being unused) with its notes."""

    calls: list[RawCall] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)  # "file:line: why"
    notes: list[str] = field(default_factory=list)


@dataclass
class Scope:
    """The names one module body, class body or function call sees while it is walked, and the
    values that function returns."""

    module: SourceModule
    names: dict[str, Value]
    function: FuncRef | None = None
    cls: ClassRef | None = None
    returns: list[Value] = field(default_factory=list)
    global_names: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Args:
    """A call's arguments, evaluated once, so that SDK methods and local functions pick their
    parameters by position or keyword as Python would."""

    positional: tuple[Value, ...]
    keywords: tuple[tuple[str, Value], ...]
    open_kwargs: bool  # a ``**kwargs`` whose keys are unknown

    def get(self, index: int, name: str) -> Value | None:
        for key, value in self.keywords:
            if key == name:
                return value
        if 0 <= index < len(self.positional):
            return self.positional[index]
        return None

    def kw(self, name: str) -> Value | None:
        return next((v for k, v in self.keywords if k == name), None)


def text_of(value: Value | None) -> str | None:
    return value.pattern if isinstance(value, Text) and value.known else None


def snake(name: str) -> str:
    from botocore import xform_name

    return str(xform_name(name))


def unset(value: Value) -> tuple[str, ...]:
    return value.unset if isinstance(value, Text) else ()


def glob(pattern: str, unset: list[str] | tuple[str, ...] = ()) -> Text:
    collapsed = re.sub(r"\*+", "*", pattern)
    return Text(collapsed if collapsed.strip("*") else None, tuple(dict.fromkeys(unset)))
