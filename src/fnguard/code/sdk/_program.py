"""The handler's module and the local modules it imports, parsed (``ast``), never imported.

Lambda puts the package root on ``sys.path``, so ``import helpers`` finds ``helpers.py`` at
the root (the handler's own folder is searched too, for handlers written ``src/app.handler``).
Installed third-party packages shipped in the artifact (anything a ``*.dist-info`` records)
are not "local": their SDK use is the library's, found through the calls the handler makes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from fnguard import limits
from fnguard.code._interface import member_location
from fnguard.code.sdk._entry import NEVER_LOCAL, LoadError, handler_module, module_candidates
from fnguard.errors import InputError

if TYPE_CHECKING:
    from fnguard.artifact import Artifact

__all__ = ["LoadError", "Program", "SourceModule", "load_program"]

_MAX_MODULES = 500


@dataclass(frozen=True)
class SourceModule:
    """One local module, parsed (never imported), with the file its locations are reported under."""

    name: str  # dotted module name
    member: str  # path inside the artifact
    file: str  # where locations point
    tree: ast.Module
    is_package: bool

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass
class Program:
    """The handler's module and the local modules it reaches, parsed once for the walker; those that
    could not be read are kept, so that the report says their SDK calls are unknown."""

    handler_module: str
    handler_function: str
    modules: dict[str, SourceModule] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # local modules that could not be read


class _Loader:
    def __init__(self, artifact: Artifact, roots: tuple[str, ...]) -> None:
        self.artifact = artifact
        self.members = {m.name for m in artifact.members() if not m.is_link}
        self.roots = roots
        self.installed = self._installed()

    def _installed(self) -> frozenset[str]:
        """Top-level names of packages installed into the artifact (pip install -t)."""
        names: set[str] = set(NEVER_LOCAL)
        for member in self.members:
            top, _, rest = member.partition("/")
            if not top.endswith(".dist-info") or rest not in ("RECORD", "top_level.txt"):
                continue
            try:
                text = self.artifact.read(member, 1 << 20).decode("utf-8", "replace")
            except InputError:
                continue
            for line in text.splitlines():
                first = line.split(",", 1)[0].strip().split("/", 1)[0]
                name = first.removesuffix(".py")
                if name and not name.endswith((".dist-info", ".data")) and name != "..":
                    names.add(name)
        return frozenset(names)

    def find(self, name: str) -> tuple[str, bool] | None:
        """The member holding module ``name`` and whether it is a package."""
        if name.split(".", 1)[0] in self.installed:
            return None
        candidates = module_candidates(name, self.roots)
        return next(((path, pkg) for path, pkg in candidates if path in self.members), None)

    def parse(self, name: str, member: str, is_pkg: bool) -> SourceModule:
        cap = limits.active().max_file_bytes
        file = member_location(self.artifact, member)
        data = self.artifact.read(member, cap + 1)
        if len(data) > cap:
            raise LoadError(file, 0, limits.limit_message("max_file_bytes", cap, "too big"))
        try:
            tree = _parse(file, data)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None) or 0
            raise LoadError(file, line, f"cannot parse Python ({exc.args[0]})") from None
        except (RecursionError, MemoryError):
            raise LoadError(file, 0, "cannot parse Python (nested too deeply)") from None
        return SourceModule(name, member, file, tree, is_pkg)


@lru_cache(maxsize=1024)
def _parse(file: str, data: bytes) -> ast.Module:
    """Parsed once per content: functions sharing a source folder share its modules."""
    return ast.parse(data, filename=file)


def _imported(module: SourceModule) -> list[str]:
    names: list[str] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_from(module, node)
            if base is None:
                continue
            names.append(base)
            names.extend(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    return names


def resolve_from(module: SourceModule, node: ast.ImportFrom) -> str | None:
    """The absolute module an ``ImportFrom`` reads from (``from .db import x`` -> ``pkg.db``)."""
    if not node.level:
        return node.module or ""
    parts = module.package.split(".") if module.package else []
    if node.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    if node.module:
        base.append(node.module)
    return ".".join(base)


def load_program(artifact: Artifact, handler: str) -> Program:
    """Parse the module named by ``handler`` ("pkg/app.handler") and its local imports.

    Raises ``LoadError`` when the handler module is missing or unparseable; a local module
    that fails to parse is a note (its SDK calls are then unknown) and makes the caller
    treat SDK use as not fully resolved.
    """
    # ``_entry.PROBE`` answers both errors below from the member names alone.
    wanted = handler_module(handler, artifact.path)
    module_name = wanted.name
    loader = _Loader(artifact, wanted.roots)
    found = loader.find(module_name) if module_name.split(".")[0] not in NEVER_LOCAL else None
    if found is None:
        raise wanted.not_found(artifact.path)
    program = Program(module_name, wanted.function)
    queue = [(module_name, *found)]
    while queue:
        name, member, is_pkg = queue.pop(0)
        if name in program.modules:
            continue
        try:
            module = loader.parse(name, member, is_pkg)
        except InputError as exc:
            if name == module_name:
                raise
            program.unparsed.append(str(exc))
            continue
        program.modules[name] = module
        if len(program.modules) >= _MAX_MODULES:
            program.notes.append(f"only the first {_MAX_MODULES} local modules were analysed")
            break
        for imported in _imported(module):
            if imported and imported not in program.modules:
                hit = loader.find(imported)
                if hit is not None:
                    queue.append((imported, *hit))
    return program
