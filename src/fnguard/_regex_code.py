"""Regular expressions compiled while modules import, kept compiled between runs.

Why: importing what a scan needs compiles ~50 regular expressions before the first file is
read (PyYAML's reader alone ~4 ms), ~12 ms of every scan's start-up, all of it before the
work is shared with a forked child; the rules' modules compile ~40 more. ``re`` keeps what
it compiles only for the process. This keeps it as ``_dataclass_code`` keeps dataclass
methods: in one file beside the package's bytecode (``__pycache__/regex.<cache tag>.marshal``).

Safe by construction:
- only patterns compiled while a module is being imported are kept (module constants, a
  library's tables): a pattern made from what a scan reads (a policy's wildcard, a glob
  from the configuration) is compiled as usual and never written down;
- an entry maps the exact pattern (its type, text and flags) to what ``re``'s compiler made
  of it under this exact Python (``sys.version``: the compiler may change in a bug-fix
  release); a file from another Python, or one that cannot be read, counts as empty;
- ``_sre.compile`` checks the code it is handed: an entry it refuses is compiled afresh;
- it is written like bytecode (``_dataclass_code.write_beside_bytecode``), not under
  ``PYTHONDONTWRITEBYTECODE``, and a failure to write is ignored;
- only on the Pythons whose private ``re._compiler.compile`` this mirrors (3.11, 3.12);
  elsewhere nothing changes.

The CLI installs it beside ``_dataclass_code`` and saves what was compiled afresh as it exits.
"""

from __future__ import annotations

import marshal
import sys
from typing import TYPE_CHECKING, Any

from fnguard import _dataclass_code

if TYPE_CHECKING:
    from pathlib import Path
    from types import FrameType

__all__ = ["cache_path", "install", "save"]

_SUPPORTED = ((3, 11), (3, 12))
#: past this many entries a save keeps only what this run used
_MAX_ENTRIES = 2000
_IMPORTING = "<frozen importlib._bootstrap>"

# (pattern type, pattern, flags) -> the rest of ``_sre.compile``'s arguments
_Key = tuple[str, Any, int]
_entries: dict[_Key, tuple[Any, ...]] | None = None
_fresh: dict[_Key, tuple[Any, ...]] = {}
_used: set[_Key] = set()
_installed = False
_originals: list[Any] = []  # ``re._compiler.compile`` as it was before ``install``


def _original_compile() -> Any:
    """``re``'s own compiler (what ``install`` replaced), for comparing against."""
    if _originals:
        return _originals[0]
    import importlib

    return importlib.import_module("re._compiler").compile


def cache_path() -> Path | None:
    """Where the compiled patterns live, or None where Python keeps no bytecode cache."""
    beside = _dataclass_code.cache_path()
    tag = sys.implementation.cache_tag
    return None if beside is None else beside.with_name(f"regex.{tag}.marshal")


def _load() -> dict[_Key, tuple[Any, ...]]:
    global _entries
    if _entries is None:
        loaded = _dataclass_code.read_beside_bytecode(cache_path())
        _entries = {}
        if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == sys.version:
            _entries = loaded[1] if isinstance(loaded[1], dict) else {}
    return _entries


def _importing() -> bool:
    """Whether a module is being imported somewhere up the stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == _IMPORTING:
            return True
        frame = frame.f_back
    return False


def install() -> None:
    """Have ``re`` use (and add to) the kept patterns; idempotent."""
    global _installed
    if _installed or sys.version_info[:2] not in _SUPPORTED:
        return
    import importlib

    # private modules without type stubs: the functions this mirrors live there
    compiler: Any = importlib.import_module("re._compiler")
    sre: Any = importlib.import_module("_sre")
    original = compiler.compile
    debug = compiler.SRE_FLAG_DEBUG
    _originals.append(original)

    def compile(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, str | bytes) or flags & debug or not _importing():
            return original(p, flags)
        key: _Key = (type(p).__name__, p, flags)
        _used.add(key)
        kept = _load().get(key)
        if kept is not None:
            try:
                return sre.compile(p, *kept)
            except (RuntimeError, TypeError, ValueError):  # refused: compiled afresh below
                pass
        # What ``re._compiler.compile`` (3.11, 3.12) does, its arguments to _sre kept.
        parsed = compiler._parser.parse(p, flags)
        code = [int(op) for op in compiler._code(parsed, flags)]  # opcodes: int subclasses
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        made = (int(flags | parsed.state.flags), code, parsed.state.groups - 1)
        arguments = (*made, groupindex, tuple(indexgroup))
        _fresh[key] = arguments
        return sre.compile(p, *arguments)

    compiler.compile = compile
    _installed = True


def save(*, force: bool = False) -> None:
    """Write the patterns compiled afresh by this process, if any, beside the bytecode
    (``force``: even under ``PYTHONDONTWRITEBYTECODE``)."""
    if not _fresh or (sys.dont_write_bytecode and not force):
        return
    path = cache_path()
    if path is None:
        return
    entries = dict(_load())
    entries.update(_fresh)
    if len(entries) > _MAX_ENTRIES:
        entries = {key: value for key, value in entries.items() if key in _used}
    if _dataclass_code.write_beside_bytecode(path, marshal.dumps((sys.version, entries))):
        _fresh.clear()
