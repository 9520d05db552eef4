"""Filesystem write protection on real handlers: paths, renames, symlinks and dir_fd."""

from __future__ import annotations

from pathlib import Path

HANDLER = '''
import os, sqlite3, sys
from fnguard_runtime import guard, Policy, FilesystemPolicy

ALLOWED, OUTSIDE = {allowed!r}, {outside!r}
CREATE = os.O_WRONLY | os.O_CREAT

@guard(Policy(filesystem=FilesystemPolicy(mode="{mode}", allow_write=[ALLOWED])))
def handler(event, context):
    out = {{}}
    if "{mode}" == "block":
        out["etc"] = attempt(lambda: open("/etc/fnguard-test-x", "w").close())
    out["outside"] = attempt(lambda: open(OUTSIDE + "/new.txt", "w").close())
    out["append"] = attempt(lambda: open(OUTSIDE + "/existing.txt", "a").close())
    out["relative"] = attempt(lambda: open("relative.txt", "w").close())
    out["rename_out"] = attempt(lambda: os.rename(ALLOWED + "/mine.txt", OUTSIDE + "/moved.txt"))
    out["remove"] = attempt(lambda: os.remove(OUTSIDE + "/existing.txt"))
    out["mkdir"] = attempt(lambda: os.mkdir(OUTSIDE + "/d"))
    out["chmod"] = attempt(lambda: os.chmod(OUTSIDE + "/readme.txt", 0o777))
    out["symlink_escape"] = attempt(lambda: open(ALLOWED + "/link", "w").close())
    fd = os.open(OUTSIDE, os.O_RDONLY)
    out["dir_fd"] = attempt(lambda: os.close(os.open("viafd.txt", CREATE, dir_fd=fd)))
    os.close(fd)
    if sys.version_info >= (3, 10):  # the sqlite3.connect audit event is new in 3.10
        out["sqlite"] = attempt(lambda: sqlite3.connect(OUTSIDE + "/db.sqlite").close())
    out["sqlite_memory"] = attempt(lambda: sqlite3.connect(":memory:").close())
    out["mkfifo"] = attempt(lambda: os.mkfifo(OUTSIDE + "/fifo"))
    out["mkfifo_in"] = attempt(lambda: os.mkfifo(ALLOWED + "/fifo"))
    # Near misses: reads anywhere, and writes inside the allowed folder (also through dir_fd).
    out["read"] = attempt(lambda: open(OUTSIDE + "/readme.txt").read())
    out["inside"] = attempt(lambda: open(ALLOWED + "/ok.txt", "w").write("x") and None)
    out["rename_in"] = attempt(lambda: os.rename(ALLOWED + "/ok.txt", ALLOWED + "/ok2.txt"))
    afd = os.open(ALLOWED, os.O_RDONLY)
    out["dir_fd_in"] = attempt(lambda: os.close(os.open("viafd.txt", CREATE, dir_fd=afd)))
    os.close(afd)
    return out

_report({{"inside": handler({{}}, None),
          "after": attempt(lambda: open(OUTSIDE + "/after.txt", "w").close())}})
'''

DENIED = ("outside", "append", "relative", "rename_out", "remove", "mkdir", "chmod",
          "symlink_escape", "dir_fd")


def _layout(tmp_path: Path) -> tuple[Path, Path]:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "mine.txt").write_text("mine")
    (outside / "existing.txt").write_text("x")
    (outside / "readme.txt").write_text("public")
    (outside / "target.txt").write_text("target")
    (allowed / "link").symlink_to(outside / "target.txt")
    return allowed, outside


