"""Time ``fnguard scan aws`` against Prowler on a moto server seeded with 1,000 functions.

In one run, inside a network namespace that has only loopback (``unshare -n``, then ``lo``
up; the script re-executes itself there), it:

1. starts a moto server process on 127.0.0.1 and seeds N functions through boto3, each with a
   seeded-random set of planted misconfigurations (and the opposite, safe setting otherwise);
2. times whole processes of ``fnguard scan aws --format json`` and of ``prowler aws --service
   awslambda`` (its own venv, ``.bench/venv-prowler``, installed on first use), both pointed at
   the server with ``AWS_ENDPOINT_URL``, with each process's peak resident memory and CPU time
   (``wait4``) and the moto server's CPU time during the run. Fair to both: one untimed
   warm-up run of each first (``--no-warmup`` skips it), then the timed runs interleaved
   (fnguard, Prowler, fnguard, ...) so a noisy neighbour hits both, and medians compared;
3. compares what each reported with what was planted: per category, found / planted and false
   alarms on functions where it was not planted.

Both tools run under an audit hook that records every connection to an address other than
loopback: Prowler's version check shows up there; fnguard must show none.

Usage: ``python benchmarks/bench_aws_scan.py [-n 1000] [--runs 3] [--prowler-runs N]
[--no-warmup] [--skip-prowler]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
PROWLER_VENV = BENCH_DIR / "venv-prowler"
VENV_PY = ROOT / ".venv" / "bin" / "python"
TARGET_RATIO = 5.0
REGION = "us-east-1"
ACCOUNT = "123456789012"
_INSIDE = "FNGUARD_BENCH_NETNS"

sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _installed import compile_fnguard  # noqa: E402

# category -> (fnguard rule, Prowler check or None, share of functions planted with it)
CATEGORIES: dict[str, tuple[str, str | None, float]] = {
    "public resource policy": ("EXP001", "awslambda_function_not_publicly_accessible", 0.15),
    "function URL without auth": ("EXP002", "awslambda_function_url_public", 0.15),
    "URL CORS any origin": ("EXP004", "awslambda_function_url_cors_policy", 0.15),
    "plaintext secret in env": ("SEC001", "awslambda_function_no_secrets_in_variables", 0.2),
    "env without customer key": (
        "SEC002",
        "awslambda_function_env_vars_not_encrypted_with_cmk",
        0.3,
    ),
    "deprecated runtime": ("PKG009", "awslambda_function_using_supported_runtimes", 0.2),
    "admin execution role": ("IAM001", None, 0.15),
    "tracing off": ("LOG001", None, 0.3),
    "confused deputy (no SourceArn)": ("EXP003", None, 0.15),
    "public, no concurrency limit": ("LIM005", None, 0.0),  # derived: public and unreserved
}

# An audit hook run in front of each tool: every non-loopback connect is written down.
_HOOK = r"""
import sys, runpy, os
_log = os.environ["BENCH_CONNECT_LOG"]
_LOCAL = ("127.", "::1", "/", "localhost")
def _note(host):
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if isinstance(host, str) and host and not host.startswith(_LOCAL):
        with open(_log, "a") as f:
            f.write(f"{host}\n")
def _hook(event, args):
    if event == "socket.connect":
        address = args[1]
        _note(address[0] if isinstance(address, tuple) and address else str(address))
    elif event == "socket.getaddrinfo":
        _note(args[0])
sys.addaudithook(_hook)
target = sys.argv[1]
sys.argv = sys.argv[1:]
if target.endswith(".py") or "/" in target:
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""


@dataclass
class Planted:
    by_function: dict[str, set[str]] = field(default_factory=dict)

    def count(self, category: str) -> int:
        return sum(category in cats for cats in self.by_function.values())


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    outside_connects: int
    cpu_seconds: float  # the tool's own processes (user + system)
    server_cpu_seconds: float  # the moto server's, while the tool ran


