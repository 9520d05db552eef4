"""pyelftools is imported only when a package holds an ELF member (every scan loads the stage)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from package.pkgkit import gcc_elf

from fnguard.collect.package._elf import read_elf

REPO = Path(__file__).resolve().parents[2]


def test_the_package_stage_loads_without_pyelftools() -> None:
    code = textwrap.dedent(
        """
        import sys
        import fnguard.collect.package
        print(sorted(m for m in sys.modules if m.startswith("elftools")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


def test_an_elf_member_is_still_read(tmp_path: Path) -> None:
    built = gcc_elf(tmp_path)
    if built is None:  # no compiler here: a truncated header is still refused, not raised
        assert read_elf("lib/x.so", [b"\x7fELF" + b"\x00" * 12]) is None
        return
    found = read_elf("lib/x.so", [built])
    assert found is not None
    assert found.machine in ("x86_64", "arm64")
