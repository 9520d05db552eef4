"""A package given on the command line, scanned as the code of a synthetic function.

``fnguard scan --artifact fn.zip --function-arch arm64 --runtime python3.12`` has no IaC to
say how the code is deployed: the function exists so that the package rules have the
architecture and runtime to judge against, and nothing else about it is claimed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.artifact import open_artifact
from fnguard.errors import InputError, UsageError
from fnguard.model import (
    Architecture,
    ArtifactKind,
    Function,
    Inventory,
    Location,
    PackageRef,
    PackageType,
    Provider,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["artifact_inventory"]


def _architectures(architecture: str | None) -> tuple[Architecture, ...]:
    if architecture is None:
        return ()
    try:
        return (Architecture(architecture.strip().lower()),)
    except ValueError:
        choices = ", ".join(a.value for a in Architecture)
        raise UsageError(
            f"--function-arch must be one of {choices}, got {architecture!r}"
        ) from None


def artifact_inventory(path: Path, architecture: str | None, runtime: str | None) -> Inventory:
    """An inventory holding one function that deploys ``path``.

    Without ``architecture`` the function's architectures are empty: PKG001 then reports
    unknown instead of assuming x86_64. The package counts as hash-tracked (there is no
    deployment definition whose hash could be missing), so PKG003 judges nothing here.
    """
    architectures = _architectures(architecture)
    try:
        artifact = open_artifact(path)
        kind = artifact.kind
        artifact.close()
    except InputError as exc:
        if exc.expected.startswith(("no such", "cannot read")):
            raise
        kind = ArtifactKind.ZIP  # broken: the package stage reports how (PKG004)
    image = kind is ArtifactKind.IMAGE
    # For an image function the package stage also looks at ``path`` (after a local image_uri).
    ref = PackageRef(path=str(path), hash_declared=True)
    fn = Function(
        address=f"artifact:{path.name}",
        provider=Provider.AWS,
        location=Location(path.as_posix()),
        name=path.name,
        runtime=None if image else (runtime.strip() if runtime else None),
        package_type=PackageType.IMAGE if image else PackageType.ZIP,
        architectures=architectures,
        package=ref,
    )
    return Inventory(functions=(fn,), sources=(path.as_posix(),))
