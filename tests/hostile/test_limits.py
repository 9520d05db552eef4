"""The limits: defaults, the ``[limits]`` table of fnguard.toml, ``--limit NAME=VALUE``
overrides (``apply_limit_overrides``), and the messages that name a limit and its flag."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fnguard import limits
from fnguard.config import Config, apply_limit_overrides, load_config
from fnguard.errors import ConfigError, UsageError
from fnguard.model import Location

if TYPE_CHECKING:
    from pathlib import Path

MB = 1024 * 1024


def test_defaults() -> None:
    assert limits.Limits() == limits.Limits(
        max_file_bytes=64 * MB,
        max_archive_bytes=2048 * MB,
        max_archive_ratio=250,
        max_archive_members=200_000,
        max_nesting_depth=256,
        max_instances=10_000,
        max_seconds_per_file=120.0,
    )
    assert limits.active() == limits.Limits()


@pytest.mark.parametrize(
    ("name", "value", "parsed"),
    [
        ("max-file-bytes", "200MB", ("max_file_bytes", 200 * MB)),
        ("max_file_bytes", 1024, ("max_file_bytes", 1024)),
        ("max-file-bytes", "1.5GiB", ("max_file_bytes", 1536 * MB)),
        ("max-archive-bytes", "3 kb", ("max_archive_bytes", 3072)),
        ("MAX-NESTING-DEPTH", "12", ("max_nesting_depth", 12)),
        ("max-seconds-per-file", "2m", ("max_seconds_per_file", 120.0)),
        ("max-seconds-per-file", 0.5, ("max_seconds_per_file", 0.5)),
        ("max-instances", 5, ("max_instances", 5)),
    ],
)
def test_parse_limit(name: str, value: object, parsed: tuple[str, float]) -> None:
    assert limits.parse_limit(name, value) == parsed


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("max-file-bytes", "lots", "expected a size, e.g. 67108864 or \"64MB\", not 'lots'"),
        ("max-file-bytes", "0.1B", "expected a size"),
        ("max-file-bytes", -3, "expected a size"),
        ("max-nesting-depth", 0, "expected a positive whole number, not 0"),
        ("max-nesting-depth", 2.5, "expected a positive whole number, not 2.5"),
        ("max-nesting-depth", True, "expected a positive number, not True"),
        ("max-seconds-per-file", "nan", "expected seconds"),
        ("max-seconds-per-file", float("inf"), "expected seconds"),
        ("max-fun", 1, "expected a limit name: one of max-file-bytes, "),
    ],
)
def test_parse_limit_refuses(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        limits.parse_limit(name, value)


def test_limit_message_and_gap_name_the_flag() -> None:
    assert limits.limit_message("max_file_bytes", 64 * MB, "file of 1 bytes") == (
        "file of 1 bytes: exceeds the max-file-bytes limit (64MB); "
        "raise it with --limit max-file-bytes=N if the input is trusted"
    )
    with limits.use(limits.Limits(max_seconds_per_file=1.5)):
        gap = limits.limit_gap(Location("a.tf", 3), "max_seconds_per_file", "slow", "r")
        error = limits.LimitError("b.tf", 2, "max_nesting_depth", "deep")
    assert gap.field == "file" and gap.resource == "r"
    assert gap.reason.endswith(
        "exceeds the max-seconds-per-file limit (1.5s); raise it with "
        "--limit max-seconds-per-file=N if the input is trusted"
    )
    assert str(error) == (
        "b.tf:2: deep: exceeds the max-nesting-depth limit (256); "
        "raise it with --limit max-nesting-depth=N if the input is trusted"
    )


def test_use_sets_and_restores() -> None:
    inner = limits.Limits(max_instances=3)
    with limits.use(inner):
        assert limits.active() is inner
    assert limits.active() == limits.Limits()


def test_limits_table_in_fnguard_toml(tmp_path: Path) -> None:
    path = tmp_path / "fnguard.toml"
    path.write_text('[limits]\nmax-file-bytes = "1MB"\nmax_seconds_per_file = "30s"\n')
    config = load_config(path)
    assert config.limits == limits.Limits(max_file_bytes=MB, max_seconds_per_file=30.0)


def test_limits_table_in_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.fnguard]\nselect = ["IAM"]\n\n[tool.fnguard.limits]\nmax-instances = 7\n'
    )
    assert load_config(path).limits.max_instances == 7


def test_bad_limit_names_its_line_in_its_table(tmp_path: Path) -> None:
    path = tmp_path / "fnguard.toml"
    path.write_text(
        '[thresholds]\nmin-azs = 2\n\n[limits]\nmax-nesting-depth = 3\nmax-file-bytes = "huge"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 6
    assert str(caught.value).endswith(
        "[limits] max-file-bytes: expected a size, e.g. 67108864 or \"64MB\", not 'huge'"
    )


def test_apply_limit_overrides() -> None:
    config = Config(limits=limits.Limits(max_nesting_depth=10))
    changed = apply_limit_overrides(config, ["max-file-bytes=200MB", "max-instances = 50"])
    assert changed.limits == limits.Limits(
        max_file_bytes=200 * MB, max_nesting_depth=10, max_instances=50
    )
    assert apply_limit_overrides(config, []) is config


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (
            "max-file-bytes",
            "--limit max-file-bytes: expected NAME=VALUE, e.g. max-file-bytes=200MB",
        ),
        ("=3", "--limit =3: expected NAME=VALUE"),
        ("max-file-bytes=", "--limit max-file-bytes=: expected NAME=VALUE"),
        ("nope=3", "--limit nope=3: expected a limit name: one of max-file-bytes"),
        ("max-instances=-1", "--limit max-instances=-1: expected a positive whole number"),
    ],
)
def test_apply_limit_overrides_refuses(flag: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        apply_limit_overrides(Config(), [flag])
    assert str(caught.value).startswith(message)
