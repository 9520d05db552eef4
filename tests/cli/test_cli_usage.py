"""The CLI as a user meets it: real processes, exit codes, one-line errors."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def fnguard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnguard", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=120,
    )


def test_version() -> None:
    from fnguard import __version__

    done = fnguard("--version")
    assert done.returncode == 0
    assert done.stdout == f"fnguard {__version__}\n"


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys; from fnguard.cli import main; main(['--version']); "
        "heavy = [m for m in ('rich', 'hcl2', 'lark', 'detect_secrets', 'fnguard.model', "
        "'fnguard.rules', 'json') if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_command_builds_only_its_own_options() -> None:
    # `rules` runs without the plugged commands' modules: their options are not built
    code = (
        "import io, sys; from fnguard.cli import main; main(['rules'], io.StringIO()); "
        "print([m for m in sys.modules if m.startswith('fnguard._cli_')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_help_still_lists_every_command_with_its_help() -> None:
    from fnguard.cli import _BUILT_IN, _PLUGGED

    done = fnguard("--help")
    assert done.returncode == 0
    for name in (*_BUILT_IN, *_PLUGGED):
        assert f"    {name}" in done.stdout
    assert "list the rule catalog" in done.stdout
    assert "simulate, validate and analyze IAM policies offline" in done.stdout


@pytest.mark.parametrize("command", ["scan", "baseline", "rules", "explain", "hash", "iam"])
def test_each_command_help_shows_its_options(command: str) -> None:
    done = fnguard(command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: fnguard {command}")
    assert "options:" in done.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scan"], "nothing to scan: give PATHs, `aws`, `gcp`, or --artifact PATH"),
        (["scan", "no/such/dir"], "no/such/dir: no such file or folder"),
        (["scan", ".", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["scan", ".", "--fail-on", "urgent"], "invalid choice: 'urgent'"),
        (["scan", ".", "--format", "json", "--format", "sarif"], "give it an --output"),
        (["scan", ".", "--output", "report.html"], "cannot tell the format"),
        (["scan", ".", "--select", "IAM001,bogus!"], "--select: expected rule IDs"),
        (["explain", "XYZ001"], "unknown rule 'XYZ001'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], expected: str) -> None:
    done = fnguard(*args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("fnguard")
    assert expected in lines[0]
    assert "Traceback" not in done.stderr


def test_bad_config_file_is_exit_2_with_line(tmp_path: Path) -> None:
    (tmp_path / "fnguard.toml").write_text('select = ["IAM"]\nfail-on = 3\n')
    done = fnguard("scan", str(tmp_path))
    assert done.returncode == 2
    assert f"{tmp_path / 'fnguard.toml'}:2: fail-on: expected a severity name" in done.stderr
