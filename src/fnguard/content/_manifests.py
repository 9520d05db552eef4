"""Dependencies declared by a manifest, named and versioned as OSV expects.

Only exact versions are recorded: an installed distribution's version, a lock file's
resolved version (``poetry.lock``, ``uv.lock``, ``Pipfile.lock``, ``package-lock.json``), a
requirement pinned with ``==`` / ``===``. A range (``>=2.0``) says which versions *may* be
installed, not which one is: recording it would be a guess, so nothing is recorded. PyPI
names are PEP 503 normalised (what the OSV API matches on); npm names are kept as written.
Entries that do not come from the registry (git, path, editable or workspace sources) have
no advisory in OSV's registry data and are left out.
"""

from __future__ import annotations

import json
import re
import tomllib
from email.parser import HeaderParser
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from fnguard.content._kinds import Kind
from fnguard.model import Dependency

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["dependencies"]

PYPI = "PyPI"
NPM = "npm"

_OPTION_LINE = re.compile(r"^\s*-")
_INLINE_OPTION = re.compile(r"\s--[a-z][\w-]*(?:[= ]\S+)?")
_COMMENT = re.compile(r"(^|\s)#.*$")
_NPM_NON_REGISTRY = ("git", "file:", "link:", "github:", "http:")


def _pypi(name: str, version: str, manifest: str, line: int = 0) -> Dependency:
    return Dependency(PYPI, canonicalize_name(name), version.strip(), manifest, line)


# --------------------------------------------------------------------------- Python


def _dist_metadata(text: str, manifest: str) -> Iterator[Dependency]:
    headers = HeaderParser().parsestr(text, headersonly=True)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        return
    line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.startswith("Version:")), 0)
    yield _pypi(str(name), str(version), manifest, line)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with comments removed and ``\\`` continuations joined, numbered by first line."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        stripped = _COMMENT.sub("", raw).rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        yield start, pending + stripped
        pending = ""
    if pending:
        yield start, pending


def _pinned(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) != 1 or req.url:
        return None
    spec = specs[0]
    if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
        return spec.version
    return None


def _requirements(text: str, manifest: str) -> Iterator[Dependency]:
    for line, logical in _logical_lines(text):
        if not logical.strip() or _OPTION_LINE.match(logical):
            continue  # -r other.txt, --index-url, -e ./local
        candidate = _INLINE_OPTION.sub("", " " + logical).strip()  # --hash=sha256:...
        try:
            req = Requirement(candidate)
        except InvalidRequirement:
            continue  # a URL or path requirement, or not a requirement at all
        version = _pinned(req)
        if version is not None:
            yield _pypi(req.name, version, manifest, line)


def _name_lines(text: str) -> dict[str, int]:
    """Line of each ``name = "..."`` that opens a ``[[package]]`` table of a TOML lock file."""
    found: dict[str, int] = {}
    in_package = False
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            in_package = stripped == "[[package]]"
            continue
        if in_package and stripped.startswith("name"):
            match = re.match(r'name\s*=\s*"([^"]+)"', stripped)
            if match:
                found.setdefault(canonicalize_name(match.group(1)), number)
            in_package = False
    return found


def _toml_lock(text: str, manifest: str, kind: Kind) -> Iterator[Dependency]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    lines = _name_lines(text)
    for entry in data.get("package", ()):
        if not isinstance(entry, dict):
            continue
        name, version = entry.get("name"), entry.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        source = entry.get("source")
        if kind is Kind.UV_LOCK and not (isinstance(source, dict) and "registry" in source):
            continue  # the project itself (editable / virtual), git, path, url
        poetry_other = isinstance(source, dict) and source.get("type") not in (None, "legacy")
        if kind is Kind.POETRY_LOCK and poetry_other:
            continue  # git, directory, file, url
        yield _pypi(name, version, manifest, lines.get(canonicalize_name(name), 0))


def _json_object(text: str) -> dict[str, Any]:
    """The document if it is a JSON object; a broken manifest declares nothing."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _pipfile_lock(text: str, manifest: str) -> Iterator[Dependency]:
    """The ``default`` section (``develop`` is not deployed); ``version`` is ``"==x.y"``."""
    section = _json_object(text).get("default")
    for name, entry in section.items() if isinstance(section, dict) else ():
        version = entry.get("version") if isinstance(entry, dict) else None
        if isinstance(version, str) and version.startswith("==") and "*" not in version:
            yield _pypi(name, version[2:], manifest)


# --------------------------------------------------------------------------- npm


def _npm_entry(name: str, entry: Mapping[str, Any], manifest: str) -> Dependency | None:
    version = entry.get("version")
    if not isinstance(version, str) or entry.get("link") or entry.get("dev"):
        return None
    resolved = entry.get("resolved")
    if isinstance(resolved, str) and resolved.startswith(_NPM_NON_REGISTRY):
        return None
    if version.startswith(_NPM_NON_REGISTRY) or not version[:1].isdigit():
        return None  # "file:../lib", "github:user/repo#sha"
    real = entry.get("name")
    return Dependency(NPM, real if isinstance(real, str) and real else name, version, manifest)


def _npm_v1(tree: Mapping[str, Any], manifest: str) -> Iterator[Dependency]:
    for name, entry in tree.items():
        if not isinstance(entry, dict):
            continue
        found = _npm_entry(name, entry, manifest)
        if found is not None:
            yield found
        nested = entry.get("dependencies")
        if isinstance(nested, dict):
            yield from _npm_v1(nested, manifest)


def _npm_lock(text: str, manifest: str) -> Iterator[Dependency]:
    data = _json_object(text)
    packages = data.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for path, entry in packages.items():
            if not isinstance(entry, dict) or "node_modules/" not in f"{path}":
                continue  # "" is the project itself; workspaces live outside node_modules
            name = path.rsplit("node_modules/", 1)[1]
            found = _npm_entry(name, entry, manifest)
            if found is not None:
                yield found
        return
    tree = data.get("dependencies")
    if isinstance(tree, dict):  # lockfileVersion 1
        yield from _npm_v1(tree, manifest)


def _node_package(text: str, manifest: str) -> Iterator[Dependency]:
    data = _json_object(text)
    name, version = data.get("name"), data.get("version")
    if isinstance(name, str) and name and isinstance(version, str) and version[:1].isdigit():
        yield Dependency(NPM, name, version, manifest)


def dependencies(kind: Kind, text: str, manifest: str) -> tuple[Dependency, ...]:
    """The exact dependencies ``text`` (a manifest of ``kind``) declares, each once."""
    if kind is Kind.DIST_METADATA:
        found = _dist_metadata(text, manifest)
    elif kind is Kind.REQUIREMENTS:
        found = _requirements(text, manifest)
    elif kind in (Kind.POETRY_LOCK, Kind.UV_LOCK):
        found = _toml_lock(text, manifest, kind)
    elif kind is Kind.PIPFILE_LOCK:
        found = _pipfile_lock(text, manifest)
    elif kind is Kind.NPM_LOCK:
        found = _npm_lock(text, manifest)
    elif kind is Kind.NODE_PACKAGE:
        found = _node_package(text, manifest)
    else:
        return ()
    unique: dict[tuple[str, str, str], Dependency] = {}
    for dep in found:
        unique.setdefault((dep.ecosystem, dep.name, dep.version), dep)
    return tuple(unique.values())
