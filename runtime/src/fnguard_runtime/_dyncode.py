"""Dynamic code: `compile`/`exec`/`eval` of source text and `ctypes` library loading.

Imports compile source files too, and libraries generate code (namedtuple, dataclasses), so
a caller whose module starts with one of `allow_modules` is never reported; code objects
passed to `exec` (every import) are not judged at all. Alert mode is the default.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._hook import Check, Enforcing
    from ._policy import DynamicCodePolicy

FEATURE = "dynamic_code"


class DynamicCodeGuard:
    """Reports source compilation by code outside the allowed modules, and ctypes loads."""

    __slots__ = ("_allowed", "mode")

    def __init__(self, policy: DynamicCodePolicy) -> None:
        self.mode = policy.mode
        self._allowed = (*policy.allow_modules, "fnguard_runtime")

    def _caller_allowed(self) -> bool:
        # Frames: 0 this method, 1 _compile, 2 the audit hook, 3 the code that compiled.
        try:
            frame = sys._getframe(3)
        except ValueError:
            return False
        module = str(frame.f_globals.get("__name__", ""))
        return any(module == m or module.startswith(m + ".") for m in self._allowed)

    def _compile(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        source = args[0]
        if not isinstance(source, (str, bytes)) or self._caller_allowed():
            return
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        enforcing.deny(FEATURE, self.mode, "compile", text[:200], "source text compiled at run time")

    def _dlopen(self, enforcing: Enforcing, args: tuple[Any, ...]) -> None:
        enforcing.deny(FEATURE, self.mode, "ctypes.dlopen", str(args[0]), "native library loaded")

    def table(self) -> dict[str, Check]:
        """Audit event name -> check, for the hook's dispatch table."""
        return {"compile": self._compile, "ctypes.dlopen": self._dlopen}