def _code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("app.py", (2024, 1, 1, 0, 0, 0)), "def handler(e, c):\n    return {}\n"
        )
    return buffer.getvalue()


def seed(endpoint: str, count: int, rng: random.Random) -> Planted:
    """Create ``count`` functions with planted misconfigurations; return what was planted."""
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)

    iam, lam, kms = client("iam"), client("lambda"), client("kms")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    logs = {
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "*",
    }

    def role(name: str, admin: bool) -> str:
        arn = str(
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"][
                "Arn"
            ]
        )
        iam.put_role_policy(
            RoleName=name,
            PolicyName="logs",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [logs]}),
        )
        if admin:
            iam.attach_role_policy(
                RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
            )
        return arn

    quiet_role, admin_role = role("quiet", False), role("admin", True)
    key = kms.create_key(Description="env")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    code = _code_zip()
    planted = Planted()
    for i in range(count):
        name = f"fn-{i:04d}"
        cats = {c for c, (_, _, share) in CATEGORIES.items() if rng.random() < share}
        env = {
            "STAGE": "prod",
            "DB_PASSWORD_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-AbCdEf",
        }
        if "plaintext secret in env" in cats:
            env["DB_PASSWORD"] = "".join(
                rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGH23456789!#") for _ in range(22)
            )
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.7" if "deprecated runtime" in cats else "python3.12",
            "Role": admin_role if "admin execution role" in cats else quiet_role,
            "Handler": "app.handler",
            "Code": {"ZipFile": code},
            "Timeout": 10,
            "MemorySize": 256,
            "Environment": {"Variables": env},
            "TracingConfig": {"Mode": "PassThrough" if "tracing off" in cats else "Active"},
        }
        if "env without customer key" not in cats:
            params["KMSKeyArn"] = key
        lam.create_function(**params)
        # LIM005's scope: invocable without any authentication (a URL with auth NONE).
        public = "function URL without auth" in cats
        if "public resource policy" in cats:
            lam.add_permission(
                FunctionName=name,
                StatementId="anyone",
                Action="lambda:InvokeFunction",
                Principal="*",
            )
        else:  # near miss: an account principal
            lam.add_permission(
                FunctionName=name,
                StatementId="ops",
                Action="lambda:InvokeFunction",
                Principal=f"arn:aws:iam::{ACCOUNT}:root",
            )
        if "confused deputy (no SourceArn)" in cats:
            lam.add_permission(
                FunctionName=name,
                StatementId="s3",
                Action="lambda:InvokeFunction",
                Principal="s3.amazonaws.com",
            )
        if "function URL without auth" in cats or "URL CORS any origin" in cats:
            cors = (
                {"AllowOrigins": ["*"]}
                if "URL CORS any origin" in cats
                else {"AllowOrigins": ["https://app.example.com"]}
            )
            auth = "NONE" if "function URL without auth" in cats else "AWS_IAM"
            lam.create_function_url_config(FunctionName=name, AuthType=auth, Cors=cors)
        if public and rng.random() < 0.5:
            lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
        elif public:
            cats.add("public, no concurrency limit")
        planted.by_function[name] = cats
    return planted


def _server_pid(endpoint: str) -> int | None:
    """The moto server process listening on ``endpoint``'s port (found by its command line)."""
    port = endpoint.rsplit(":", 1)[-1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"moto" in a for a in argv) and port.encode() in argv:
            return int(entry.name)
    return None


def _cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(
    argv: list[str], env: dict[str, str], stdout: Path, ok: tuple[int, ...], server: int | None
) -> Run:
    connects = Path(tempfile.mkstemp(prefix="connects-")[1])
    env = {**env, "BENCH_CONNECT_LOG": str(connects)}
    server_before = _cpu_seconds(server)
    start = time.perf_counter()
    with stdout.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    server_cpu = _cpu_seconds(server) - server_before
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        tail = "\n  ".join(err.decode(errors="replace").strip().splitlines()[-15:])
        raise SystemExit(f"{argv[0]} exited {code}:\n  {tail}")
    outside = len(connects.read_text().splitlines())
    connects.unlink()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, outside, cpu, server_cpu)


