"""A scan executes nothing it scans and makes no network connection or child process.

Whole scans run in a subprocess under a PEP 578 audit hook that records (and refuses) any
``socket.connect`` / ``socket.getaddrinfo``, ``subprocess.Popen``, ``os.system``, ``os.exec*``,
``os.posix_spawn`` / ``os.spawn*``, and any code object executed from a file inside the scanned
tree. ``os.fork`` is allowed: the Terraform collector forks shard workers (no exec follows),
and the tree is big enough that it does. Handlers planted in the tree write a marker file when
imported or run; the marker must not exist afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

HOOK = textwrap.dedent(
    """
    import os, sys
    TREE = os.path.realpath(sys.argv[1])
    LOG = sys.argv[2]
    FORBIDDEN = {
        "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
        "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
        "os.startfile", "pty.spawn",
    }
    seen = {"fork": 0}

    def record(text):
        with open(LOG, "a", encoding="utf-8") as out:
            out.write(text + "\\n")

    # Hosts a scan may look up because the user asked it to (the online OSV lookup): the
    # attempt is recorded and answered as an unreachable network, like a machine offline.
    ASKED = set(filter(None, os.environ.get("AUDIT_ASKED_HOSTS", "").split(",")))
    NETWORK = {"socket.getaddrinfo", "socket.gethostbyname", "socket.connect"}

    def hook(event, args):
        if event == "os.fork":
            seen["fork"] += 1
            record("fork")
            return
        if event in NETWORK and args and str(args[0]) in ASKED:
            record(f"asked {event} {args[0]}")
            raise OSError(101, "network is unreachable (audit)")
        if event in FORBIDDEN:
            record(f"VIOLATION {event} {args!r:.200}")
            raise RuntimeError(f"audit: {event} refused")
        if event == "exec":
            name = getattr(args[0], "co_filename", "") or ""
            if name and os.path.realpath(name).startswith(TREE + os.sep):
                record(f"VIOLATION exec {name}")
                raise RuntimeError("audit: scanned code executed")

    sys.addaudithook(hook)
    """
)
CLI_SCAN = textwrap.dedent(
    """
    from fnguard.cli import main
    code = main(["scan", TREE, "--format", "json", "--no-progress", "--fail-on", "none",
                 "--output", os.path.join(os.path.dirname(LOG), "report.json")])
    record(f"exit {code}")
    """
)
# The package and code stages with the OSV lookup off: nothing may reach the network.
PACKAGE_SCAN = CLI_SCAN.replace('"--fail-on", "none",', '"--fail-on", "none", "--osv", "off",')

HANDLER_PY = textwrap.dedent(
    """
    import pathlib
    pathlib.Path(__file__).with_name("MARKER-imported").write_text("executed")

    def handler(event, context):
        pathlib.Path(__file__).with_name("MARKER-called").write_text("executed")
    """
)
HANDLER_JS = (
    "require('fs').writeFileSync(__dirname + '/MARKER-js', 'executed');\n"
    "exports.handler = async () => {};\n"
)


def _tree(root: Path) -> None:
    for service in ("a", "b"):
        folder = root / "tf" / service
        folder.mkdir(parents=True)
        (folder / "fn.tf").write_text(
            f'resource "aws_lambda_function" "f" {{\n  function_name = "{service}"\n'
            '  role = "arn:aws:iam::123456789012:role/r"\n  runtime = "python3.12"\n'
            '  handler = "handler.handler"\n  filename = "../../code/handler.zip"\n}\n'
        )
        for i in range(110):  # 220 files in two folders: the collector forks its shards
            (folder / f"locals_{i}.tf").write_text(f"locals {{\n  x{i} = {i}\n}}\n")
    code = root / "code"
    code.mkdir()
    (code / "handler.py").write_text(HANDLER_PY)
    (code / "conftest.py").write_text(HANDLER_PY)
    (code / "setup.py").write_text(HANDLER_PY)
    (code / "index.js").write_text(HANDLER_JS)
    (root / "sam").mkdir()
    (root / "sam" / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: handler.handler\n      CodeUri: ../code/\n"
    )
    (root / "sls").mkdir()
    (root / "sls" / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "custom:\n  fromCode: ${file(../code/index.js):value}\n"
        "functions:\n  f:\n    handler: ../code/index.handler\n"
    )


def _audited(tmp_path: Path, tree: Path, scan: str, asked: str = "") -> tuple[list[str], str]:
    """Run ``scan`` under the hook; the audit log's lines and the process's stderr."""
    import os

    log = tmp_path / "audit.log"
    done = subprocess.run(
        [sys.executable, "-c", HOOK + scan, str(tree), str(log)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
        env={**os.environ, "AUDIT_ASKED_HOSTS": asked, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    violations = [line for line in lines if line.startswith("VIOLATION")]
    assert violations == [], violations
    assert "Traceback" not in done.stderr, done.stderr
    assert lines[-1] in ("exit 0", "exit 2"), (lines[-5:], done.stderr)
    return lines, done.stderr


def test_a_scan_runs_no_process_no_network_and_no_scanned_code(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    _tree(tree)
    lines, _ = _audited(tmp_path, tree, CLI_SCAN)
    assert "fork" in lines, "the Terraform shards did not fork: the test covers less than it says"
    assert sorted(p.name for p in tree.rglob("MARKER*")) == []
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["inventory"]["functions"] >= 4


def _package_tree(tree: Path) -> None:
    import zipfile

    tree.mkdir()
    (tree / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n'
        '  role = "arn:aws:iam::123456789012:role/r"\n  runtime = "python3.12"\n'
        '  handler = "handler.handler"\n  filename = "f.zip"\n}\n'
        'resource "aws_lambda_function" "g" {\n  function_name = "g"\n'
        '  role = "arn:aws:iam::123456789012:role/r"\n  runtime = "nodejs20.x"\n'
        '  handler = "index.handler"\n  filename = "g.zip"\n}\n'
    )
    with zipfile.ZipFile(tree / "f.zip", "w") as archive:
        for name in ("handler.py", "setup.py", "conftest.py", "sitecustomize.py"):
            archive.writestr(name, HANDLER_PY)
        archive.writestr("evil.pth", "import os; os.system('touch /tmp/fnguard-pth-ran')\n")
        archive.writestr("requests-2.0.0.dist-info/METADATA", "Name: requests\nVersion: 2.0.0\n")
    with zipfile.ZipFile(tree / "g.zip", "w") as archive:
        archive.writestr("index.js", HANDLER_JS)
        archive.writestr(
            "node_modules/x/package.json",
            '{"name": "x", "version": "1.0.0", "scripts": {"install": "touch /tmp/pwned"}}',
        )


def test_a_package_and_code_scan_runs_nothing_it_reads(tmp_path: Path) -> None:
    """The function's zip holds handlers, a setup.py, a .pth file, a wheel's metadata and a
    node module with an install script: reading them runs none of them."""
    tree = tmp_path / "tree"
    _package_tree(tree)
    _audited(tmp_path, tree, PACKAGE_SCAN)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["inventory"]["packages"] == 2
    assert not Path("/tmp/fnguard-pth-ran").exists()


def test_the_online_osv_lookup_is_the_only_network_use_and_only_by_default(
    tmp_path: Path,
) -> None:
    """Without --osv off, the one name a package scan looks up is the OSV API's; PKG007 then
    says unknown (the network answered nothing), never pass."""
    tree = tmp_path / "tree"
    _package_tree(tree)
    lines, stderr = _audited(tmp_path, tree, CLI_SCAN, asked="api.osv.dev")
    asked = [line for line in lines if line.startswith("asked")]
    assert asked and all(line.endswith(" api.osv.dev") for line in asked), asked
    assert "asked the public OSV database (api.osv.dev) about" in stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    pkg007 = [f for f in report["findings"] if f["rule_id"] == "PKG007"]
    assert pkg007 and all(f["status"] == "unknown" for f in pkg007)
