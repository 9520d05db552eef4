"""Where a Python handler's module is for the SDK analysis, from the member names alone.

Light on purpose (no walker, no SDK tables): the code enricher asks ``PROBE`` first, and a
tree whose code is not built needs nothing more. ``load_program`` finds the module through
the same helpers and raises the same errors.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, NamedTuple

from fnguard.code._probe import ReasonedProbe
from fnguard.errors import InputError
from fnguard.model import PackageType, Provider

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fnguard.code._probe import Listing
    from fnguard.model import Function

__all__ = [
    "NEVER_LOCAL",
    "PROBE",
    "HandlerModule",
    "LoadError",
    "handler_module",
    "handles",
    "module_candidates",
]

NEVER_LOCAL = frozenset({"boto3", "botocore", "s3transfer"})
_SOURCE = (".py",)


class LoadError(InputError):
    """The handler module is missing or cannot be parsed; the message is the gap's reason."""


def handles(fn: Function) -> bool:
    return (
        fn.provider is Provider.AWS
        and fn.package_type is PackageType.ZIP
        and (fn.runtime or "").startswith("python")
    )


class HandlerModule(NamedTuple):
    """``src/app.handler`` -> path ``src/app``, module ``app`` searched in ``("", "src")``.

    A named tuple, not a dataclass: this module loads for every Python function of a scan,
    and a frozen dataclass costs about a millisecond to define."""

    path: str
    name: str
    function: str
    roots: tuple[str, ...]

    def not_found(self, artifact: Path) -> LoadError:
        return LoadError(artifact.as_posix(), 0, f"handler module {self.path}.py not found")


def handler_module(handler: str, artifact: Path) -> HandlerModule:
    """What ``handler`` names; ``LoadError`` when it is not ``module.function``."""
    module_path, _, function = handler.rpartition(".")
    if not module_path or not function:
        raise LoadError(artifact.as_posix(), 0, f"handler {handler!r} is not module.function")
    folder, _, module_name = module_path.rpartition("/")
    module_name = module_name.replace("/", ".")
    roots = ("", folder) if folder else ("",)
    return HandlerModule(module_path, module_name, function, roots)


def module_candidates(name: str, roots: tuple[str, ...]) -> Iterator[tuple[str, bool]]:
    """The members that may hold module ``name``, most likely first, and whether each is a
    package."""
    rel = name.replace(".", "/")
    for root in roots:
        for candidate, is_pkg in ((f"{rel}.py", False), (f"{rel}/__init__.py", True)):
            yield (posixpath.join(root, candidate) if root else candidate), is_pkg


def _present(wanted: HandlerModule, listing: Listing) -> bool:
    # every place the module may be is a .py file: with none there, nothing to look up
    return (
        listing.holds_any(_SOURCE)
        and wanted.name.split(".")[0] not in NEVER_LOCAL
        and any(m in listing.names for m, _ in module_candidates(wanted.name, wanted.roots))
    )


class _Probe(ReasonedProbe):
    def handles(self, fn: Function) -> bool:
        return handles(fn)

    def reason(self, fn: Function, listing: Listing) -> str | None:
        try:
            wanted = handler_module(fn.handler or "", listing.path)
        except LoadError as exc:
            return str(exc)
        if _present(wanted, listing):
            return None  # there (or installed, or unreadable): the analyser reads it
        return str(wanted.not_found(listing.path))

    def module_absent(self, fn: Function, listing: Listing) -> bool:
        if not listing.holds_any(_SOURCE):
            # no .py file anywhere: absent whenever the handler names a module at all
            module_path, _, function = (fn.handler or "").rpartition(".")
            return bool(module_path and function)
        try:
            wanted = handler_module(fn.handler or "", listing.path)
        except LoadError:
            return False
        return not _present(wanted, listing)


PROBE = _Probe()
