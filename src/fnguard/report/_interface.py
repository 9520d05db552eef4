"""What a reporter is: a pure function of a ``ScanResult`` to text. Only the CLI writes it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
