"""Make the fnguard under test look like an installed one before timing it.

``pip install fnguard`` byte-compiles the package; an editable install (``make``) does not, and
with ``PYTHONDONTWRITEBYTECODE`` set (as on CI machines) every run would compile ~200 modules
from source again (~0.2 s), a cost no user pays. Peers are timed from their own pip installs,
which are compiled, so fnguard gets the same.

The same goes for the methods ``@dataclass`` writes for fnguard's classes: the first run of
the CLI keeps them compiled beside the bytecode (``fnguard._dataclass_code``), except under
``PYTHONDONTWRITEBYTECODE``; they are written here as ``compileall`` writes the bytecode.
"""

from __future__ import annotations

import compileall
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "fnguard"


def compile_fnguard() -> None:
    """Write the ``__pycache__`` files a wheel install would have (idempotent, quiet)."""
    if not compileall.compile_dir(str(SOURCE), quiet=1):
        raise SystemExit(f"error: could not byte-compile {SOURCE}")
    built = subprocess.run(
        [sys.executable, "-m", "fnguard._dataclass_code"],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise SystemExit(f"error: could not compile fnguard's dataclass methods: {built.stderr}")
