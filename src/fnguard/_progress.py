"""A progress bar on stderr for long scans (rich), shown only when there is much to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TextIO

if TYPE_CHECKING:
    from types import TracebackType

    from rich.progress import Progress, TaskID

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """``fnguard.scan.Progress`` on a terminal; stages under ``min_total`` steps stay quiet."""

    def __init__(self, stream: TextIO, *, min_total: int = 20) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._min_total = min_total
        self._progress: Progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(file=stream),
            transient=True,
            # No refresh thread: collectors may fork worker processes, which is unsafe
            # while another thread runs. The bar is redrawn on each step instead.
            auto_refresh=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def stage(self, label: str, total: int) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
        if total >= self._min_total:
            self._task = self._progress.add_task(label, total=total)
        self._progress.refresh()

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)
            self._progress.refresh()
