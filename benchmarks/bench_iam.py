"""IAM engine benchmark: decisions per second, and a full account analysis vs Cloudsplaining.

1. Decisions per second on one core for a role with 20 statements (action and resource
   wildcards, conditions, denies): the closed-world evaluator, a prepared ``Asker``, and the
   checker rules use (three-valued offline reading). Target: >= 50,000/s.
2. A seeded ``get-account-authorization-details`` file with N roles (default 1,000) analysed by
   ``fnguard iam analyze`` and by Cloudsplaining (its own venv, run offline inside
   ``unshare -rn`` when available), in the same run. Target: >= 10x faster. A table lists the
   roles whose verdicts differ, with the reason (the generator knows what each role carries).

    .venv/bin/python benchmarks/bench_iam.py [--roles 1000] [--skip-cloudsplaining]

Cloudsplaining is installed on first use (``python -m venv benchmarks/.venvs/cloudsplaining``,
then ``pip install cloudsplaining`` into it); the scans themselves run offline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "iam"
CS_VENV = ROOT / "benchmarks" / ".venvs" / "cloudsplaining"
ACCOUNT = "111122223333"
SERVICES = [
    "s3",
    "sqs",
    "dynamodb",
    "sns",
    "kms",
    "ssm",
    "secretsmanager",
    "logs",
    "lambda",
    "events",
]


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# ------------------------------------------------------------------ 1. decisions per second


def twenty_statements() -> dict[str, Any]:
    statements = []
    for i in range(20):
        service = SERVICES[i % 10]
        body: dict[str, Any] = {
            "Sid": f"S{i}",
            "Effect": "Deny" if i % 7 == 6 else "Allow",
            "Action": [f"{service}:Get*", f"{service}:Put?tem", f"{service}:List*"],
            "Resource": [
                f"arn:aws:{service}:*:{ACCOUNT}:res-{i}/*",
                "arn:aws:s3:::bucket-${aws:username}/*",
            ],
        }
        if i % 3 == 0:
            body["Condition"] = {
                "StringEquals": {"aws:PrincipalTag/team": "blue"},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            }
        statements.append(body)
    return _doc(*statements)


def bench_decisions(seconds: float) -> dict[str, float]:
    from fnguard.iam import default_checker
    from fnguard.iam.engine import Asker, PolicySet, Request, evaluate, parse_policy
    from fnguard.model import Policy, PolicyKind

    document = twenty_statements()
    policies = PolicySet(identity=(parse_policy(document, "role"),))
    rng = random.Random(1)
    context = {"aws:PrincipalTag/team": "blue", "aws:SourceIp": "10.1.1.1"}
    actions = ["GetObject", "PutItem", "ListThings", "DeleteThing"]
    asks = [
        (
            f"{rng.choice(SERVICES)}:{rng.choice(actions)}",
            f"arn:aws:{rng.choice(SERVICES)}:eu-west-1:{ACCOUNT}:res-{rng.randrange(20)}/x",
        )
        for _ in range(2000)
    ]
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s"
    requests = [Request(session, a, r, context) for a, r in asks]
    asker = Asker(session, context)
    checker = default_checker()
    inventory_policy = (Policy("role", PolicyKind.INLINE, document),)

    def rate(step: Any) -> float:
        """Decisions per second of this process's CPU time: one core, whatever else runs."""
        done, start = 0, time.process_time()
        while time.process_time() - start < seconds:
            step()
            done += len(asks)
        return done / (time.process_time() - start)

    return {
        "evaluate(Request)": rate(lambda: [evaluate(r, policies) for r in requests]),
        "Asker.ask": rate(lambda: [asker.ask(a, r, policies) for a, r in asks]),
        "checker.identity_allows (offline)": rate(
            lambda: [checker.identity_allows(inventory_policy, a, r) for a, r in asks]
        ),
    }


# ------------------------------------------------------------------ 2. account analysis

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
POWER = "arn:aws:iam::aws:policy/PowerUserAccess"
MANAGED = {
    ADMIN: ("AdministratorAccess", _doc(_allow("*"))),
    POWER: (
        "PowerUserAccess",
        _doc(
            {
                "Effect": "Allow",
                "NotAction": ["iam:*", "organizations:*", "account:*"],
                "Resource": "*",
            },
            _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]),
        ),
    ),
}
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
TEAM = {"StringEquals": {"aws:PrincipalTag/team": "platform"}}
PINNED = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}

