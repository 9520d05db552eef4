"""Shared by the fast-path tests: a module instance from HCL text, an expression's node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.collect.terraform._modules import Loader, ModuleDef, ModuleInstance
from fnguard.collect.terraform._parse import parse_hcl

if TYPE_CHECKING:
    from pathlib import Path

    from tree_sitter import Node

    from fnguard.model import CollectionGap


def module_of(text: str, root: Path) -> ModuleInstance:
    """A root module instance of one file, ``main.tf``, holding ``text``."""
    hcl = parse_hcl(text.encode(), "main.tf")
    gaps: list[CollectionGap] = []
    return ModuleInstance(ModuleDef.build(".", [hcl]), "", {}, root, Loader(), gaps)


def expr_node(text: str) -> Node:
    """The node of ``text`` written as an attribute's value."""
    return parse_hcl(f"v = {text}\n".encode(), "expr.tf").attrs["v"]
