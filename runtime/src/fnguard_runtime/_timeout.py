"""A warning shortly before the invocation's deadline.

On the main thread the alarm is a `signal.setitimer` (about 1.6 us to arm and disarm); a
`threading.Timer` costs 100 times more, so it is only the fallback for handlers running on
other threads or when the function already uses SIGALRM itself. `signal` is imported on the
first alarm, not with the package.
"""

from __future__ import annotations

import _thread

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from types import ModuleType

_MAIN = _thread.get_ident()
_pending: list[Callable[[], None]] = []
_signal: ModuleType | None = None


def _on_alarm(signum: int, frame: object) -> None:
    while _pending:
        _pending.pop()()


def _signal_module() -> ModuleType | None:
    """The signal module if this platform has interval timers."""
    global _signal
    if _signal is None:
        import signal

        _signal = signal
    return _signal if hasattr(_signal, "setitimer") else None


class Alarm:
    """Armed for one invocation; `cancel()` must be called when it ends."""

    __slots__ = ("_callback", "_timer")

    def __init__(self, delay_s: float, callback: Callable[[], None]) -> None:
        self._callback = callback
        self._timer: threading.Timer | None = None
        if _thread.get_ident() == _MAIN and self._arm_signal(delay_s):
            return
        import threading

        self._timer = threading.Timer(delay_s, callback)
        self._timer.daemon = True
        self._timer.start()

    def _arm_signal(self, delay_s: float) -> bool:
        signal = _signal_module()
        if signal is None:
            return False
        if signal.getsignal(signal.SIGALRM) is not _on_alarm:
            handler = signal.getsignal(signal.SIGALRM)
            if handler not in (signal.SIG_DFL, signal.SIG_IGN, None) or signal.getitimer(
                signal.ITIMER_REAL
            )[0]:
                return False  # the function uses SIGALRM itself
            signal.signal(signal.SIGALRM, _on_alarm)
        _pending[:] = [self._callback]
        signal.setitimer(signal.ITIMER_REAL, max(delay_s, 0.001))
        return True

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        elif _signal is not None:
            _signal.setitimer(_signal.ITIMER_REAL, 0)
            _pending.clear()
