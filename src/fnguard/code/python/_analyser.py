"""``PythonAnalyser``: the ``Analyser`` for Python runtimes (registry name
``fnguard.code.python:PythonAnalyser``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fnguard.code._interface import CodeFacts
from fnguard.code.python._common import MAX_STATEMENTS, WorkExhausted
from fnguard.code.python._entry import (
    handler_search,
    handler_target,
    handles,
    module_not_found,
    unreadable_handler,
)
from fnguard.code.python._program import Module, Program
from fnguard.model import CollectionGap, HandlerCode, Location

if TYPE_CHECKING:
    from fnguard.artifact import Artifact
    from fnguard.code.python._analysis import Analysis
    from fnguard.model import Function

__all__ = ["PythonAnalyser"]

_MAX_ROUNDS = 4  # new local modules found while walking: walk again, this many times at most


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef, module: Module) -> list[str]:
    names: list[str] = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        text = ast.unparse(target)
        head, _, rest = text.partition(".")
        resolved = module.aliases.get(head, head)
        names.append(f"{resolved}.{rest}" if rest else resolved)
    return names


def _assigned_line(module: Module, name: str) -> int | None:
    """The line where a module-level name is assigned (``handler = Mangum(app)``)."""
    for stmt in module.tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return stmt.lineno
    return None


class PythonAnalyser:
    """Taint and pattern analysis of a Python handler and the local modules it imports."""

    language = "python"

    def __init__(self, max_statements: int = MAX_STATEMENTS) -> None:
        self._max_statements = max_statements
        self._trees: dict[tuple[str, str, int], ast.Module] = {}

    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def analyse(self, fn: Function, artifact: Artifact) -> CodeFacts:
        # ``_entry.PROBE`` answers the first two gaps below from the member names alone.
        target = handler_target(fn.handler or "")
        if target is None:
            return self._gap(fn, fn.location, unreadable_handler(fn.handler))
        module_name, function_name = target
        program = Program(artifact, handler_search(module_name), trees=self._trees)
        module = program.get(module_name)
        if module is None:
            gaps = self._program_gaps(fn, program)
            if gaps:
                return CodeFacts(gaps=tuple(gaps))
            return self._gap(fn, fn.location, module_not_found(module_name, artifact.path))
        # The taint engine loads once some handler module is there to walk: a tree whose
        # code is not built yet needs only the "not found" above.
        from fnguard.code.python._analysis import Analysis
        from fnguard.code.python._patterns import tls_issues

        analysis = Analysis(program, fn.address, self._max_statements)
        node = module.functions.get(function_name)
        line = node.lineno if node is not None else _assigned_line(module, function_name)
        if line is None:
            reason = f"handler function {function_name}() not found in {module.file}"
            return self._gap(fn, Location(module.file), f"{reason}; code rules cannot check it")
        gaps = []
        try:
            if node is not None:
                analysis.run_handler(module, node, _decorators(node, module))
            else:
                analysis.flags.routes = True  # handler = Mangum(app) and the like
            self._finish(analysis, program)
        except (WorkExhausted, RecursionError) as exc:
            why = (
                f"more than {self._max_statements:,} statements to walk"
                if isinstance(exc, WorkExhausted)
                else "expressions nested too deeply"
            )
            reason = f"analysis of {fn.handler} stopped ({why}); code findings are partial"
            gaps.append(CollectionGap(Location(module.file, line), reason, fn.address, "code"))
        issues = list(analysis.issues())
        for parsed in program.modules:
            issues.extend(tls_issues(parsed, fn.address))
        handler = HandlerCode(fn.address, self.language, Location(module.file, line), program.files)
        return CodeFacts(
            handlers=(handler,),
            issues=tuple(issues),
            gaps=(*self._program_gaps(fn, program), *gaps),
        )

    def _finish(self, analysis: Analysis, program: Program) -> None:
        """Routes behind a framework, then everything not reached; modules found meanwhile
        are walked too."""
        seen: set[str] = set()
        for _ in range(_MAX_ROUNDS):
            modules = [m for m in program.modules if m.name not in seen]
            if not modules:
                break
            seen.update(m.name for m in modules)
            if analysis.flags.routes:
                analysis.run_routes(program.modules)
            analysis.run_rest(modules)

    def _program_gaps(self, fn: Function, program: Program) -> list[CollectionGap]:
        return [CollectionGap(loc, reason, fn.address, "code") for loc, reason in program.gaps]

    def _gap(self, fn: Function, location: Location, reason: str) -> CodeFacts:
        return CodeFacts(gaps=(CollectionGap(location, reason, fn.address, "code"),))
