"""Which artifact each function and layer deploys, found on disk from what the IaC says.

A function's code is its ``package.path`` (zip, folder or image archive), else its
``source_dir`` as a folder when the built zip is not there (Terraform ``archive_file`` builds
it at plan time); an image function's ``image_uri`` counts when it names a local archive. A
layer's artifact comes from its ``Layer`` object. Relative paths are tried against the scan
root, then against the folder of the file that declares the resource. One target per distinct
artifact, listing every function that deploys it (as code or through a layer).
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fnguard.code._disk import Folders, joined
from fnguard.model import CollectionGap, Layer, PackageType

if TYPE_CHECKING:
    from fnguard.model import Function, Inventory, Location, PackageRef

__all__ = ["MISSING_FIELD", "Target", "locate"]

MISSING_FIELD = "package-source"

# Transports (skopeo / containers-image names) that say "this image is a local archive".
_TRANSPORTS = ("docker-archive:", "oci-archive:", "oci:")
_IMAGE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
# The Serverless Framework zips the service folder without its own configuration and these
# (its package plugin's default excludes); fnguard reads such a folder the same way.
_SERVERLESS_FILES = ("serverless.yml", "serverless.yaml", "serverless.json", "serverless.ts")
_SERVERLESS_SKIP = frozenset(
    {
        *_SERVERLESS_FILES,
        ".git",
        ".gitignore",
        ".DS_Store",
        "npm-debug.log",
        ".serverless",
        ".serverless_plugins",
    }
)


@dataclass
class Target:
    """One artifact to read, and who deploys it."""

    path: Path  # where it is on disk
    shown: str  # as reported (relative to the scan root when inside it)
    is_layer: bool
    location: Location  # the resource that declares it (for gaps)
    functions: list[str] = field(default_factory=list)
    # Member names the packaging tool leaves out of a source folder (see ``_SERVERLESS_SKIP``).
    skipped: frozenset[str] = frozenset()
    # ``functions`` as a set: a service's fifty functions share one target
    _listed: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._listed.update(self.functions)

    def deploys(self, function: str) -> None:
        """List ``function`` among those deploying the artifact (once)."""
        if function not in self._listed:
            self._listed.add(function)
            self.functions.append(function)


def _candidates(raw: str, where: Location, root: Path | None) -> list[Path]:
    path = Path(raw)
    if path.is_absolute():
        return [path]
    found: list[Path] = []
    declared = Path(where.file).parent
    for base in (root, (root / declared) if root is not None else declared):
        if base is not None:
            found.append(base / path)
    return list(dict.fromkeys(found))


def _candidate_texts(raw: str, where: Location, root: Path | None) -> list[str]:
    """``_candidates`` as the strings a gap lists, computed without pathlib when it can be."""
    bases = _bases(where.file, root)
    if bases is not None:
        texts = [joined(base, raw) for base in bases]
        if all(t is not None for t in texts):
            return list(dict.fromkeys(t for t in texts if t is not None))
    return [c.as_posix() for c in _candidates(raw, where, root)]


@functools.lru_cache(maxsize=1024)
def _bases(file: str, root: Path | None) -> tuple[str, ...] | None:
    """The folders a relative package path is tried against, as strings (per declaring file:
    many functions share one; a Terraform tree has a file per function, so by string when
    the file's name needs no normalising)."""
    declared = _parent(file)
    if declared is None:
        declared = Path(file).parent.as_posix()
    if root is None:
        return (declared,)
    base = root.as_posix()
    beside = base if declared == "." else joined(base, declared)
    return (base, beside if beside is not None else (root / declared).as_posix())


def _parent(file: str) -> str | None:
    """``Path(file).parent.as_posix()`` by string for a relative name that needs no
    normalising; None when pathlib has to decide."""
    if joined(".", file) is None:  # absolute, or with an empty or "." part
        return None
    return file.rpartition("/")[0] or "."


def _present(path: Path | str) -> bool:
    """Whether something is there; one fnguard may not look at counts (reading it says why)."""
    try:
        os.lstat(path)  # a string stat: a thousand functions' candidates cost milliseconds
    except FileNotFoundError:
        return False
    except OSError as exc:
        return exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG)
    return True


class _Folders(Folders):
    """Candidates asked about only when no folder above them is known absent. Most
    candidates of an unbuilt tree are below one; asking each was most of the package stage
    (4,000 stats for 1,000 functions)."""

    def present(self, path: str) -> bool:
        """``_present(path)``, skipping the question when a folder above it is absent."""
        return not self.below_absent(path) and _present(path)


def _folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)  # noqa: PTH116 - a candidate's string
    except OSError:
        return False


