"""Lazy package exports: a light import stays light, a heavy name loads on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import fnguard.osv
from fnguard._lazy import exports


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_importing_the_packages_does_not_load_their_heavy_parts() -> None:
    loaded = _modules_after("import fnguard.osv, fnguard.code.sdk, fnguard.rules._iam_unused")
    assert "fnguard.osv._online" not in loaded and "http.client" not in loaded
    assert "fnguard.code.sdk._walker" not in loaded and "cvss" not in loaded


def test_a_name_loads_its_module_on_first_use() -> None:
    loaded = _modules_after("import fnguard.osv; fnguard.osv.OsvApi")
    assert "fnguard.osv._online" in loaded
    assert fnguard.osv.OsvApi.__module__ == "fnguard.osv._online"


def test_unknown_names_are_attribute_errors() -> None:
    lookup = exports("fnguard.osv", {"OsvApi": "_online"})
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        lookup("Nope")
    with pytest.raises(AttributeError):
        _ = fnguard.osv.Nope  # type: ignore[attr-defined]
