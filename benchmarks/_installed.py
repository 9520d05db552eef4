"""Make the fnguard under test look like an installed one before timing it.

``pip install fnguard`` byte-compiles the package; an editable install (``make``) does not, and
with ``PYTHONDONTWRITEBYTECODE`` set (as on CI machines) every run would compile ~200 modules
from source again (~0.2 s), a cost no user pays. Peers are timed from their own pip installs,
which are compiled, so fnguard gets the same.
"""

from __future__ import annotations

import compileall
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "fnguard"


def compile_fnguard() -> None:
    """Write the ``__pycache__`` files a wheel install would have (idempotent, quiet)."""
    if not compileall.compile_dir(str(SOURCE), quiet=1):
        raise SystemExit(f"error: could not byte-compile {SOURCE}")
