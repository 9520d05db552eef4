"""The state of one walk of a function body: its scope, what guards cleaned, its returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard.code.javascript._values import merge

if TYPE_CHECKING:
    from tree_sitter import Node

    from fnguard.code.javascript._values import Module, Scope, Value
    from fnguard.model import Location

__all__ = ["Frame"]


@dataclass
class Frame:
    """One walk of one function body (or a module's top level)."""

    module: Module
    scope: Scope
    depth: int
    top: bool = False
    clean_paths: set[str] = field(default_factory=set)
    checks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    returns: list[Value] = field(default_factory=list)

    def fork(self) -> Frame:
        return Frame(
            self.module,
            self.scope.fork(),
            self.depth,
            self.top,
            set(self.clean_paths),
            dict(self.checks),
            self.returns,
        )

    def adopt(self, other: Frame) -> None:
        self.scope.names = other.scope.names
        self.clean_paths = other.clean_paths
        self.checks = other.checks

    def join(self, *others: Frame) -> None:
        """The state after branches: a name is tainted if any branch left it tainted."""
        names = dict(others[0].scope.names)
        for other in others[1:]:
            for name, value in other.scope.names.items():
                seen = names.get(name)
                names[name] = value if seen is None else merge(seen, value)
        self.scope.names = names
        self.clean_paths = set.intersection(*(o.clean_paths for o in others))
        self.checks = {k: v for o in others for k, v in o.checks.items()}

    def location(self, node: Node) -> Location:
        return self.module.location(node)