def test_block_mode_denies_writes_outside_the_allowed_paths(run_any_python,
                                                            tmp_path: Path) -> None:
    allowed, outside = _layout(tmp_path)
    code = HANDLER.format(allowed=str(allowed), outside=str(outside), mode="block")
    result = run_any_python(code)
    inside = result.result["inside"]
    assert inside["etc"] == "GuardViolation"
    assert not Path("/etc/fnguard-test-x").exists()
    for name in DENIED:
        assert inside[name] == "GuardViolation", (name, result.stderr)
    assert not (outside / "new.txt").exists()
    assert not (outside / "moved.txt").exists() and (allowed / "mine.txt").exists()
    assert (outside / "existing.txt").read_text() == "x"
    assert not (outside / "viafd.txt").exists()
    assert (outside / "target.txt").read_text() == "target"
    assert inside.get("sqlite", "GuardViolation") == "GuardViolation"
    assert not (outside / "db.sqlite").exists()
    assert inside["sqlite_memory"] == inside["mkfifo_in"] == "ok"
    assert inside["mkfifo"] == "GuardViolation" and not (outside / "fifo").exists()
    # Near misses still work.
    assert inside["read"] == "public"
    assert inside["inside"] == inside["rename_in"] == inside["dir_fd_in"] == "ok"
    assert (allowed / "ok2.txt").read_text() == "x" and (allowed / "viafd.txt").exists()
    assert result.result["after"] == "ok"
    blocked = result.of_type("blocked")
    targets = {e["target"] for e in blocked}
    # The symlink and the dir_fd path are reported by where they really lead.
    assert str(outside / "target.txt") in targets
    assert str(outside / "viafd.txt") in targets
    assert {e["feature"] for e in blocked} == {"filesystem"}


def test_alert_mode_logs_writes_and_lets_them_happen(run, tmp_path: Path) -> None:
    allowed, outside = _layout(tmp_path)
    result = run(HANDLER.format(allowed=str(allowed), outside=str(outside), mode="alert"))
    inside = result.result["inside"]
    for name in DENIED:
        assert inside[name] == "ok", (name, inside[name], result.stderr)
    assert (outside / "new.txt").exists() and (outside / "moved.txt").exists()
    assert result.of_type("blocked") == []
    alerted = {e["operation"] for e in result.of_type("alerted")}
    assert {"open", "os.rename", "os.remove", "os.mkdir", "os.chmod"} <= alerted
    assert not any(str(allowed / "ok.txt") == e.get("target") for e in result.events)


def test_default_policy_allows_tmp_and_denies_elsewhere(run, tmp_path: Path) -> None:
    code = '''
from fnguard_runtime import guard

@guard()
def handler(event, context):
    return {"tmp": attempt(lambda: open("/tmp/fnguard-default-ok", "w").close()),
            "root": attempt(lambda: open("/fnguard-default-denied", "w").close())}
_report(handler({}, None))
'''
    result = run(code)
    assert result.result == {"tmp": "ok", "root": "GuardViolation"}
    assert not Path("/fnguard-default-denied").exists()


SWAP = '''
import os
from fnguard_runtime import guard, Policy, FilesystemPolicy

ALLOWED, OUTSIDE = {allowed!r}, {outside!r}

@guard(Policy(filesystem=FilesystemPolicy(allow_write=[ALLOWED])))
def handler(event, context):
    out = {{}}
    out["through_dir_link"] = attempt(lambda: open(ALLOWED + "/dirlink/x.txt", "w").close())
    os.mkdir(ALLOWED + "/d")
    out["before_swap"] = attempt(lambda: open(ALLOWED + "/d/a.txt", "w").close())
    os.remove(ALLOWED + "/d/a.txt")
    os.rmdir(ALLOWED + "/d")
    os.symlink(OUTSIDE, ALLOWED + "/d")   # the cached folder is now a link to OUTSIDE
    out["after_swap"] = attempt(lambda: open(ALLOWED + "/d/b.txt", "w").close())
    out["new_name_in_allowed"] = attempt(lambda: open(ALLOWED + "/fresh.txt", "w").close())
    return out

_report(handler({{}}, None))
'''


def test_folder_links_and_swaps_during_an_invocation_are_seen(run, tmp_path: Path) -> None:
    allowed, outside = _layout(tmp_path)
    (allowed / "dirlink").symlink_to(outside)
    result = run(SWAP.format(allowed=str(allowed), outside=str(outside)))
    assert result.result == {"through_dir_link": "GuardViolation", "before_swap": "ok",
                             "after_swap": "GuardViolation", "new_name_in_allowed": "ok"}
    assert not (outside / "x.txt").exists() and not (outside / "b.txt").exists()
