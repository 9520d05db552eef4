"""Dynamic code: exec/compile of strings and ctypes, alerted by default, never breaking imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

HANDLER = '''
import sys
from fnguard_runtime import guard, Policy, DynamicCodePolicy

@guard(Policy(dynamic_code=DynamicCodePolicy(mode="{mode}")))
def handler(event, context):
    out = {{}}
    out["eval"] = attempt(lambda: eval("6 * 7"))
    out["exec"] = attempt(lambda: exec("x = 1"))
    out["ctypes"] = attempt(lambda: __import__("ctypes").CDLL("libc.so.6") and None)
    # Near misses: imports (fresh module, compiled from source) and generated code.
    sys.path.insert(0, {folder!r})
    out["import"] = attempt(lambda: __import__("freshmod").VALUE)
    out["namedtuple"] = attempt(lambda: __import__("collections").namedtuple("P", "a b")(1, 2).b)
    return out

_report(handler({{}}, None))
'''


def _code(mode: str, tmp_path: Path) -> str:
    (tmp_path / "freshmod.py").write_text("import collections\nVALUE = 'imported'\n")
    return HANDLER.format(mode=mode, folder=str(tmp_path))


def test_default_alert_mode_reports_and_runs(run, tmp_path: Path) -> None:
    result = run(_code("alert", tmp_path))
    assert result.result == {"eval": 42, "exec": "ok", "ctypes": "ok", "import": "imported",
                             "namedtuple": 2}
    alerted = result.of_type("alerted")
    assert {e["operation"] for e in alerted} == {"compile", "ctypes.dlopen"}
    assert {e["target"] for e in alerted if e["operation"] == "compile"} == {"6 * 7", "x = 1"}


def test_block_mode_blocks_strings_but_not_imports(run, tmp_path: Path) -> None:
    result = run(_code("block", tmp_path))
    assert result.result == {"eval": "GuardViolation", "exec": "GuardViolation",
                             "ctypes": "GuardViolation", "import": "imported", "namedtuple": 2}