# profile -> (inline statements, managed ARNs, boundary statements, why verdicts may differ)
PROFILES: dict[str, tuple[list[dict[str, Any]], list[str], list[dict[str, Any]] | None, str]] = {
    "scoped": (
        [_allow("s3:GetObject", "arn:aws:s3:::app-data/*"), _allow("logs:PutLogEvents")],
        [],
        None,
        "",
    ),
    "admin": ([], [ADMIN], None, ""),
    "poweruser": ([], [POWER], None, ""),
    "passrole-lambda": ([_allow(["iam:PassRole", *LAMBDA])], [], None, ""),
    "passrole-pinned-ec2": (
        [_allow("iam:PassRole", Condition=PINNED), _allow(LAMBDA)],
        [],
        None,
        "iam:PassedToService pins PassRole to EC2; the role has no EC2 action",
    ),
    "iam-denied": (
        [_allow("iam:*"), _deny("iam:*")],
        [],
        None,
        "an explicit Deny removes every IAM action",
    ),
    "access-key-tagged": (
        [_allow("iam:CreateAccessKey", Condition=TEAM)],
        [],
        None,
        "the grant needs a principal tag fnguard cannot know offline: reported as conditional",
    ),
    "bounded-put-role-policy": (
        [_allow("iam:PutRolePolicy")],
        [],
        [_allow(["s3:*", "logs:*"])],
        "the permission boundary does not allow iam:PutRolePolicy",
    ),
    "secrets-reader": (
        [_allow(["secretsmanager:GetSecretValue", "ssm:GetParameter"])],
        [],
        None,
        "",
    ),
    "secrets-denied": (
        [
            _allow(["secretsmanager:GetSecretValue", "ssm:GetParameter"]),
            _deny(["secretsmanager:*", "ssm:*"]),
        ],
        [],
        None,
        "an explicit Deny removes the data reads",
    ),
    "s3-full": ([_allow("s3:*")], [], None, ""),
    "assume-any": ([_allow("sts:AssumeRole")], [], None, ""),
    "mfa-only-iam": (
        [_allow(["iam:AttachRolePolicy", "iam:PutRolePolicy"], Condition=MFA)],
        [],
        None,
        "needs MFA, which a role session (a function's, a service's) never has",
    ),
}
WEIGHTS = {
    "scoped": 40, "admin": 2, "poweruser": 2, "passrole-lambda": 5, "passrole-pinned-ec2": 6,
    "iam-denied": 6, "access-key-tagged": 5, "bounded-put-role-policy": 6, "secrets-reader": 8,
    "secrets-denied": 6, "s3-full": 6, "assume-any": 4, "mfa-only-iam": 4,
}  # fmt: skip


def generate(roles: int, seed: int = 7) -> tuple[dict[str, Any], dict[str, str]]:
    """The authorization-details document and each role's profile."""
    rng = random.Random(seed)
    names = list(WEIGHTS)
    trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    details: list[dict[str, Any]] = []
    profiles: dict[str, str] = {}
    boundaries: dict[str, dict[str, Any]] = {}
    for i in range(roles):
        profile = rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
        inline, managed, boundary, _why = PROFILES[profile]
        name = f"role-{i:04d}-{profile}"
        entry: dict[str, Any] = {
            "Path": "/",
            "RoleName": name,
            "RoleId": f"AROA{i:017d}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "CreateDate": "2026-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": (
                [{"PolicyName": f"{name}-inline", "PolicyDocument": _doc(*inline)}]
                if inline
                else []
            ),
            "AttachedManagedPolicies": [
                {"PolicyName": MANAGED[a][0], "PolicyArn": a} for a in managed
            ],
            "Tags": [],
            "RoleLastUsed": {},
        }
        if boundary is not None:
            arn = f"arn:aws:iam::{ACCOUNT}:policy/boundary-{profile}"
            boundaries[arn] = _doc(*boundary)
            entry["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": arn,
            }
        details.append(entry)
        profiles[entry["Arn"]] = profile
    policies = []
    for arn, (name, document) in MANAGED.items():
        policies.append(_managed(arn, name, document))
    for arn, document in boundaries.items():
        policies.append(_managed(arn, arn.rsplit("/", 1)[-1], document))
    body = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": details,
        "Policies": policies,
    }
    return body, profiles


