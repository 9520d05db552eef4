"""The platform a Lambda function runs on: its OS image's glibc, and the wheel tags it accepts.

The runtime -> OS -> glibc facts are dated data in ``fnguard/data/runtimes.json`` (``os`` in
each AWS entry, ``operating_systems`` at the top). Wheel compatibility is decided the way pip
decides it, with ``packaging.tags``: the tags the function's interpreter and platform support
(manylinux up to the OS's glibc, for the function's machine) against each wheel's own tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from fnguard.errors import RuleError
from fnguard.model import Architecture
from fnguard.rules._pkg_runtimes import SHIPPED, shipped_document

if TYPE_CHECKING:
    from packaging.tags import Tag

__all__ = [
    "OperatingSystem",
    "Platform",
    "WheelVerdict",
    "load_platforms",
    "platform_of",
    "wheel_verdict",
]

_MACHINE = {Architecture.X86_64: "x86_64", Architecture.ARM64: "aarch64"}
# PEP 600 aliases of the older manylinux names, by the glibc they stand for.
_LEGACY = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}


@dataclass(frozen=True)
class OperatingSystem:
    """The OS image of a Lambda runtime: its glibc bounds the native binaries and manylinux wheels a
    package can run there."""

    key: str
    name: str
    glibc: tuple[int, int]
    source: str


@dataclass(frozen=True)
class Platform:
    """What a function's native code must fit."""

    os: OperatingSystem
    architecture: Architecture
    python: tuple[int, int] | None  # for python runtimes


def _version(text: Any, where: str) -> tuple[int, int]:
    if not isinstance(text, str):
        raise RuleError(f"{where}: glibc must be a 'major.minor' string")
    major, _, minor = text.partition(".")
    if not (major.isdigit() and minor.isdigit()):
        raise RuleError(f"{where}: glibc must be a 'major.minor' string, got {text!r}")
    return int(major), int(minor)


def parse_platforms(document: Mapping[str, Any], origin: str) -> dict[str, OperatingSystem]:
    """runtime -> OS from a runtimes.json document; a malformed table is a RuleError."""
    systems_raw = document.get("operating_systems")
    if not isinstance(systems_raw, Mapping) or not systems_raw:
        raise RuleError(f"{origin}: 'operating_systems' must be a non-empty object")
    systems: dict[str, OperatingSystem] = {}
    for key, raw in systems_raw.items():
        where = f"{origin}: operating_systems.{key}"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            raise RuleError(f"{where}: needs a name and a glibc version")
        source = raw.get("source")
        if not isinstance(source, str) or not source.startswith("https://"):
            raise RuleError(f"{where}: source must be an https URL")
        systems[key] = OperatingSystem(key, raw["name"], _version(raw.get("glibc"), where), source)
    by_runtime: dict[str, OperatingSystem] = {}
    entries = document.get("runtimes")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, Mapping) or entry.get("provider") != "aws":
            continue
        key = entry.get("os")
        if key is None:
            continue
        if key not in systems:
            raise RuleError(f"{origin}: runtimes[{index}]: unknown os {key!r}")
        by_runtime[str(entry.get("runtime", "")).strip().lower()] = systems[key]
    return by_runtime


@cache
def _table() -> dict[str, OperatingSystem]:
    return parse_platforms(shipped_document(), SHIPPED)


def load_platforms() -> None:
    """Read the shipped runtime -> OS table (once): a malformed one raises ``RuleError``, as
    ``platform_of`` does for any runtime."""
    _table()


def _python(runtime: str) -> tuple[int, int] | None:
    if not runtime.startswith("python"):
        return None
    major, _, minor = runtime.removeprefix("python").partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else None


def platform_of(runtime: str | None, architecture: Architecture) -> Platform | None:
    """The platform of an AWS runtime, or ``None`` when the table does not know the runtime."""
    if runtime is None:
        return None
    key = runtime.strip().lower()
    system = _table().get(key)
    if system is None:
        return None
    return Platform(system, architecture, _python(key))


@cache
def _platform_tags(glibc: tuple[int, int], architecture: Architecture) -> tuple[str, ...]:
    machine = _MACHINE[architecture]
    names = []
    for minor in range(glibc[1], 4, -1):
        names.append(f"manylinux_{glibc[0]}_{minor}_{machine}")
        legacy = _LEGACY.get((glibc[0], minor))
        if legacy:
            names.append(f"{legacy}_{machine}")
    names.append(f"linux_{machine}")  # built on the target itself: ELF checks judge it
    return tuple(names)


@cache
def _supported(platform: Platform) -> frozenset[Tag]:
    from packaging.tags import compatible_tags, cpython_tags  # only packages with wheels ask

    platforms = list(_platform_tags(platform.os.glibc, platform.architecture))
    if platform.python is None:
        return frozenset()
    return frozenset(cpython_tags(platform.python, platforms=platforms)) | frozenset(
        compatible_tags(platform.python, f"cp{platform.python[0]}{platform.python[1]}", platforms)
    )


@dataclass(frozen=True)
class WheelVerdict:
    """Whether an installed wheel can run on the function's platform, and if not, why (for the
    finding)."""

    fits: bool
    why: str = ""


def wheel_verdict(tags: tuple[str, ...], platform: Platform) -> WheelVerdict:
    """Whether a wheel with ``tags`` can run on ``platform`` (any one tag suffices)."""
    from packaging.tags import parse_tag

    parsed: set[Tag] = set()
    for text in tags:
        try:
            parsed |= parse_tag(text)
        except ValueError:
            continue
    if not parsed:
        return WheelVerdict(True)  # unreadable tags: nothing to judge
    allowed_platforms = {*_platform_tags(platform.os.glibc, platform.architecture), "any"}
    if platform.python is None:
        if any(tag.platform in allowed_platforms for tag in parsed):
            return WheelVerdict(True)
    elif parsed & _supported(platform):
        return WheelVerdict(True)
    return WheelVerdict(False, _why(parsed, platform, allowed_platforms))


def _why(parsed: set[Tag], platform: Platform, allowed: set[str]) -> str:
    platforms = sorted({t.platform for t in parsed})
    if not any(p in allowed for p in platforms):
        machine = _MACHINE[platform.architecture]
        glibc = ".".join(map(str, platform.os.glibc))
        return (
            f"built for {', '.join(platforms)}; {platform.os.name} on {platform.architecture} "
            f"needs manylinux (glibc <= {glibc}) {machine} or pure-Python wheels"
        )
    interpreters = sorted({f"{t.interpreter}-{t.abi}" for t in parsed})
    version = ".".join(map(str, platform.python or ()))
    return f"built for {', '.join(interpreters)}, not for Python {version}"
