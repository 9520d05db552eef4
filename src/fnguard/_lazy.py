"""Package exports imported on first use (PEP 562), so importing a package for one light name
does not load its heavy parts: a Terraform scan never needs the SDK walker or the OSV client.

A package lists ``name -> submodule`` and assigns ``__getattr__ = exports(__name__, table)``;
type checkers see the names through the package's ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["exports"]


def exports(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``package.<table[name]>`` on first access."""

    def attribute(name: str) -> Any:
        submodule = table.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)  # next time a plain attribute
        return value

    return attribute