def fnguard_found(report: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in json.loads(report.read_text())["findings"]:
        name = str(finding.get("function") or finding["resource"]).rsplit(":", 1)[-1]
        found.setdefault(name, set()).add(finding["rule_id"])
    return found


def prowler_found(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.glob("*.ocsf.json"):
        for finding in json.loads(path.read_text()):
            if finding.get("status_code") == "FAIL":
                name = finding["resources"][0]["name"]
                found.setdefault(name, set()).add(finding["metadata"]["event_code"])
    return found


def ensure_prowler() -> Path:
    binary = PROWLER_VENV / "bin" / "prowler"
    if not binary.exists():
        print("installing Prowler into .bench/venv-prowler (first run only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PROWLER_VENV)], check=True)
        subprocess.run([str(PROWLER_VENV / "bin" / "pip"), "install", "-q", "prowler"], check=True)
    return binary


def _score(
    planted: Planted, found: dict[str, set[str]], tool: int
) -> dict[str, tuple[int, int] | None]:
    """category -> (hits where planted, alarms where not), or None: the tool has no check."""
    scores: dict[str, tuple[int, int] | None] = {}
    for category, ids in CATEGORIES.items():
        rule = ids[tool]
        if rule is None:
            scores[category] = None
            continue
        hits = alarms = 0
        for name, cats in planted.by_function.items():
            fired = rule in found.get(name, set())
            if category in cats:
                hits += fired
            else:
                alarms += fired
        scores[category] = (hits, alarms)
    return scores


def _inside_netns(argv: list[str]) -> None:
    """Re-run this script in a fresh network namespace whose only interface is loopback."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not unshare or not ip or subprocess.run([unshare, "-n", "true"], check=False).returncode:
        raise SystemExit(
            "needs `unshare -n` (root or user namespaces) and `ip` to isolate the network"
        )
    script = f"{ip} link set lo up && exec {sys.executable} {Path(__file__)} {' '.join(argv)}"
    env = {**os.environ, _INSIDE: "1"}
    raise SystemExit(
        subprocess.run([unshare, "-n", "sh", "-c", script], env=env, check=False).returncode
    )


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="functions to seed (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each tool (median)")
    parser.add_argument(
        "--prowler-runs", type=int, default=None, help="timed Prowler runs (default: --runs)"
    )
    parser.add_argument("--no-warmup", action="store_true", help="no untimed first runs")
    parser.add_argument("--skip-prowler", action="store_true")
    args = parser.parse_args(args_list)
    compile_fnguard()  # as a pip install leaves it (see _installed.py)
    if os.environ.get(_INSIDE) != "1":
        if not args.skip_prowler:
            ensure_prowler()
        _inside_netns(args_list)

    from moto_server import AWS_TEST_ENV, moto_server

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_TEST_ENV)
    env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    env["NO_PROXY"] = "127.0.0.1,localhost"
    os.environ.update(env)
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    work = Path(tempfile.mkdtemp(prefix="bench-aws-"))
    hook = work / "hook.py"
    hook.write_text(_HOOK)
    prowler_runs = args.runs if args.prowler_runs is None else args.prowler_runs
    with moto_server(startup_timeout=60) as endpoint:
        server = _server_pid(endpoint)
        started = time.perf_counter()
        planted = seed(endpoint, args.n, random.Random(20261125))
        print(
            f"seeded {args.n} functions on moto in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        tool_env = {**env, "AWS_ENDPOINT_URL": endpoint}
        report, out = work / "fnguard.json", work / "prowler"

        def fnguard() -> Run:
            argv = [str(VENV_PY), str(hook), "fnguard", "scan", "aws", "--region", REGION]
            argv += ["--format", "json", "--no-progress"]
            return _measure(argv, tool_env, report, (0, 1), server)

        def prowler() -> Run:
            shutil.rmtree(out, ignore_errors=True)
            argv = [
                str(PROWLER_VENV / "bin" / "python"),
                str(hook),
                str(PROWLER_VENV / "bin" / "prowler"),
                "aws",
                "--service",
                "awslambda",
                "-f",
                REGION,
                "--output-formats",
                "json-ocsf",
                "--output-directory",
                str(out),
                "--no-banner",
            ]
            return _measure(argv, tool_env, work / "prowler.out", (0, 3), server)

        tools = {"fnguard": (fnguard, args.runs)}
        if not args.skip_prowler:
            tools["prowler"] = (prowler, prowler_runs)
        if not args.no_warmup:
            for name, (run, _) in tools.items():
                warm = run()
                print(f"warm-up {name}: {warm.seconds:.2f} s (not counted)", flush=True)
        runs: dict[str, list[Run]] = {name: [] for name in tools}
        for index in range(max(count for _, count in tools.values())):
            for name, (run, count) in tools.items():
                if index < count:
                    runs[name].append(run())
                    timed = runs[name][-1]
                    print(
                        f"run {index + 1} {name}: {timed.seconds:.2f} s, "
                        f"CPU {timed.cpu_seconds:.2f} s, moto CPU {timed.server_cpu_seconds:.2f} s",
                        flush=True,
                    )
        results = {"fnguard": (runs["fnguard"], _score(planted, fnguard_found(report), 0))}
        if "prowler" in runs:
            results["prowler"] = (runs["prowler"], _score(planted, prowler_found(out), 1))
    _print(args.n, planted, results)
    shutil.rmtree(work, ignore_errors=True)
    return 0


Results = dict[str, tuple[list[Run], dict[str, Any]]]


def _print(n: int, planted: Planted, results: Results) -> None:
    print(f"\nfnguard scan aws vs prowler aws --service awslambda: {n} functions on moto, loopback")
    medians = {}
    for tool, (runs, _) in results.items():
        secs = statistics.median(r.seconds for r in runs)
        peak = max(r.peak_mib for r in runs)
        outside = sum(r.outside_connects for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        server = statistics.median(r.server_cpu_seconds for r in runs)
        medians[tool] = (secs, peak)
        print(
            f"  {tool:<8} median {secs:7.2f} s over {len(runs)} run(s); peak {peak:6.0f} MiB; "
            f"CPU {cpu:.2f} s (moto server {server:.2f} s); "
            f"names looked up / connections outside loopback: {outside}"
        )
    if "prowler" in medians:
        ratio = medians["prowler"][0] / medians["fnguard"][0]
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        ours, theirs = medians["fnguard"][1], medians["prowler"][1]
        print(
            f"  speed: fnguard {ratio:.1f}x faster (target {TARGET_RATIO:.0f}x: {verdict}); "
            f"memory: fnguard {ours:.0f} vs Prowler {theirs:.0f} MiB"
        )
        pairs = zip(results["fnguard"][0], results["prowler"][0], strict=False)
        each = ", ".join(f"{p.seconds / f.seconds:.1f}x" for f, p in pairs)
        print(f"  run by run (each Prowler run / the fnguard run before it): {each}")
    header = "planted category                  planted   fnguard found / false"
    print(f"\n  {header}   prowler found / false")
    for category in CATEGORIES:
        cells = []
        for tool in ("fnguard", "prowler"):
            if tool not in results:
                cells.append("-")
                continue
            score = results[tool][1][category]
            cells.append("no check" if score is None else f"{score[0]:>5} / {score[1]:<5}")
        print(f"  {category:<33} {planted.count(category):>7}   {cells[0]:>21}   {cells[1]:>21}")


if __name__ == "__main__":
    raise SystemExit(main())
