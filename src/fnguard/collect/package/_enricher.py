"""The package stage: read every deployed artifact once and describe it as a ``Package``.

Three outcomes for an artifact the IaC points at: it is not there, or fnguard may not read
it (a ``CollectionGap`` with ``field="package"``, so package rules report unknown); it is
there but broken (a ``Package`` whose ``errors`` say how: PKG004); or it is read, possibly
only in part because a limit was hit (a gap on the package naming the limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.artifact import open_artifact, sha256_file, source_tree
from fnguard.collect._interface import Enricher
from fnguard.collect.package._content import default_inspector
from fnguard.collect.package._locate import locate
from fnguard.collect.package._read import Contents, read_contents
from fnguard.errors import InputError
from fnguard.model import ArtifactKind, CollectionGap, Inventory, Location, Package

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.collect.package._content import ContentInspector
    from fnguard.collect.package._locate import Target

__all__ = ["PackageEnricher", "read_package"]


def _digest(path: Path) -> tuple[str | None, int | None]:
    """SHA-256 (hex) and size of an archive file; (None, None) for a folder."""
    if path.is_dir():
        return None, None
    return sha256_file(path), path.stat().st_size


def _kind_guess(path: Path) -> ArtifactKind:
    return ArtifactKind.FOLDER if path.is_dir() else ArtifactKind.ZIP


def read_package(
    target: Target, inspector: ContentInspector | None, root: Path | None = None
) -> tuple[Package | None, list[CollectionGap]]:
    """The ``Package`` for one artifact, and the gaps met while reading it."""
    return _read_package(target, inspector, source_tree(root))


def _read_package(
    target: Target, inspector: ContentInspector | None, tree: Path | None
) -> tuple[Package | None, list[CollectionGap]]:
    """``read_package`` with the tree whose links a folder may follow (one per scan)."""
    address = f"package:{target.shown}"
    where = Location(target.shown)
    try:
        sha256_hex, packed = _digest(target.path)
    except OSError as exc:
        reason = f"deployment package {target.shown} unreadable ({exc.strerror})"
        gaps = [CollectionGap(target.location, reason, fn, "package") for fn in target.functions]
        return None, gaps or [CollectionGap(target.location, reason, address, "package")]
    try:
        artifact = open_artifact(target.path, follow_within=tree)
    except InputError as exc:
        broken = Package(
            address=address,
            location=where,
            path=target.shown,
            kind=_kind_guess(target.path),
            functions=tuple(target.functions),
            is_layer=target.is_layer,
            sha256_hex=sha256_hex,
            compressed_size=packed,
            errors=(exc.expected,),
        )
        return broken, []
    try:
        contents = read_contents(artifact, inspector, target.skipped)
        kind = artifact.kind
    finally:
        artifact.close()
    gaps = [CollectionGap(where, hit, address, "package") for hit in contents.limit_hits]
    if inspector is None:
        gaps.append(
            CollectionGap(
                where,
                "dependency and secret inspection (fnguard.content) is not available",
                address,
                "content",
            )
        )
    return _package(target, address, where, kind, sha256_hex, packed, contents), gaps


def _package(
    target: Target,
    address: str,
    where: Location,
    kind: ArtifactKind,
    sha256_hex: str | None,
    packed: int | None,
    contents: Contents,
) -> Package:
    return Package(
        address=address,
        location=where,
        path=target.shown,
        kind=kind,
        functions=tuple(target.functions),
        is_layer=target.is_layer,
        sha256_hex=sha256_hex,
        compressed_size=packed,
        uncompressed_size=contents.uncompressed_size,
        file_count=contents.file_count,
        largest=tuple(contents.largest),
        elf_files=tuple(contents.elf_files),
        wheels=tuple(contents.wheels),
        file_issues=tuple(contents.file_issues),
        errors=tuple(contents.errors),
        dependencies=tuple(contents.dependencies),
        secrets=tuple(contents.secrets),
    )


class PackageEnricher(Enricher):
    """Finds each function's and layer's artifact and reads it once, streaming."""

    name = "reading deployment packages"

    def __init__(self, inspector: ContentInspector | None = None) -> None:
        self._inspector = inspector

    def enrich(self, inventory: Inventory, root: Path | None) -> Inventory:
        targets, gaps = locate(inventory, root)
        # The content inspector loads only when some artifact is there to read.
        inspector = self._inspector
        if targets and inspector is None:
            inspector = default_inspector()
        packages: list[Package] = []
        tree = source_tree(root) if targets else None
        for target in targets:
            package, found = _read_package(target, inspector, tree)
            gaps.extend(found)
            if package is not None:
                packages.append(package)
        return Inventory(packages=tuple(packages), gaps=tuple(gaps))