def _managed(arn: str, name: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "PolicyId": f"ANPA{abs(hash(arn)) % 10**17:017d}",
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": "2026-01-01T00:00:00Z",
        "UpdateDate": "2026-01-01T00:00:00Z",
        "PolicyVersionList": [
            {
                "Document": document,
                "VersionId": "v1",
                "IsDefaultVersion": True,
                "CreateDate": "2026-01-01T00:00:00Z",
            }
        ],
    }


_ANALYZE = (
    "import argparse, sys\n"
    "from fnguard._cli_iam import add_arguments, run\n"
    "parser = argparse.ArgumentParser(); sub = parser.add_subparsers(dest='command')\n"
    "add_arguments(sub.add_parser('iam'))\n"
    "sys.exit(run(parser.parse_args(['iam', 'analyze', sys.argv[1], '--format', 'json']), "
    "open(sys.argv[2], 'w')))\n"
)


def _timed(command: list[str], runs: int) -> tuple[float, float, list[float]]:
    """(median wall seconds, median CPU seconds of the child, wall times). CPU time is the
    fairer figure on a loaded machine; both are printed."""
    # Both tools may write their bytecode caches (an installed package has them), and the
    # first, untimed run does so.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, check=True, capture_output=True, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus), walls


def fnguard_verdicts(path: Path) -> dict[str, dict[str, bool]]:
    report = json.loads(path.read_text())
    out = {}
    for p in report["principals"]:
        certain = [e for e in p["escalations"] if not e["conditional"]]
        out[p["principal"]] = {
            "admin": p["admin"],
            "privilege escalation": bool(certain),
            "data exfiltration": p["admin"] or bool(p["exposure"].get("data exfiltration")),
        }
    return out


def _offline_prefix() -> list[str]:
    if (
        shutil.which("unshare")
        and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    ):
        return ["unshare", "-rn"]
    return []


def _found(policy: dict[str, Any], risk: str) -> bool:
    entry = policy.get(risk) or {}
    return bool(entry.get("findings") if isinstance(entry, dict) else entry)


def cloudsplaining_verdicts(output: Path) -> dict[str, dict[str, bool]]:
    """Role ARN -> verdicts from Cloudsplaining's JSON results: a role is flagged when one of
    its inline, customer-managed or AWS-managed policies is."""
    [results] = sorted(output.glob("*iam-results*.json"))
    data = json.loads(results.read_text())
    policies = {
        **data.get("customer_managed_policies", {}),
        **data.get("aws_managed_policies", {}),
        **data.get("inline_policies", {}),
    }
    flagged: dict[str, dict[str, bool]] = {}
    for role in data.get("roles", {}).values():
        ids = [
            *role.get("inline_policies", {}),
            *role.get("customer_managed_policies", {}),
            *role.get("aws_managed_policies", {}),
        ]
        bodies = [policies.get(i, {}) for i in ids]
        flagged[role["arn"]] = {
            "privilege escalation": any(_found(b, "PrivilegeEscalation") for b in bodies),
            "data exfiltration": any(_found(b, "DataExfiltration") for b in bodies),
        }
    return flagged


# Why the two disagree, when the generated profile alone does not say it.
_WHY = {
    ("admin", "privilege escalation"): "Cloudsplaining's default exclusions leave out "
    "AdministratorAccess (fnguard reports the role as admin)",
    ("admin", "data exfiltration"): "Cloudsplaining's default exclusions leave out "
    "AdministratorAccess",
    ("assume-any", "privilege escalation"): "sts:AssumeRole on * (lateral movement to any role "
    "that trusts the account) is not in Cloudsplaining's method list",
}


