"""examples/hardened is the "what good looks like" demo: nothing at high or above, and no check
left undecided and no collection gap, since a user could not act on either."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HARDENED = Path(__file__).resolve().parents[2] / "examples" / "hardened"


def test_hardened_scan_has_no_high_finding_no_unknown_and_no_gap() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fnguard", "scan", str(HARDENED), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    summary = [
        (f["rule_id"], f["status"], f["severity"], f["resource"]) for f in report["findings"]
    ]
    assert [s for s in summary if s[1] == "unknown" or s[2] in ("critical", "high")] == []
    assert report["gaps"] == []
