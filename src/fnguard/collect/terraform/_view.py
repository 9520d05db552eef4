"""One read-only shape for a resource, whether it comes from HCL or from plan/state JSON.

The AWS mapper is written once against ``View``: HCL instances evaluate their expressions
lazily; plan JSON resources hold already-resolved values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fnguard.model import Location

__all__ = ["MISSING", "View"]


class _Missing:
    """The attribute is not written at all (the provider default applies)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class View(Protocol):
    address: str  # the resource instance's address (nested blocks share their resource's)
    type: str
    location: Location

    def get(self, name: str) -> Any:
        """The attribute's value, ``MISSING`` when unset, ``Unknown`` when not computable."""

    def blocks(self, name: str) -> Sequence[View]:
        """Nested blocks of that type (``dynamic`` blocks expanded)."""

    def expr(self, name: str) -> str | None:
        """The attribute's source text, for evidence and ``EnvVar.source_expr``."""

    def refs(self, name: str) -> Sequence[str]:
        """Resource / data / module addresses the attribute's expression refers to."""
