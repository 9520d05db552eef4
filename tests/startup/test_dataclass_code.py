"""The compiled dataclass methods kept between runs (``fnguard._dataclass_code``)."""

from __future__ import annotations

import dataclasses
import marshal
import subprocess
import sys
import types
from typing import TYPE_CHECKING, Any

import pytest

from fnguard import _dataclass_code as dc

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_SOURCE = """
from dataclasses import dataclass, field

@dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=(), compare=False)
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty cache file of this test's own; the module's state put back after."""
    path = tmp_path / "__pycache__" / "dataclasses.test.marshal"
    monkeypatch.setattr(dc, "cache_path", lambda: path)
    monkeypatch.setattr(dc, "_codes", None)
    monkeypatch.setattr(dc, "_fresh", {})
    monkeypatch.setattr(dc, "_used", set())
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    dc.install()
    yield path


def _define(module_name: str) -> Any:
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    try:
        exec(compile(_SOURCE, f"<{module_name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[module_name]
    return module.Point


def _behaves(point: Any) -> None:
    a, b = point(1, 2, ("x",)), point(1, 2)
    assert a == b  # tags do not compare
    assert hash(a) == hash(b)
    assert repr(b) == "Point(x=1, y=2, tags=())"
    assert point(0) < point(1)
    assert point(3).y == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 5
    with pytest.raises(TypeError):
        point()


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_fnguard_classes_compile_once_and_load_from_the_file_next_time(cache: Path) -> None:
    _behaves(_define("fnguard._probe_first"))
    fresh = set(dc._fresh)
    assert fresh, "the methods were compiled afresh and kept for the save"
    dc.save()
    assert cache.is_file()
    saved = marshal.loads(cache.read_bytes())
    assert set(saved) == fresh == dc._used
    assert dc._fresh == {}

    # Next run: the methods come from the file; nothing is compiled again.
    dc._codes, dc._fresh, dc._used = None, {}, set()
    point = _define("fnguard._probe_second")
    _behaves(point)
    assert dc._fresh == {}
    assert point.__init__.__qualname__ == "Point.__init__"


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_other_modules_classes_are_left_to_dataclasses(cache: Path) -> None:
    _behaves(_define("someone_else"))
    assert dc._fresh == {}
    dc.save()
    assert not cache.exists()


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal at all", marshal.dumps([1, 2]), b"\x00" * 40],
    ids=["empty", "garbage", "a list", "zeros"],
)
def test_an_unreadable_file_counts_as_empty(cache: Path, content: bytes) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content)
    _behaves(_define("fnguard._probe_unreadable"))
    assert dc._fresh


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_an_entry_that_is_not_code_is_compiled_again(cache: Path) -> None:
    _define("fnguard._probe_learn")
    texts = list(dc._fresh)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(marshal.dumps({t: marshal.dumps(42) for t in texts}))
    dc._codes, dc._fresh = None, {}
    _behaves(_define("fnguard._probe_poisoned"))
    assert set(dc._fresh) == set(texts)


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_not_written_under_dont_write_bytecode_unless_forced(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _define("fnguard._probe_nowrite")
    dc.save()
    assert not cache.exists()
    dc.save(force=True)
    assert cache.is_file()


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_an_unwritable_place_is_not_an_error(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(dc, "cache_path", lambda: blocker / "sub" / "dataclasses.marshal")
    _define("fnguard._probe_unwritable")
    dc.save()  # no exception, nothing written
    assert blocker.read_text() == "x"
    assert dc._fresh, "still to be saved by a later chance"


def test_the_cache_sits_beside_the_package_bytecode() -> None:
    path = dc.cache_path()
    assert path is not None
    assert path.parent.name == "__pycache__" or sys.pycache_prefix
    assert path.name == f"dataclasses.{sys.implementation.cache_tag}.marshal"


def test_build_writes_every_module_and_the_cli_then_uses_it(tmp_path: Path) -> None:
    """The whole package through a fresh interpreter, with bytecode kept under a prefix of
    its own (``PYTHONPYCACHEPREFIX``), so the installed package is not touched."""
    env = {"PYTHONPYCACHEPREFIX": str(tmp_path), "PATH": "/usr/bin:/bin"}
    built = subprocess.run(
        [sys.executable, "-m", "fnguard._dataclass_code"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    count = int(built.stdout.split()[1])
    assert count > 300, built.stdout
    probe = (
        "from fnguard import _dataclass_code as dc; dc.install(); import fnguard.model; "
        "print(len(dc._used), len(dc._fresh), dc.cache_path())"
    )
    used, fresh, where = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(used) > 50
    assert int(fresh) == 0
    assert where.startswith(str(tmp_path))


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_a_frozen_init_stores_its_fields_in_the_instance_dict(cache: Path) -> None:
    point = _define("fnguard._probe_stores")
    _behaves(point)
    (init,) = [text for text in dc._used if " def __init__(" in text]
    assert "__dataclass_dict__=self.__dict__" in init
    assert "__setattr__" not in init
    made = point(1, tags=("a",))
    assert made.__dict__ == {"x": 1, "y": 0, "tags": ("a",)}


@pytest.mark.skipif(sys.version_info[:2] not in dc._SUPPORTED, reason="not this Python")
def test_a_field_named_self_keeps_dataclasses_own_init(cache: Path) -> None:
    module = types.ModuleType("fnguard._probe_self")
    source = "from dataclasses import dataclass\n@dataclass(frozen=True)\nclass S:\n    self: int\n"
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "<fnguard._probe_self>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    assert module.S(3).self == 3
    (init,) = [text for text in dc._used if " def __init__(" in text]
    assert "__dataclass_builtins_object__.__setattr__" in init


def test_no_fnguard_dataclass_has_slots_or_a_field_behind_a_data_descriptor() -> None:
    """What storing fields straight into ``__dict__`` relies on."""
    import importlib
    import pkgutil

    import fnguard

    classes = []
    for info in pkgutil.walk_packages(fnguard.__path__, "fnguard."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra not installed
            continue
        classes += [
            c
            for c in vars(module).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == info.name
        ]
    assert len(classes) > 100
    for cls in classes:
        assert all("__slots__" not in vars(base) for base in cls.__mro__[:-1]), cls
        for name in cls.__dataclass_fields__:
            held = next((vars(b)[name] for b in cls.__mro__ if name in vars(b)), None)
            assert not hasattr(type(held), "__set__"), (cls, name)
