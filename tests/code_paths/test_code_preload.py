"""CodeEnricher.preload imports the registry's probes ahead of the first function."""

from __future__ import annotations

import subprocess
import sys

from fnguard.code import PROBES

_SCRIPT = """
import sys
from fnguard.code import CodeEnricher, PROBES
probes = [spec.partition(":")[0] for spec in PROBES.values()]
assert not any(m in sys.modules for m in probes), "imported before preload"
CodeEnricher().preload()
print(",".join(m for m in probes if m in sys.modules))
"""


def test_preload_imports_every_probe_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out.split(",") == [spec.partition(":")[0] for spec in PROBES.values()]


def test_preload_with_given_analysers_imports_nothing() -> None:
    script = _SCRIPT.replace("CodeEnricher()", "CodeEnricher(analysers=[])")
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
