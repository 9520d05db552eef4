"""The handler's module and the local modules it imports, parsed with ``ast`` on demand.

Nothing is imported or executed: each module is read from the artifact and parsed. A module
is local when its file is in the artifact and it is not a vendored distribution (a top-level
name listed by a ``*.dist-info`` or ``*.egg-info`` record): the handler's own code, not the
third-party packages shipped beside it. Unreadable or unparsable files become gaps.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.code._interface import member_location
from fnguard.code.python._entry import find_member, handler_target
from fnguard.errors import InputError
from fnguard.model import Location

if TYPE_CHECKING:
    from fnguard.artifact import Artifact

__all__ = ["FunctionNode", "Module", "Program", "handler_target"]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_MAX_MODULES = 400
_MAX_RECORD = 1024 * 1024
_MAX_CACHED = 4000  # parsed modules kept between the functions of a scan
_DIST_SUFFIXES = (".dist-info", ".egg-info")


@dataclass
class Module:
    """One parsed module: its imports as qualified names, its functions and classes."""

    name: str
    member: str
    file: str
    tree: ast.Module
    is_package: bool
    aliases: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


def _vendored(artifact: Artifact, names: set[str]) -> set[str]:
    """Top-level import names of the distributions shipped in the artifact.

    ``top_level.txt`` names them when present; else the first path parts of ``RECORD``;
    else the distribution name itself (``PyYAML`` installs ``yaml``: hence the records).
    """
    found: set[str] = set()
    dirs = {n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(_DIST_SUFFIXES)}
    for folder in sorted(dirs):
        tops: set[str] = set()
        for record, first_parts in (("top_level.txt", False), ("RECORD", True)):
            if tops or f"{folder}/{record}" not in names:
                continue
            try:
                text = artifact.read(f"{folder}/{record}", _MAX_RECORD).decode("utf-8", "replace")
            except InputError:
                continue
            for line in text.splitlines():
                entry = line.split(",", 1)[0].strip()
                top = entry.split("/", 1)[0] if first_parts else entry
                if top and not top.endswith(_DIST_SUFFIXES) and top not in ("..", "bin"):
                    tops.add(top.removesuffix(".py"))
        if not tops:
            tops.add(folder.split("-", 1)[0].split(".", 1)[0])
        found.update(t.lower() for t in tops)
    return found


def _resolve_relative(module: Module, level: int, target: str | None) -> str:
    parts = module.name.split(".")
    if not module.is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def _index(module: Module) -> None:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    module.aliases.setdefault(top, top)
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                if alias.name == "*":
                    continue
                qual = f"{base}.{alias.name}" if base else alias.name
                module.aliases[alias.asname or alias.name] = qual
    for stmt in module.tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            module.functions[stmt.name] = stmt
        elif isinstance(stmt, ast.ClassDef):
            module.classes[stmt.name] = stmt


class Program:
    """Local modules of one artifact, parsed once each, looked up by dotted name."""

    def __init__(
        self,
        artifact: Artifact,
        search_dirs: tuple[str, ...] = ("",),
        trees: dict[tuple[str, str, int], ast.Module] | None = None,
    ) -> None:
        self.artifact = artifact
        self._sizes = {m.name: m.size for m in artifact.members() if not m.is_link}
        self._names = set(self._sizes)
        # Parsed trees shared by the functions of one scan (many functions, one source folder).
        self._trees = trees if trees is not None else {}
        self._vendored = _vendored(artifact, self._names)
        self._search = search_dirs
        self._modules: dict[str, Module | None] = {}
        self.gaps: list[tuple[Location, str]] = []

    def _member(self, dotted: str) -> tuple[str, bool] | None:
        return find_member(self._names, dotted, self._search)

    def is_local(self, dotted: str) -> bool:
        top = dotted.split(".", 1)[0]
        if top.lower() in self._vendored:
            return False
        return self._member(dotted) is not None

    def get(self, dotted: str) -> Module | None:
        if dotted in self._modules:
            return self._modules[dotted]
        self._modules[dotted] = None
        if len(self._modules) > _MAX_MODULES or not self.is_local(dotted):
            return None
        found = self._member(dotted)
        if found is None:
            return None
        member, package = found
        tree = self._parse(member)
        if tree is None:
            return None
        module = Module(
            dotted, member, member_location(self.artifact, member), tree, is_package=package
        )
        _index(module)
        self._modules[dotted] = module
        return module

    def split(self, qual: str) -> tuple[Module, str] | None:
        """The longest local module prefix of ``qual`` and the dotted rest after it."""
        parts = qual.split(".")
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if not self.is_local(name):
                continue
            module = self.get(name)
            if module is not None:
                return module, ".".join(parts[end:])
        return None

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(m.file for m in self._modules.values() if m is not None)

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for m in self._modules.values() if m is not None)

    def _parse(self, member: str) -> ast.Module | None:
        key = (self.artifact.path.as_posix(), member, self._sizes.get(member, -1))
        cached = self._trees.get(key)
        if cached is not None:
            return cached
        tree = self._read_and_parse(member)
        if tree is not None:
            if len(self._trees) >= _MAX_CACHED:
                self._trees.clear()
            self._trees[key] = tree
        return tree

    def _read_and_parse(self, member: str) -> ast.Module | None:
        bound = limits.active().max_file_bytes
        file = member_location(self.artifact, member)
        try:
            data = self.artifact.read(member, bound + 1)
        except InputError as exc:
            self.gaps.append((Location(file), str(exc)))
            return None
        if len(data) > bound:
            message = limits.limit_message("max_file_bytes", bound, f"{member} not analysed")
            self.gaps.append((Location(file), message))
            return None
        try:
            return ast.parse(data, filename=member)
        except SyntaxError as exc:
            reason = f"Python syntax error: {exc.msg}; file not analysed"
            self.gaps.append((Location(file, exc.lineno or 0), reason))
        except (ValueError, RecursionError, MemoryError) as exc:
            reason = f"cannot parse as Python ({type(exc).__name__}); file not analysed"
            self.gaps.append((Location(file), reason))
        return None
