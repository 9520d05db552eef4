"""The one permanent PEP 578 audit hook, and which invocation it currently enforces.

A hook can never be removed, so exactly one is installed per process, on first use. It
enforces only while a guarded handler runs: the running invocation is kept in a context
variable (so concurrent requests on other threads or tasks see their own), and threads that
carry no guard context of their own (pools started by the handler) fall back to the most
recent running invocation. Everything else is a frozenset miss and a return.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar

from ._errors import GuardUnavailable, GuardViolation
from ._policy import Mode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from contextvars import Token
    from typing import Any

    Check = Callable[["Enforcing", tuple[Any, ...]], None]


class Enforcing:
    """What the hook needs from a running invocation: its event table and a way to report."""

    __slots__ = ("table",)

    def __init__(self, table: dict[str, Check]) -> None:
        self.table = table

    def deny(self, feature: str, mode: Mode, operation: str, target: str, reason: str) -> None:
        """Report a denied operation; raise GuardViolation in block mode (see Invocation)."""
        if mode is Mode.BLOCK:
            raise GuardViolation(feature, operation, target, reason)


_OFF = Enforcing({})
_CANARY = "fnguard.canary"
_state: ContextVar[Enforcing | None] = ContextVar("fnguard_enforcing", default=None)
_running: list[Enforcing] = []
_fallback: Enforcing | None = None
_events: frozenset[str] = frozenset((_CANARY,))
_installed = False
_canary_seen = False


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in _events:
        return
    current = _state.get()
    if current is None:
        current = _fallback
        if current is None:
            if event == _CANARY:
                global _canary_seen
                _canary_seen = True
            return
    check = current.table.get(event)
    if check is not None:
        check(current, args)


def install(events: Iterable[str]) -> None:
    """Add `events` to the ones the hook looks at; install the hook once, proven by a canary."""
    global _events, _installed
    _events = _events.union(events)
    if _installed:
        return
    sys.addaudithook(_audit_hook)
    token = _state.set(None)
    saved = _fallback
    _set_fallback(None)
    try:
        sys.audit(_CANARY)
    finally:
        _set_fallback(saved)
        _state.reset(token)
    if not _canary_seen:
        raise GuardUnavailable(
            "the fnguard audit hook did not receive its canary: an earlier audit hook refused "
            "sys.addaudithook, so operations cannot be blocked"
        )
    _installed = True


def is_live() -> bool:
    """True once the hook is installed and has answered its canary."""
    return _installed and _canary_seen


def _set_fallback(value: Enforcing | None) -> None:
    global _fallback
    _fallback = value


def enter(enforcing: Enforcing) -> Token[Enforcing | None]:
    """Start enforcing `enforcing` in this context (and for threads without a context)."""
    global _fallback
    _running.append(enforcing)
    _fallback = enforcing
    return _state.set(enforcing)


def leave(token: Token[Enforcing | None], enforcing: Enforcing) -> None:
    """Stop enforcing what the matching `enter` started."""
    global _fallback
    _state.reset(token)
    try:
        _running.remove(enforcing)
    except ValueError:
        pass
    _fallback = _running[-1] if _running else None


def active() -> Enforcing | None:
    """The invocation enforced in this context, or None (suspended or outside a handler)."""
    current = _state.get()
    if current is None:
        current = _fallback
    return None if current is _OFF else current


class suspended:  # noqa: N801 - used like a function: `with suspended():`
    """Context manager that stops enforcement in this context, for the guard's own I/O."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _state.set(_OFF)

    def __exit__(self, *exc: object) -> None:
        _state.reset(self._token)
