"""Python handler analysis with ``ast``: taint from the event to sinks, secrets in logs,
insecure TLS, writes outside /tmp and writes without idempotency. Never imports the code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.code.python._analyser import PythonAnalyser

__all__ = ["PythonAnalyser"]

# The analyser loads when some handler module is there to read: ``_entry`` answers for the
# rest (a tree whose code is not built).
__getattr__ = exports(__name__, {"PythonAnalyser": "_analyser"})
