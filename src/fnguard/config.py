"""User configuration: ``fnguard.toml`` or ``[tool.fnguard]`` in ``pyproject.toml``.

Keys (all optional; ``-`` and ``_`` are interchangeable)::

    select = ["IAM", "EXP001"]      # rule IDs or 3-letter prefixes; default: every rule
    ignore = ["LOG001"]
    fail-on = "high"                # critical | high | medium | low | info | none
    [severity]                      # per-rule severity overrides
    LOG001 = "info"
    [thresholds]
    min-azs = 2
    allowed-public = ["webhook"]    # functions meant to be public (name or address)
    trusted-accounts = ["123456789012"]
    memory-min-mb = 128
    memory-max-mb = 10240
    runtime-warning-days = 90
    log-retention-min-days = 1
    [limits]                        # bounds on hostile input (fnguard.limits); --limit NAME=VALUE
    max-file-bytes = "64MB"         # sizes: B, KB, MB, GB, TB (powers of 1024)
    max-nesting-depth = 256
    max-seconds-per-file = 120      # seconds, or "2m"

Nothing in the configuration is a regular expression: rule patterns are IDs or 3-letter
prefixes and ``allowed-public`` / ``trusted-accounts`` are compared as plain text, so a
hostile configuration cannot make a matcher backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from fnguard.errors import ConfigError, UsageError
from fnguard.limits import Limits, parse_limit
from fnguard.model import Severity

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["Config", "Thresholds", "apply_limit_overrides", "find_config", "load_config"]

CONFIG_FILE = "fnguard.toml"


@dataclass(frozen=True)
class Thresholds:
    """Context a rule may need that only the user knows; defaults fit most accounts."""

    min_azs: int = 2  # NET002
    allowed_public: tuple[str, ...] = ()  # function names/addresses meant to be public (EXP*)
    trusted_accounts: tuple[str, ...] = ()  # accounts whose layers are trusted (EXP007)
    memory_min_mb: int = 128  # LIM001
    memory_max_mb: int = 10240
    runtime_warning_days: int = 90  # PKG009
    log_retention_min_days: int = 1  # LOG002: any retention at all
    package_near_percent: int = 90  # PKG006: "near" the deployment limits from this share on


@dataclass(frozen=True)
class Config:
    """The user's settings (``fnguard.toml`` or ``[tool.fnguard]``) once read and validated, or the
    defaults (every rule, fail on high) when there are none."""

    select: tuple[str, ...] = ()  # rule IDs or prefixes; empty means all
    ignore: tuple[str, ...] = ()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    fail_on: Severity | None = Severity.HIGH  # None: never fail on findings
    limits: Limits = field(default_factory=Limits)
    source: str | None = None  # file the configuration came from

    def rule_enabled(self, rule_id: str) -> bool:
        def matches(patterns: tuple[str, ...]) -> bool:
            return any(rule_id == p or (len(p) == 3 and rule_id.startswith(p)) for p in patterns)

        if self.select and not matches(self.select):
            return False
        return not matches(self.ignore)


_RULE_PATTERN = re.compile(r"^[A-Z]{3}(\d{3})?$")


def find_config(start: Path) -> Path | None:
    """``fnguard.toml`` or a ``pyproject.toml`` with ``[tool.fnguard]`` in ``start`` or above."""
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        toml = candidate_dir / CONFIG_FILE
        if toml.is_file():
            return toml
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and "[tool.fnguard" in _read(pyproject):
            return pyproject
    return None


def load_config(path: Path) -> Config:
    import tomllib  # only when there is a file to read: most scans have none

    text = _read(path)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(str(path), 0, "invalid TOML (nested too deeply)") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        if not match and "end of document" in str(exc):
            line = text.count("\n") + 1
        raise ConfigError(str(path), line, f"invalid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("fnguard", {})
    return _build(data, str(path), text)


def _read(path: Path) -> str:
    """The file's text; larger than ``max-file-bytes`` (the default: the configuration sets the
    limits) or not a regular file is an error, not a read."""
    from fnguard.collect._shared import read_bounded
    from fnguard.limits import LimitError

    try:
        return read_bounded(path, str(path)).decode("utf-8")
    except LimitError as exc:
        raise ConfigError(str(path), 0, f"configuration: {exc.expected}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), 0, f"cannot read configuration ({exc})") from None


def _line_of(text: str, key: str) -> int:
    pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _norm(key: str) -> str:
    return key.replace("-", "_")


def _build(data: dict[str, Any], path: str, text: str) -> Config:
    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(path, _line_of(text, key), f"{key}: expected {expected}")

    known = {"select", "ignore", "fail_on", "severity", "thresholds", "limits"}
    for key in data:
        if _norm(key) not in known:
            raise fail(key, "one of " + ", ".join(sorted(k.replace("_", "-") for k in known)))

    def rule_list(key: str) -> tuple[str, ...]:
        raw = data.get(key, data.get(key.replace("_", "-"), []))
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise fail(key, 'a list of rule IDs or prefixes, e.g. ["IAM", "EXP001"]')
        values = tuple(x.strip().upper() for x in raw)
        for value in values:
            if not _RULE_PATTERN.match(value):
                raise fail(key, f"a rule ID like IAM001 or a prefix like IAM, not {value!r}")
        return values

    select = rule_list("select")
    ignore = rule_list("ignore")

    fail_on: Severity | None = Severity.HIGH
    raw_fail = next((v for k, v in data.items() if _norm(k) == "fail_on"), None)
    if raw_fail is not None:
        if not isinstance(raw_fail, str):
            raise fail("fail-on", "a severity name")
        try:
            fail_on = parse_fail_on(raw_fail)
        except ValueError as exc:
            raise fail("fail-on", str(exc)) from None

    overrides: dict[str, Severity] = {}
    raw_sev = data.get("severity", {})
    if not isinstance(raw_sev, dict):
        raise fail("severity", 'a table of RULE = "severity"')
    for rule_id, value in raw_sev.items():
        if not _RULE_PATTERN.match(rule_id.upper()) or not isinstance(value, str):
            raise fail(rule_id, 'RULE = "critical|high|medium|low|info"')
        try:
            overrides[rule_id.upper()] = Severity.parse(value)
        except ValueError as exc:
            raise fail(rule_id, str(exc)) from None

    thresholds = _thresholds(data.get("thresholds", {}), fail)
    limits = _limits(data.get("limits", {}), path, text)
    return Config(
        select=select,
        ignore=ignore,
        severity_overrides=overrides,
        thresholds=thresholds,
        fail_on=fail_on,
        limits=limits,
        source=path,
    )


def _thresholds(raw: object, fail: Any) -> Thresholds:
    if not isinstance(raw, dict):
        raise fail("thresholds", "a table")
    defaults = Thresholds()
    names = {f.name: f for f in fields(Thresholds)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = _norm(key)
        if name not in names:
            raise fail(key, "one of " + ", ".join(n.replace("_", "-") for n in names))
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise fail(key, "a list of strings")
            values[name] = tuple(value)
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise fail(key, "a non-negative integer")
            values[name] = value
    return Thresholds(**{**{n: getattr(defaults, n) for n in names}, **values})


def _limits(raw: object, path: str, text: str) -> Limits:
    """The ``[limits]`` table; a bad name or value names its line (searched in that table)."""
    section = _section_start(text, "limits")
    if not isinstance(raw, dict):
        raise ConfigError(path, _line_of(text, "limits"), "limits: expected a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            name, number = parse_limit(str(key), value)
        except ValueError as exc:
            line = _line_of(text[section:], str(key))
            line = line + text.count("\n", 0, section) if line else 0
            raise ConfigError(path, line, f"[limits] {key}: {exc}") from None
        values[name] = number
    return replace(Limits(), **values)


def _section_start(text: str, name: str) -> int:
    match = re.search(rf"^[ \t]*\[[ \t]*(tool\.fnguard\.)?{name}[ \t]*\]", text, re.MULTILINE)
    return match.start() if match else 0


def apply_limit_overrides(config: Config, overrides: Sequence[str]) -> Config:
    """``--limit NAME=VALUE`` flags on top of the configuration (``max-file-bytes=200MB``)."""
    values: dict[str, Any] = {}
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"--limit {override}: expected NAME=VALUE, e.g. max-file-bytes=200MB")
        try:
            field_name, number = parse_limit(name, value.strip())
        except ValueError as exc:
            raise UsageError(f"--limit {override}: {exc}") from None
        values[field_name] = number
    return replace(config, limits=replace(config.limits, **values)) if values else config


def parse_fail_on(text: str) -> Severity | None:
    if text.strip().lower() == "none":
        return None
    return Severity.parse(text)
