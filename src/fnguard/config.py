"""User configuration: ``fnguard.toml`` or ``[tool.fnguard]`` in ``pyproject.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field

from fnguard.model import Severity

__all__ = ["Config", "Thresholds"]


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


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # rule IDs or prefixes; empty means all
    ignore: tuple[str, ...] = ()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    fail_on: Severity = Severity.HIGH
    source: str | None = None  # file the configuration came from
