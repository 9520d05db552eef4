"""What a reporter is: a pure function of a ``ScanResult`` to text. Only the CLI writes it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.model import Finding
    from fnguard.result import ScanResult

__all__ = ["Reporter"]


class Reporter(ABC):
    #: the ``--format`` value that selects it
    format: str
    #: file extension for ``--output`` defaults
    extension: str

    @abstractmethod
    def render(self, result: ScanResult) -> str:
        """The whole report. Must be deterministic: same result, same bytes."""

    def chunks(self, result: ScanResult) -> Sequence[str]:
        """The report in pieces whose concatenation is ``render(result)``, each encodable as
        UTF-8: what the CLI writes, so a large report need never exist as one string. The
        default is the one piece ``render`` returns."""
        return (self.render(result),)

    def prime(self, finding: Finding) -> None:  # noqa: B027 - optional: most have nothing
        """Prepare one finding's part of the report ahead of ``render``, while the rules still
        run (perhaps in a forked worker, whose findings come back with it). Must never change
        what ``render`` writes; the default does nothing."""
