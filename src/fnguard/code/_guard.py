"""What the scanner knows of fnguard-runtime: a guarded handler, and a policy to propose.

A handler wrapped in ``@guard(...)`` with a validation schema (or model) validates its event
before the code runs, and one with an idempotency policy answers retried events with the
first result: INJ006 and RUN003 are then satisfied. The guard can also be configured by a
JSON document in the function's ``FNGUARD_POLICY`` environment variable.

``propose_policy`` reads Python code (``ast`` only, never imported) and writes the guard
policy that lets exactly what the code was seen to do: the hosts it calls, the folders it
writes, the programs it runs.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "GuardCover",
    "Proposal",
    "describe",
    "guard_cover",
    "merge_cover",
    "policy_cover",
    "propose_policy",
]

_RUNTIME = "fnguard_runtime"
_URL = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(?::(\d+))?(?:[/?#]|$)")
_WRITE_MODES = re.compile(r"[wax+]")
_PROCESS_CALLS = {
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "os.execv",
    "os.execvp",
    "os.spawnv",
}
_SHELL_CALLS = {"os.system", "os.popen"}
_HTTP_CALLS = ("requests.", "httpx.", "urllib.request.urlopen", "urllib3.", "http.client.")


@dataclass(frozen=True)
class GuardCover:
    """What a guard around the handler takes care of."""

    validates: bool = False
    idempotent: bool = False


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _guard_names(tree: ast.Module) -> set[str]:
    """Local names bound to ``fnguard_runtime.guard`` (and the module, for ``m.guard``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == _RUNTIME:
            names.update(a.asname or a.name for a in node.names if a.name == "guard")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == _RUNTIME:
                    names.add(f"{alias.asname or alias.name}.guard")
    return names


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _policy_call(guard_call: ast.Call) -> ast.Call | None:
    arg = guard_call.args[0] if guard_call.args else _keywords(guard_call).get("policy")
    return arg if isinstance(arg, ast.Call) else None


def _off(call: ast.Call) -> bool:
    mode = _keywords(call).get("mode")
    return isinstance(mode, ast.Constant) and mode.value == "off"


def guard_cover(tree: ast.Module, handler: str) -> GuardCover | None:
    """The cover of ``@guard(...)`` on the function ``handler``; None when it is not guarded."""
    names = _guard_names(tree)
    if not names:
        return None
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name != handler:
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = _dotted(call.func if call else decorator)
            if target not in names:
                continue
            policy = _policy_call(call) if call else None
            if policy is None:
                return GuardCover()
            parts = _keywords(policy)
            validation = parts.get("validation")
            validates = (
                isinstance(validation, ast.Call)
                and not _off(validation)
                and any(k in _keywords(validation) for k in ("schema", "model"))
            )
            idempotency = parts.get("idempotency")
            return GuardCover(validates, isinstance(idempotency, ast.Call))
    return None


def policy_cover(document: str | None) -> GuardCover:
    """The cover a ``FNGUARD_POLICY`` JSON document adds (nothing when it is not JSON)."""
    try:
        policy = json.loads(document or "")
    except ValueError:
        return GuardCover()
    if not isinstance(policy, dict):
        return GuardCover()
    validation = policy.get("validation")
    validates = (
        isinstance(validation, dict)
        and validation.get("mode") != "off"
        and bool(validation.get("schema"))
    )
    return GuardCover(validates, isinstance(policy.get("idempotency"), dict))


# --------------------------------------------------------------------------- proposal


@dataclass
class Proposal:
    """The policy a handler needs, with where each entry was seen."""

    hosts: dict[str, list[str]] = field(default_factory=dict)  # "host:port" -> places
    writes: dict[str, list[str]] = field(default_factory=dict)  # folder -> places
    programs: dict[str, list[str]] = field(default_factory=dict)  # program -> places
    notes: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        """A ``FNGUARD_POLICY`` document: block what the code was not seen to do."""
        return {
            "process": {"mode": "block", "allow": sorted(self.programs), "allow_fork": False},
            "filesystem": {"mode": "block", "allow_write": sorted({"/tmp", *self.writes})},
            "network": {"mode": "block", "allow": sorted(self.hosts), "allow_metadata": False},
            "dynamic_code": {"mode": "alert"},
            "recursion": {"mode": "block", "max_depth": 10},
        }


def _literal_prefix(node: ast.expr) -> str | None:
    """A string literal, or the literal start of an f-string / concatenation."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_prefix(node.left)
    return None


def _host_of(text: str) -> str | None:
    match = _URL.match(text)
    if match is None:
        return None
    scheme, host, port = match.groups()
    return f"{host.lower()}:{port or (443 if scheme == 'https' else 80)}"


def _folder_of(path: str) -> str | None:
    """The folder a write lands in: ``/tmp/out/x.json`` -> ``/tmp/out``."""
    if not path.startswith("/"):
        return None
    if path.endswith("/"):
        return path.rstrip("/") or "/"
    return path.rsplit("/", 1)[0] or "/"


def _calls(tree: ast.Module) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield _dotted(node.func), node


def _uses_boto3(tree: ast.Module) -> bool:
    return any(
        (
            isinstance(n, ast.Import)
            and any(a.name.split(".")[0] in ("boto3", "botocore") for a in n.names)
        )
        or (
            isinstance(n, ast.ImportFrom)
            and (n.module or "").split(".")[0] in ("boto3", "botocore")
        )
        for n in ast.walk(tree)
    )


def propose_policy(sources: Iterable[tuple[str, str]]) -> Proposal:
    """``sources`` are (file name, Python text) pairs; a file that does not parse is noted."""
    proposal = Proposal()
    for name, text in sources:
        try:
            tree = ast.parse(text, filename=name)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", 0) or 0
            proposal.notes.append(f"{name}:{line}: not Python this analysis can read; skipped")
            continue
        if _uses_boto3(tree):
            proposal.hosts.setdefault("*.amazonaws.com:443", []).append(f"{name}: boto3")
        for target, call in _calls(tree):
            where = f"{name}:{call.lineno}"
            _note_call(proposal, target, call, where)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                host = _host_of(node.value)
                if host is not None:
                    proposal.hosts.setdefault(host, []).append(f"{name}:{node.lineno}")
    return proposal


def _note_call(proposal: Proposal, target: str, call: ast.Call, where: str) -> None:
    args = call.args
    if target in ("open", "io.open", "builtins.open") and args:
        mode = args[1] if len(args) > 1 else _keywords(call).get("mode")
        text = mode.value if isinstance(mode, ast.Constant) else None
        if isinstance(text, str) and _WRITE_MODES.search(text):
            _note_write(proposal, args[0], where)
    elif target.endswith((".write_text", ".write_bytes", ".mkdir", ".touch")):
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if isinstance(receiver, ast.Call) and receiver.args:
            _note_write(proposal, receiver.args[0], where)
    elif target in _SHELL_CALLS:
        proposal.programs.setdefault("/bin/sh", []).append(where)
    elif target in _PROCESS_CALLS and args:
        _note_program(proposal, call, args[0], where)
    elif target.startswith(_HTTP_CALLS) and not args:
        proposal.notes.append(f"{where}: {target} without a literal URL; add its host by hand")


def _note_write(proposal: Proposal, path: ast.expr, where: str) -> None:
    prefix = _literal_prefix(path)
    folder = _folder_of(prefix) if prefix else None
    if folder:
        proposal.writes.setdefault(folder, []).append(where)
    else:
        proposal.notes.append(f"{where}: a write to a computed path; /tmp is allowed by default")


def _note_program(proposal: Proposal, call: ast.Call, first: ast.expr, where: str) -> None:
    shell = _keywords(call).get("shell")
    if isinstance(shell, ast.Constant) and shell.value is True:
        proposal.programs.setdefault("/bin/sh", []).append(where)
        return
    program: str | None = None
    if isinstance(first, ast.List | ast.Tuple) and first.elts:
        program = _literal_prefix(first.elts[0])
    elif isinstance(first, ast.Constant) and isinstance(first.value, str):
        program = first.value.split()[0] if first.value.split() else None
    if program:
        proposal.programs.setdefault(program, []).append(where)
    else:
        proposal.notes.append(f"{where}: a program chosen at run time; allow it by hand")


def describe(proposal: Proposal) -> Iterator[str]:
    """Why each entry is there, for the text output."""
    for title, entries in (
        ("network", proposal.hosts),
        ("filesystem", proposal.writes),
        ("process", proposal.programs),
    ):
        for entry, places in sorted(entries.items()):
            yield f"{title}: {entry}  (seen at {', '.join(sorted(set(places))[:3])})"
    yield from proposal.notes


def merge_cover(*covers: GuardCover | None) -> GuardCover:
    found = [c for c in covers if c is not None]
    return GuardCover(any(c.validates for c in found), any(c.idempotent for c in found))
