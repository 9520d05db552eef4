"""The methods ``@dataclass`` writes for fnguard's classes, kept compiled between runs.

Why: ``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and frozen ``__setattr__``/``__delattr__`` as source text and compiles it at every import.
fnguard has ~200 frozen dataclasses: compiling their ~1,000 methods cost every scan ~60 ms
of CPU, ~30 ms of it before the first file is read. Python keeps modules compiled in
``__pycache__``; this does the same for those methods, in one file beside the package's
own ``.pyc`` files (``__pycache__/dataclasses.<cache tag>.marshal``).

Safe by construction:
- an entry maps the exact source text ``dataclasses`` wrote to its compiled code, so an
  entry is only ever used for that same text (a stale one is merely unused);
- the file is named for this Python's cache tag (marshal's format changes between
  versions), sits where the package's bytecode sits (the same trust as the ``.py`` files;
  never a user or CI cache folder), and one that cannot be read counts as empty;
- it is written like bytecode: not under ``PYTHONDONTWRITEBYTECODE``, atomically (a
  temporary file renamed into place), and a failure to write is ignored;
- only classes of fnguard's own modules use it, and only on the Pythons whose private
  ``dataclasses._create_fn`` this mirrors (3.11, 3.12); elsewhere nothing changes.

One thing differs from the text ``dataclasses`` writes: a frozen class's ``__init__`` stores
each field in the instance's ``__dict__`` instead of calling ``object.__setattr__`` per field
(``_stored_in_dict``): the same instance, made ~60% faster (a 29-field ``Function``: ~8.5 ->
~2.4 us), and a scan makes tens of thousands of them.

The CLI installs it after its quick exits (``--version`` imports nothing) and saves what
was compiled afresh just before it exits. ``python -m fnguard._dataclass_code`` writes it for
every module at once, as ``python -m compileall`` does for bytecode.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

__all__ = [
    "build",
    "cache_path",
    "install",
    "read_beside_bytecode",
    "save",
    "write_beside_bytecode",
]

#: past this many entries (other fnguard versions' classes pile up) a save keeps only
#: what this run used
_MAX_ENTRIES = 4000
_SUPPORTED = ((3, 11), (3, 12))

# text -> its code, marshalled: each is loaded when used (~4 us; loading all ~1,000 of them
# at once cost ~18 ms, compiling one ~85 us)
_codes: dict[str, bytes] | None = None
_fresh: dict[str, bytes] = {}  # compiled by this process, not yet saved
_used: set[str] = set()
_installed = False


def cache_path() -> Path | None:
    """Where the compiled methods live, or None where Python keeps no bytecode cache."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    from importlib.util import cache_from_source

    beside = Path(cache_from_source(str(Path(__file__).with_name("__init__.py"))))
    return beside.with_name(f"dataclasses.{tag}.marshal")


def _load() -> dict[str, bytes]:
    global _codes
    if _codes is None:
        loaded = read_beside_bytecode(cache_path())
        _codes = loaded if isinstance(loaded, dict) else {}
    return _codes


def read_beside_bytecode(path: Path | None) -> object:
    """What ``write_beside_bytecode`` wrote at ``path``; None when there is none, or it cannot
    be read."""
    if path is None:
        return None
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _compiled(text: str) -> Any:
    _used.add(text)
    kept = _load().get(text)
    if kept is not None:
        with contextlib.suppress(ValueError, EOFError, TypeError):
            code = marshal.loads(kept)
            if isinstance(code, CodeType):
                return code
    code = compile(text, "<string>", "exec")
    _fresh[text] = marshal.dumps(code)
    return code


def install() -> None:
    """Have fnguard's dataclasses use (and add to) the compiled methods; idempotent."""
    global _installed
    if _installed or sys.version_info[:2] not in _SUPPORTED:
        return
    import dataclasses

    original = getattr(dataclasses, "_create_fn", None)
    if original is None:
        return
    missing = dataclasses.MISSING

    def create_fn(
        name: str,
        args: list[str],
        body: list[str],
        *,
        globals: dict[str, Any] | None = None,  # the names dataclasses passes
        locals: dict[str, Any] | None = None,
        return_type: Any = missing,
    ) -> Any:
        module = (globals or {}).get("__name__", "")
        if not (module == "fnguard" or module.startswith("fnguard.")):
            return original(
                name, args, body, globals=globals, locals=locals, return_type=return_type
            )
        if name == "__init__":
            body = _stored_in_dict(body)
        # The text exactly as dataclasses._create_fn (3.11, 3.12) writes it.
        if locals is None:
            locals = {}
        annotation = ""
        if return_type is not missing:
            locals["_return_type"] = return_type
            annotation = "->_return_type"
        inner = "\n".join(f"  {b}" for b in body)
        text = f" def {name}({','.join(args)}){annotation}:\n{inner}"
        text = f"def __create_fn__({', '.join(locals)}):\n{text}\n return {name}"
        namespace: dict[str, Any] = {}
        exec(_compiled(text), globals, namespace)  # dataclasses' own text
        return namespace["__create_fn__"](**locals)

    dataclasses._create_fn = create_fn  # type: ignore[attr-defined]
    _installed = True


# How a frozen class's ``__init__`` sets a field (``_field_assign`` in 3.11 and 3.12), when its
# instance is called ``self`` (a field named ``self`` makes it ``__dataclass_self__``).
_FROZEN_STORE = "__dataclass_builtins_object__.__setattr__(self,"


def _stored_in_dict(body: list[str]) -> list[str]:
    """A frozen class's ``__init__`` body storing each field in the instance's ``__dict__``
    rather than through ``object.__setattr__``: the same instance (no fnguard dataclass has
    slots or a field behind a data descriptor: tested), made ~60% faster. The model's
    objects are made by the ten thousand in a scan."""
    out: list[str] = []
    for line in body:
        if line.startswith(_FROZEN_STORE) and line.endswith(")"):
            field, _, value = line[len(_FROZEN_STORE) : -1].partition(",")
            out.append(f"__dataclass_dict__[{field}]={value}")
        else:
            out.append(line)
    if out == body:
        return body
    return ["__dataclass_dict__=self.__dict__", *out]


def save(*, force: bool = False) -> None:
    """Write the methods compiled afresh by this process, if any, beside the bytecode
    (``force``: even under ``PYTHONDONTWRITEBYTECODE``, as ``compileall`` does)."""
    if not _fresh or (sys.dont_write_bytecode and not force):
        return
    path = cache_path()
    if path is None:
        return
    codes = dict(_load())
    codes.update(_fresh)
    if len(codes) > _MAX_ENTRIES:
        codes = {text: code for text, code in codes.items() if text in _used}
    if write_beside_bytecode(path, marshal.dumps(codes)):
        _fresh.clear()


def write_beside_bytecode(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` as bytecode is written: atomically (a temporary file renamed
    into place); False, and nothing written, where that fails."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def build() -> int:
    """Compile and save the methods of every fnguard module that imports here; how many."""
    import importlib
    import pkgutil

    from fnguard import _regex_code

    install()
    _regex_code.install()  # the patterns those modules compile as they import, kept too
    import fnguard

    for module in pkgutil.walk_packages(fnguard.__path__, "fnguard."):
        if module.name.endswith("__main__"):  # runs a command
            continue
        try:
            importlib.import_module(module.name)
        except Exception:  # an optional extra not installed: skipped
            continue
    count = len(_fresh)
    save(force=True)
    _regex_code.save(force=True)
    return count


if __name__ == "__main__":
    from fnguard import _dataclass_code

    print(f"fnguard: {_dataclass_code.build()} dataclass methods compiled")
