"""The Lambda layer zip: right layout, reproducible, and importable from /opt/python's place."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _build(output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "runtime" / "build_layer.py"),
                           "--output", str(output)], capture_output=True, text=True, check=True)


def test_layer_zip_has_the_python_folder_layout_and_imports(tmp_path: Path) -> None:
    layer = tmp_path / "dist" / "layer.zip"
    _build(layer)
    with zipfile.ZipFile(layer) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "opt")
    assert "python/fnguard_runtime/__init__.py" in names
    assert "python/fnguard_runtime/py.typed" in names
    assert all(n.startswith("python/fnguard_runtime/") for n in names)
    tag = sys.implementation.cache_tag
    assert f"python/fnguard_runtime/__pycache__/_guard.{tag}.pyc" in names
    # A read-only /opt: the shipped bytecode is what the import uses.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "opt" / "python"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    code = "import fnguard_runtime; print(fnguard_runtime.__file__)"
    done = subprocess.run([sys.executable, "-v", "-c", code], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.startswith(str(tmp_path / "opt" / "python"))
    pyc = tmp_path / "opt" / "python" / "fnguard_runtime" / "__pycache__" / f"_guard.{tag}.pyc"
    assert f"code object from '{pyc}'" in done.stderr


def test_sources_only(tmp_path: Path) -> None:
    layer = tmp_path / "layer.zip"
    subprocess.run([sys.executable, str(REPO / "runtime" / "build_layer.py"), "--output",
                    str(layer), "--no-compile"], check=True, capture_output=True)
    with zipfile.ZipFile(layer) as archive:
        assert not any("__pycache__" in n for n in archive.namelist())


def test_layer_zip_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    _build(first)
    _build(second)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