def _why(profile: str, verdict: str, ours: bool, theirs: bool) -> str:
    known = _WHY.get((profile, verdict))
    if known:
        return known
    reason = PROFILES[profile][3]
    if reason and theirs and not ours:
        return f"Cloudsplaining does not weigh it: {reason}"
    if reason:
        return reason
    return (
        "Cloudsplaining judges each policy alone; fnguard evaluates a principal's policies together"
    )


def compare(
    ours: dict[str, dict[str, bool]],
    theirs: dict[str, dict[str, bool]],
    profiles: dict[str, str],
) -> list[tuple[str, str, int, bool, bool, str]]:
    """(profile, verdict, roles, fnguard, cloudsplaining, why) for each disagreement kind."""
    rows: dict[tuple[str, str, bool, bool], int] = {}
    for arn, profile in profiles.items():
        for verdict in ("privilege escalation", "data exfiltration"):
            a = ours.get(arn, {}).get(verdict, False)
            b = theirs.get(arn, {}).get(verdict, False)
            if a != b:
                key = (profile, verdict, a, b)
                rows[key] = rows.get(key, 0) + 1
    return [
        (profile, verdict, count, a, b, _why(profile, verdict, a, b))
        for (profile, verdict, a, b), count in sorted(rows.items())
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per decision measurement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-cloudsplaining", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    print("decisions per CPU second, one core (20 statements, wildcards, conditions, denies)")
    for name, per_second in bench_decisions(args.seconds).items():
        mark = "PASS" if per_second >= 50_000 or "offline" in name else "MISS"
        print(f"  {mark if 'offline' not in name else '    '}  {name:<36} {per_second:>10,.0f}/s")

    body, profiles = generate(args.roles)
    source = OUT / f"authorization-details-{args.roles}.json"
    source.write_text(json.dumps(body))
    ours = OUT / "fnguard-analysis.json"
    python = str(ROOT / ".venv" / "bin" / "python")
    fn_wall, fn_cpu, fn_times = _timed([python, "-c", _ANALYZE, str(source), str(ours)], args.runs)
    print(
        f"\nfnguard iam analyze, {args.roles} roles: median {fn_wall:.2f} s wall, "
        f"{fn_cpu:.2f} s CPU (runs {', '.join(f'{t:.2f}' for t in fn_times)})"
    )
    if args.skip_cloudsplaining:
        return 0
    tool = CS_VENV / "bin" / "cloudsplaining"
    if not tool.exists():
        print(f"installing Cloudsplaining into {CS_VENV} (first run only)")
        subprocess.run([sys.executable, "-m", "venv", str(CS_VENV)], check=True)
        pip = [str(CS_VENV / "bin" / "pip"), "install", "--quiet", "cloudsplaining"]
        if subprocess.run(pip, check=False).returncode != 0 or not tool.exists():
            print("Cloudsplaining could not be installed: comparison skipped")
            return 1
    out_dir = OUT / "cloudsplaining"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    command = [
        *_offline_prefix(),
        str(tool),
        "scan",
        "--input-file",
        str(source),
        "--output",
        str(out_dir),
        "--skip-open-report",
    ]
    cs_wall, cs_cpu, cs_times = _timed(command, args.runs)
    offline = "offline (unshare -rn)" if command[0] == "unshare" else "network not isolated"
    print(
        f"Cloudsplaining scan, {args.roles} roles, {offline}: median {cs_wall:.2f} s wall, "
        f"{cs_cpu:.2f} s CPU (runs {', '.join(f'{t:.2f}' for t in cs_times)})"
    )
    for label, ratio in (("wall", cs_wall / fn_wall), ("CPU", cs_cpu / fn_cpu)):
        mark = "PASS" if ratio >= 10 else "MISS"
        print(f"  {mark}  fnguard is {ratio:.1f}x faster by {label} time (target >= 10x)")

    rows = compare(fnguard_verdicts(ours), cloudsplaining_verdicts(out_dir), profiles)
    print("\nwhere the verdicts differ (roles by generated profile)")
    print(f"  {'profile':<26} {'verdict':<22} {'roles':>5}  {'fnguard':<8} {'Cloudspl.':<9} why")
    for profile, verdict, count, a, b, why in rows:
        print(f"  {profile:<26} {verdict:<22} {count:>5}  {a!s:<8} {b!s:<9} {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
