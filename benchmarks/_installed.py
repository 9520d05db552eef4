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


ROOT = SOURCE.parent.parent
INSTALL_VENV = ROOT / ".bench" / "venv-fnguard"
_STAMP = "fnguard-source.sha256"


def _source_digest() -> str:
    """What the installed copy was built from: every file of the package, and the metadata."""
    import hashlib

    digest = hashlib.sha256()
    files = [p for p in SOURCE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted([*files, ROOT / "pyproject.toml"]):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def installed_fnguard() -> Path:
    """The ``bin`` folder of a virtual environment of its own holding this tree's fnguard as
    ``pip install`` leaves it (compiled, its dependencies only; not the development venv, whose
    test extras add start-up work to every process, ~5 ms here), reinstalled when the source
    changed. Checkov is timed from a venv of its own in the same way."""
    python = INSTALL_VENV / "bin" / "python"
    stamp = INSTALL_VENV / _STAMP
    digest = _source_digest()
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python.parent
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        print(f"installing fnguard into {INSTALL_VENV} (first run only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(INSTALL_VENV)], check=True)
        subprocess.run([*pip, str(ROOT)], check=True)
    else:
        print(f"reinstalling fnguard into {INSTALL_VENV} (its source changed) ...", flush=True)
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    built = subprocess.run(
        [str(python), "-m", "fnguard._dataclass_code"], capture_output=True, text=True, check=False
    )
    if built.returncode != 0:
        raise SystemExit(f"error: could not compile fnguard's dataclass methods: {built.stderr}")
    stamp.write_text(digest)
    return python.parent
