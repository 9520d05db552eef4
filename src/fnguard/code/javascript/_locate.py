"""Where the handler and the modules it imports live inside the artifact.

Lambda's Node runtime reads ``fn.handler`` as ``<path>/<module>.<export>``; Google Cloud
Functions names only the export (the module is ``package.json``'s ``main``, else
``index``). TypeScript projects deploy compiled output (``dist/``, ``build/``) beside or
instead of the source, so both directions are tried: the module under a compiled-output
folder, and the ``.ts`` source of a compiled module. The file that exists first wins, so
what is deployed is what is analysed when it is there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from fnguard.code.javascript._grammar import SOURCE_EXTENSIONS

if TYPE_CHECKING:
    from fnguard.code.javascript._tsconfig import PathAliases

__all__ = [
    "MANIFEST",
    "HandlerRef",
    "ReadJson",
    "entry_candidates",
    "own_candidates",
    "package_main",
    "parse_handler",
    "resolve_import",
    "yaml_major",
]

_COMPILED_DIRS: tuple[str, ...] = ("dist", "build", "out", "lib")
_TS_EXTENSIONS: tuple[str, ...] = (".ts", ".mts", ".cts", ".tsx")
_MAJOR_RE = re.compile(r"(\d+)")
#: names the entry module (its ``main``) when a handler names only the export
MANIFEST = "package.json"

# Reads a small JSON member of the artifact: the parsed value, None when absent or not JSON.
ReadJson = Callable[[str], object]


class HandlerRef(NamedTuple):
    """``src/app.lambdaHandler`` -> module ``src/app``, export path ``("lambdaHandler",)``.

    A named tuple, not a dataclass: this module loads for every Node.js function of a scan
    (see ``_entry``), and a frozen dataclass costs about a millisecond to define."""

    module: str
    export: tuple[str, ...]


def parse_handler(handler: str, main: str | None) -> HandlerRef | None:
    handler = handler.strip().lstrip("/")
    head, _, tail = handler.rpartition("/")
    module, dot, export = tail.partition(".")
    if not dot:
        # Cloud Functions: only the export is named.
        if not tail or head:
            return None
        base = _strip_ext(main.lstrip("./")) if main else "index"
        return HandlerRef(base, (tail,))
    if not module or not export:
        return None
    if head:
        # ``module`` holds no "/": joined by string unless ``head`` ends with one
        module = posixpath.join(head, module) if head.endswith("/") else f"{head}/{module}"
    return HandlerRef(module, tuple(export.split(".")))


def _strip_ext(name: str) -> str:
    for ext in SOURCE_EXTENSIONS:
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def _with_extensions(base: str, extensions: tuple[str, ...] = SOURCE_EXTENSIONS) -> list[str]:
    return [base + ext for ext in extensions]


def own_candidates(module: str) -> list[str]:
    """``module`` as named and with each extension: where ``entry_candidates`` starts (and,
    in a tree with no source file, the only one of them that can be there)."""
    if _needs_normalising(module):
        module = posixpath.normpath(module)
    return [module, *_with_extensions(module)]


def _needs_normalising(module: str) -> bool:
    """Whether ``posixpath.normpath`` could change ``module``: only an empty, ``.`` or ``..``
    part or a leading / trailing "/" can (a handler's module path seldom has one)."""
    framed = f"/{module}/"
    return "//" in framed or "/./" in framed or "/../" in framed


def entry_candidates(module: str) -> list[str]:
    """Files that may hold ``module``, most likely first."""
    tried = own_candidates(module)
    module = tried[0]
    first, _, rest = module.partition("/")
    if first in _COMPILED_DIRS and rest:
        # dist/index -> the TypeScript source it was compiled from.
        for base in (rest, f"src/{rest}"):
            tried.extend(_with_extensions(base, _TS_EXTENSIONS))
    else:
        # index -> the compiled output of a TypeScript project.
        for folder in _COMPILED_DIRS:
            tried.extend(_with_extensions(f"{folder}/{module}"))
        tried.extend(_with_extensions(f"src/{module}", _TS_EXTENSIONS))
    return list(dict.fromkeys(tried))


def resolve_import(
    importer: str, spec: str, names: frozenset[str], aliases: PathAliases | None = None
) -> str | None:
    """The member a local ``require`` / ``import`` names, or None for a package.

    Relative specifiers resolve from the importer's folder; bare ones through the nearest
    tsconfig's ``paths`` / ``baseUrl`` when they name a file of the artifact.
    """
    if spec.startswith(("./", "../")) or spec in (".", ".."):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        return None if base.startswith("../") else _member_for(base, names)
    if aliases is None or spec.startswith(("/", "node:")):
        return None
    for base in aliases.candidates(spec):
        found = _member_for(base, names)
        if found is not None:
            return found
    return None


def _member_for(base: str, names: frozenset[str]) -> str | None:
    """``base`` as Node or the TypeScript compiler would find it: as is, with an extension,
    as a folder's index; ``./x.js`` in TypeScript source names ``x.ts`` (the compiler keeps
    the emitted name), so a missing ``.js`` / ``.mjs`` is retried as its TypeScript source."""
    candidates = [base, *_with_extensions(base)]
    for js, ts in ((".js", ".ts"), (".mjs", ".mts"), (".cjs", ".cts"), (".jsx", ".tsx")):
        if base.endswith(js):
            candidates.append(base[: -len(js)] + ts)
    candidates.extend(_with_extensions(f"{base}/index"))
    for name in candidates:
        if name in names and not name.endswith(".d.ts"):
            return name
    return None


def _ancestors(member: str) -> list[str]:
    parts = posixpath.dirname(member).split("/") if "/" in member else []
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


def yaml_major(entry: str, read: ReadJson) -> int | None:
    """js-yaml's major version as installed (or locked, or declared) next to the handler."""
    for folder in _ancestors(entry):
        prefix = f"{folder}/" if folder else ""
        installed = read(f"{prefix}node_modules/js-yaml/package.json")
        if isinstance(installed, dict):
            return _major(installed.get("version"))
        lock = read(f"{prefix}package-lock.json")
        if isinstance(lock, dict):
            packages = lock.get("packages") or lock.get("dependencies") or {}
            for key in ("node_modules/js-yaml", "js-yaml"):
                entry_info = packages.get(key) if isinstance(packages, dict) else None
                if isinstance(entry_info, dict):
                    return _major(entry_info.get("version"))
        manifest = read(f"{prefix}package.json")
        if isinstance(manifest, dict):
            for section in ("dependencies", "devDependencies"):
                deps = manifest.get(section)
                if isinstance(deps, dict) and "js-yaml" in deps:
                    return _major(deps["js-yaml"])
    return None


def package_main(read: ReadJson) -> str | None:
    manifest = read(MANIFEST)
    if isinstance(manifest, dict):
        main = manifest.get("main")
        if isinstance(main, str) and main.strip():
            return main.strip()
    return None


def _major(version: object) -> int | None:
    if not isinstance(version, str):
        return None
    match = _MAJOR_RE.search(version)
    return int(match.group(1)) if match else None
