"""Run a command that honours file permissions even when the tests run as root.

Root ignores permission bits through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH; dropping both
from the bounding set makes ``chmod 000`` mean "unreadable" for the child process, so tests
of unreadable sources are real tests under CI (which runs as root) too.
"""

from __future__ import annotations

import os
import shutil


def permission_honouring_prefix() -> list[str] | None:
    """Argv prefix for such a child, or None when it cannot be arranged here."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
