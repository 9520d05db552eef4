"""A warning shortly before the invocation's deadline.

On the main thread the alarm is a `signal.setitimer` (about 1.6 us to arm and disarm); a
`threading.Timer` costs 100 times more, so it is only the fallback for handlers running on
other threads or when the function already uses SIGALRM itself.
"""

from __future__ import annotations

import _thread

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

_MAIN = _thread.get_ident()
_pending: list[Callable[[], None]] = []


def _on_alarm(signum: int, frame: object) -> None:
    while _pending:
        _pending.pop()()


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
        import signal

        if not hasattr(signal, "setitimer"):
            return False
        handler = signal.getsignal(signal.SIGALRM)
        if handler is not _on_alarm:
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
            return
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        _pending.clear()
