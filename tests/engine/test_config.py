from pathlib import Path

import pytest

from fnguard.config import Config, Thresholds, find_config, load_config
from fnguard.errors import ConfigError
from fnguard.model import Severity


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_full_config_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fnguard.toml",
        """
select = ["IAM", "EXP001"]
ignore = ["iam005"]
fail-on = "medium"
[severity]
IAM003 = "low"
[thresholds]
min-azs = 3
allowed-public = ["webhook"]
trusted_accounts = ["123456789012"]
""",
    )
    config = load_config(path)
    assert config.select == ("IAM", "EXP001")
    assert config.ignore == ("IAM005",)
    assert config.fail_on is Severity.MEDIUM
    assert config.severity_overrides == {"IAM003": Severity.LOW}
    assert config.thresholds == Thresholds(
        min_azs=3, allowed_public=("webhook",), trusted_accounts=("123456789012",)
    )
    assert config.source == str(path)


def test_rule_selection() -> None:
    config = Config(select=("IAM", "EXP001"), ignore=("IAM005",))
    assert config.rule_enabled("IAM001")
    assert config.rule_enabled("EXP001")
    assert not config.rule_enabled("EXP002")
    assert not config.rule_enabled("IAM005")
    assert Config().rule_enabled("LOG001")


def test_fail_on_none(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "fnguard.toml", 'fail-on = "none"\n')).fail_on is None


def test_pyproject_tool_table_is_found_upwards(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname="x"\n[tool.fnguard]\nignore = ["LOG"]\n')
    nested = tmp_path / "infra" / "app"
    nested.mkdir(parents=True)
    found = find_config(nested)
    assert found == tmp_path / "pyproject.toml"
    assert load_config(found).ignore == ("LOG",)


def test_pyproject_without_table_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname="x"\n')
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ('select = "IAM"\n', 1, "select: expected a list"),
        ('\n\nselec = ["IAM"]\n', 3, "selec: expected one of"),
        ('fail-on = "urgent"\n', 1, "unknown severity 'urgent'"),
        ('[severity]\nIAM001 = "meh"\n', 2, "unknown severity 'meh'"),
        ('[thresholds]\nmin-azs = "two"\n', 2, "min-azs: expected a non-negative integer"),
        ("[thresholds]\nmax-azs = 2\n", 2, "max-azs: expected one of"),
        ('ignore = ["not a rule"]\n', 1, "a rule ID like IAM001"),
        ("select = [\n", 2, "invalid TOML"),
    ],
)
def test_bad_config_names_file_line_and_expectation(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = write(tmp_path, "fnguard.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == line
    assert expected in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert "\n" not in str(info.value)
