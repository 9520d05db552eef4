"""Process and shell protection, judged on real handlers in subprocesses."""

from __future__ import annotations

import pytest

HANDLER = '''
import os, subprocess, multiprocessing
from fnguard_runtime import guard, Policy, ProcessPolicy
TRUE = "/bin/true"

@guard(Policy(process=ProcessPolicy(mode="{mode}", allow=["echo"])))
def handler(event, context):
    out = {{}}
    out["system"] = attempt(lambda: os.system("true"))
    out["run"] = attempt(lambda: subprocess.run(["true"], check=True) and None)
    out["shell"] = attempt(lambda: subprocess.run("true", shell=True) and None)
    out["spawnv"] = attempt(lambda: os.spawnv(os.P_WAIT, "/bin/true", ["true"]))
    out["posix_spawn"] = attempt(lambda: os.waitpid(os.posix_spawn(TRUE, ["true"], {{}}), 0)
                                 and None)
    out["fork_exec"] = attempt(lambda: __import__("_posixsubprocess").fork_exec and _fork_exec())
    out["fork"] = attempt(_fork)
    out["allowed"] = attempt(lambda: subprocess.run(["echo", "near-miss"], capture_output=True,
                                                    text=True).stdout.strip())
    out["allowed_spawn"] = attempt(lambda: os.spawnvp(os.P_WAIT, "echo", ["echo", "x"]))
    return out

def _fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)

def _fork_exec():
    from multiprocessing import util
    pid = util.spawnv_passfds(b"/bin/true", [b"true"], ())
    os.waitpid(pid, 0)

_report({{"inside": handler({{}}, None),
          "outside": attempt(lambda: subprocess.run(["true"]) and None)}})
'''

DENIED = ("system", "run", "shell", "spawnv", "posix_spawn", "fork_exec", "fork")


def test_block_mode_denies_each_way_of_starting_a_process(run_any_python) -> None:
    result = run_any_python(HANDLER.format(mode="block"))
    inside = result.result["inside"]
    for name in DENIED:
        assert inside[name] == "GuardViolation", (name, result.stderr)
    # Near misses: an allowed executable still runs, and nothing is enforced after the handler.
    assert inside["allowed"] == "near-miss"
    assert inside["allowed_spawn"] == 0
    assert result.result["outside"] == "ok"
    operations = {e["operation"] for e in result.of_type("blocked")}
    assert {"os.system", "subprocess.Popen", "os.spawn", "os.posix_spawn",
            "_posixsubprocess.fork_exec", "os.fork"} <= operations
    assert all(e["feature"] == "process" for e in result.of_type("blocked"))


def test_alert_mode_logs_but_lets_processes_run(run) -> None:
    result = run(HANDLER.format(mode="alert"))
    inside = result.result["inside"]
    assert inside["system"] == 0
    assert inside["spawnv"] == 0
    for name in ("run", "shell", "posix_spawn", "fork_exec", "fork"):
        assert inside[name] == "ok", name
    assert result.of_type("blocked") == []
    alerted = {e["operation"] for e in result.of_type("alerted")}
    assert {"os.system", "subprocess.Popen", "os.spawn", "os.posix_spawn",
            "_posixsubprocess.fork_exec", "os.fork"} <= alerted
    # The allowed executable raised no event at all.
    assert not [e for e in result.events if "echo" in str(e.get("target", ""))]


@pytest.mark.parametrize("mode", ["off"])
def test_off_mode_judges_nothing(run, mode: str) -> None:
    result = run(HANDLER.format(mode=mode))
    assert result.result["inside"]["run"] == "ok"
    assert result.denied("subprocess.Popen") == []
