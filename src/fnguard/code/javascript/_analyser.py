"""The JavaScript / TypeScript analyser: finds the handler, loads what it imports, runs taint.

Only files inside the artifact are read, and only local modules (``./x``, ``../y``) are
followed; packages (``node_modules``) are library calls known by name. Nothing is executed.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from fnguard.code._interface import CodeFacts, member_location
from fnguard.code.javascript._entry import first_present, handles, module_not_found, unnamed
from fnguard.code.javascript._grammar import dialect, parse
from fnguard.code.javascript._locate import (
    entry_candidates,
    package_main,
    parse_handler,
    resolve_import,
    yaml_major,
)
from fnguard.code.javascript._nodes import FUNCTIONS, node_key
from fnguard.code.javascript._tsconfig import PathAliases, read_aliases
from fnguard.code.javascript._values import FuncRef, Module, Scope, Value
from fnguard.errors import InputError
from fnguard.limits import active, limit_message
from fnguard.model import CollectionGap, HandlerCode, Location

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

    from fnguard.artifact import Artifact
    from fnguard.code.javascript._taint import Engine
    from fnguard.model import Function

__all__ = ["JavaScriptAnalyser"]


class JavaScriptAnalyser:
    """Node.js handlers: event data to command, code, SQL, path and URL sinks (INJ001-006),
    secrets to logs (SEC004), insecure transport (SEC005), writes outside /tmp (RUN002)."""

    language = "javascript"

    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def analyse(self, fn: Function, artifact: Artifact) -> CodeFacts:
        try:
            return _Run(fn, artifact).facts()
        except (InputError, OSError, zipfile.BadZipFile) as exc:
            # The artifact's listing itself could not be read (a corrupt archive).
            gap = CollectionGap(fn.location, f"code not readable: {exc}", fn.address, "code")
            return CodeFacts(gaps=(gap,))
        except RecursionError:
            # Nesting within the depth limit can still exhaust Python's stack.
            reason = "handler code nests too deeply to analyse"
            gap = CollectionGap(fn.location, reason, fn.address, "code")
            return CodeFacts(gaps=(gap,))


class _Run:
    """One function's analysis: the files read so far and what went wrong reading them."""

    def __init__(self, fn: Function, artifact: Artifact) -> None:
        self._fn = fn
        self._artifact = artifact
        self._names = frozenset(m.name for m in artifact.members() if not m.is_link)
        self._modules: dict[str, Module] = {}
        self._trees: list[Tree] = []
        self._gaps: list[CollectionGap] = []
        self._aliases: dict[str, PathAliases | None] = {}

    def facts(self) -> CodeFacts:
        fn = self._fn
        # ``_entry.PROBE`` answers both gaps below from the member names alone when there is
        # no package.json to read.
        ref = parse_handler(fn.handler or "", package_main(self._json))
        if ref is None:
            return self._gap(unnamed(fn.handler))
        candidates = entry_candidates(ref.module)
        entry = first_present(candidates, self._names)
        if entry is None:
            return self._gap(module_not_found(ref, candidates))
        # The taint engine loads once some handler module is there to walk: a tree whose
        # code is not built yet needs only the "not found" above.
        from fnguard.code.javascript._taint import Engine

        engine = Engine(fn.address, self._load, yaml_major(entry, self._json))
        module = self._module(engine, entry)
        if module is None:
            return CodeFacts(gaps=tuple(self._gaps))
        handler = self._export(module, ref.export)
        if handler is not None and handler.func is None and _is_adapter(handler):
            # serverless-http(app): the routes' callbacks, walked with the request as the
            # event while the module loaded, are the handler.
            line = module.export_lines.get(ref.export[0], 0)
            return self._facts(engine, Location(module.file, line), entry)
        if handler is None or handler.func is None:
            where = f"{'.'.join(ref.export)} is not a function exported by {module.file}"
            if module.root.has_error:
                where += f" (syntax errors from line {_first_error_line(module.root)})"
            return self._gap(where, Location(module.file))
        engine.call_handler(handler.func)
        entry_location = handler.func.module.location(handler.func.node)
        return self._facts(engine, entry_location, entry)

    def _facts(self, engine: Engine, entry_location: Location, entry: str) -> CodeFacts:
        fn = self._fn
        for loaded in list(self._modules.values()):
            for node in _functions(loaded.root):
                if node_key(loaded, node) not in engine.walked:
                    name = _name_of(node)
                    engine.walk_unreached(FuncRef(node, loaded, loaded.scope, name))
        if engine.truncated == "time":
            seconds = active().max_seconds_per_file
            reason = limit_message("max_seconds_per_file", seconds, "handler analysis stopped")
            self._gaps.append(CollectionGap(entry_location, reason, self._fn.address, "code"))
        elif engine.truncated is not None:
            reason = (
                "handler analysis stopped at its budget of function walks; "
                "flows past it may be missed"
            )
            self._gaps.append(CollectionGap(entry_location, reason, self._fn.address, "code"))
        code = HandlerCode(
            fn.address,
            dialect(entry),
            entry_location,
            tuple(m.file for m in self._modules.values()),
            # AWS SDK calls in JavaScript are not resolved to IAM actions: IAM007 must not
            # call any of the role unused on this function's account.
            dynamic_sdk_use=True,
        )
        from fnguard.code.javascript._patterns import transport_issues

        transport = [i for m in self._modules.values() for i in transport_issues(m, fn.address)]
        unvalidated = engine.unvalidated()
        issues = (*engine.issues, *transport, *([unvalidated] if unvalidated else []))
        return CodeFacts(handlers=(code,), issues=issues, gaps=tuple(self._gaps))

    def _gap(self, reason: str, location: Location | None = None) -> CodeFacts:
        gap = CollectionGap(location or self._fn.location, reason, self._fn.address, "code")
        return CodeFacts(gaps=(*self._gaps, gap))

    @staticmethod
    def _export(module: Module, path: tuple[str, ...]) -> Value | None:
        value = module.exports.get(path[0])
        if value is None:
            default = module.exports.get("default")
            if default is not None and default.members is not None:
                value = default.members.get(path[0])
        for key in path[1:]:
            if value is None or value.members is None:
                return None
            value = value.members.get(key)
        return value

    # ----------------------------------------------------------------------- reading

    def _read(self, name: str) -> bytes | None:
        limit = active().max_file_bytes
        location = Location(member_location(self._artifact, name))
        try:
            data = self._artifact.read(name, limit + 1)
        except InputError as exc:
            self._gaps.append(CollectionGap(location, str(exc), self._fn.address, "code"))
            return None
        if len(data) > limit:
            reason = limit_message("max_file_bytes", limit, f"{name} not analysed")
            self._gaps.append(CollectionGap(location, reason, self._fn.address, "code"))
            return None
        return data

    def _json(self, name: str) -> object:
        import json

        if name not in self._names:
            return None
        raw = self._read(name)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            return None

    def _load(self, engine: Engine, importer: str, spec: str) -> Module | None:
        member = resolve_import(importer, spec, self._names, self._aliases_for(importer))
        return None if member is None else self._module(engine, member)

    def _aliases_for(self, importer: str) -> PathAliases | None:
        """The path aliases of the tsconfig.json nearest above ``importer``."""
        parts = importer.split("/")[:-1]
        for depth in range(len(parts), -1, -1):
            folder = "/".join(parts[:depth])
            name = f"{folder}/tsconfig.json" if folder else "tsconfig.json"
            if name not in self._names:
                continue
            if name not in self._aliases:
                source = self._read(name)
                self._aliases[name] = read_aliases(source, folder) if source else None
            return self._aliases[name]
        return None

    def _module(self, engine: Engine, member: str) -> Module | None:
        if member in self._modules:
            return self._modules[member]
        source = self._read(member)
        if source is None:
            return None
        tree = parse(source, member)
        depth_limit = active().max_nesting_depth
        if _depth(tree.root_node, depth_limit) > depth_limit:
            reason = limit_message("max_nesting_depth", depth_limit, f"{member} not analysed")
            location = Location(member_location(self._artifact, member))
            self._gaps.append(CollectionGap(location, reason, self._fn.address, "code"))
            return None
        self._trees.append(tree)
        module = Module(
            member,
            member_location(self._artifact, member),
            tree.root_node,
            Scope(None),
            js_types=b"js-yaml-js-types" in source,
        )
        self._modules[member] = module
        engine.run_module(module)
        return module


# Packages that turn a web framework's app into a Lambda handler.
_ADAPTERS = frozenset(
    {
        "serverless-http",
        "@vendia/serverless-express",
        "@codegenie/serverless-express",
        "aws-serverless-express",
        "@fastify/aws-lambda",
        "@h4ad/serverless-adapter",
    }
)


def _is_adapter(value: Value) -> bool:
    root = value.origin.split("()", 1)[0].split(".", 1)[0]
    return value.origin.endswith("()") and root in _ADAPTERS


def _functions(root: Node) -> list[Node]:
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in FUNCTIONS:
            found.append(node)
        stack.extend(reversed(node.named_children))
    return found


def _name_of(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is not None and name.text:
        return name.text.decode("utf-8", "replace")
    return "<anonymous>"


def _depth(root: Node, limit: int) -> int:
    """How deeply named nodes nest (counting stops just past ``limit``)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in node.named_children)
    return deepest


def _first_error_line(root: Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed(node.children))
    return 0