def _shown(path: Path, resolved: Path, real_root: Path | None) -> str:
    """``path`` relative to the scan root when inside it (both resolved), else as given."""
    if real_root is not None:
        try:
            return resolved.relative_to(real_root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _image_path(uri: str | None) -> str | None:
    """The local archive an ``image_uri`` names, or ``None`` for a registry reference."""
    if not uri:
        return None
    for transport in _TRANSPORTS:
        if uri.startswith(transport):
            # "oci:path:tag" / "docker-archive:path:name:tag": what follows a ':' is not a path.
            return uri[len(transport) :].split(":", 1)[0] or None
    return uri if uri.endswith(_IMAGE_SUFFIXES) else None


def _wanted(ref: PackageRef, image: bool) -> list[str]:
    """The paths to try, in order: the artifact, then the source folder it is built from."""
    first, second = (_image_path(ref.image_uri), ref.path) if image else (ref.path, ref.source_dir)
    if first == second:  # often (a folder deployed as it is): tried once
        return [first] if first else []
    return [p for p in (first, second) if p]


class _Locator:
    def __init__(self, inventory: Inventory, root: Path | None) -> None:
        self.inventory = inventory
        self.root = root
        self.targets: dict[tuple[Path, bool], Target] = {}
        self.gaps: list[CollectionGap] = []
        # Functions of one service or template mostly share a folder: look and resolve once.
        self._found: dict[tuple[object, ...], tuple[Path | None, tuple[str, ...]]] = {}
        self._resolved: dict[Path, Path] = {}
        self._folders = _Folders()
        # A function's target by what it names (``_find``'s key): the fifty functions of a
        # serverless.yml service name one folder, so the rest of them only join its list.
        self._placed: dict[tuple[object, ...], Target] = {}

    @functools.cached_property
    def _real_root(self) -> Path | None:
        return self.root.resolve() if self.root is not None else None

    def _find(
        self, ref: PackageRef, image: bool, where: Location
    ) -> tuple[Path | None, tuple[str, ...]]:
        key = (image, ref.path, ref.source_dir, ref.image_uri, ref.s3_key, where.file)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._look(ref, image, where)
        return found

    def _look(
        self, ref: PackageRef, image: bool, where: Location
    ) -> tuple[Path | None, tuple[str, ...]]:
        tried: list[str] = []
        for raw in _wanted(ref, image):
            for text in _candidate_texts(raw, where, self.root):
                tried.append(text)
                if self._folders.present(text):
                    return Path(text), tuple(tried)
        if not image and ref.s3_key:
            for text in _candidate_texts(ref.s3_key, where, self.root):
                # an S3 key is only a local file if one is there
                if not self._folders.below_absent(text) and _regular(text):
                    return Path(text), tuple(tried)
        return None, tuple(tried)

    def _add(self, path: Path, is_layer: bool, where: Location, function: str | None) -> Target:
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        key = (resolved, is_layer)
        target = self.targets.get(key)
        if target is None:
            by_serverless = Path(where.file).name in _SERVERLESS_FILES and _folder(path)
            skipped = _SERVERLESS_SKIP if by_serverless else frozenset()
            shown = _shown(path, resolved, self._real_root)
            target = Target(path, shown, is_layer, where, skipped=skipped)
            self.targets[key] = target
        if function is not None:
            target.deploys(function)
        return target

    def _missing(self, tried: tuple[str, ...], what: str, where: Location, resource: str) -> None:
        """Not built, or not checked out: listed once, and the package rules leave it be.

        ``field="package-source"``, not ``"package"``: an artifact that is simply absent is
        not one that failed to read, so the rules do not restate it as an unknown each.
        """
        looked = ", ".join(dict.fromkeys(tried))
        self.gaps.append(
            CollectionGap(
                where,
                f"{what} not found (looked for {looked}); build it to have it checked",
                resource=resource,
                field=MISSING_FIELD,
            )
        )

    def _place(self, fn: Function, key: tuple[object, ...]) -> None:
        """``fn``'s artifact looked up (``_find`` with ``key`` made once) and listed, or its
        gap; ``run`` asks only for a key not placed yet."""
        image = fn.package_type is PackageType.IMAGE
        ref = fn.package
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._look(ref, image, fn.location)
        path, tried = found
        if path is not None:
            self._placed[key] = self._add(path, False, fn.location, fn.address)
        elif tried:
            self._missing(tried, "deployment package", fn.location, fn.address)

    def layers(self, fn: Function | None, layers: tuple[Layer, ...]) -> None:
        for layer in layers:
            path, tried = self._find(layer.package, False, layer.location)
            if path is not None:
                self._add(path, True, layer.location, fn.address if fn else None)
            elif tried:
                resource = fn.address if fn else layer.address
                where = fn.location if fn else layer.location
                self._missing(tried, f"package of layer {layer.address}", where, resource)

    def run(self) -> tuple[list[Target], list[CollectionGap]]:
        placed = self._placed
        for fn in self.inventory.functions:
            ref = fn.package
            image = fn.package_type is PackageType.IMAGE
            key = (image, ref.path, ref.source_dir, ref.image_uri, ref.s3_key, fn.location.file)
            target = placed.get(key)
            if target is None:
                self._place(fn, key)
            else:  # the target ``_add`` would find for this function
                target.deploys(fn.address)
        if not self.inventory.layers:
            # No layer declared: no reference finds one (most name another account's layer
            # by ARN), and looking them up would index the whole inventory for nothing.
            return self._ordered(), self.gaps
        used: set[str] = set()
        for fn in self.inventory.functions:
            found = tuple(
                layer
                for ref in fn.layers
                if (layer := self.inventory.lookup(Layer, ref)) is not None
            )
            used.update(layer.address for layer in found)
            self.layers(fn, found)
        self.layers(None, tuple(x for x in self.inventory.layers if x.address not in used))
        return self._ordered(), self.gaps

    def _ordered(self) -> list[Target]:
        return sorted(self.targets.values(), key=lambda t: t.is_layer)


def locate(inventory: Inventory, root: Path | None) -> tuple[list[Target], list[CollectionGap]]:
    """The artifacts to read (code packages first, then layers) and gaps for missing ones."""
    return _Locator(inventory, root).run()
