"""The command line: the only place that reads argv, prints, and chooses exit codes.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 bad usage,
invalid configuration, or input that could not be read (the report still lists what was
found elsewhere, and every unreadable source as a gap).

Start-up is kept lean: ``--version`` and argument errors import nothing heavy; the scanner,
rules and reporters are imported only by the commands that use them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import importlib
import os
import re
import sys
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from fnguard import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from fnguard.baseline import Baseline
    from fnguard.collect import Enricher
    from fnguard.config import Config
    from fnguard.iam import PermissionChecker
    from fnguard.model import Finding, Inventory
    from fnguard.result import ScanResult
    from fnguard.rules import Rule
    from fnguard.scan import ScanRequest

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SEVERITIES = ("critical", "high", "medium", "low", "info", "none")
_EXTENSIONS = {".json": "json", ".sarif": "sarif", ".xml": "junit", ".txt": "text"}
_PROGRESS_MIN_FILES = 20

# Set by ``run``: results parked here stay alive until ``os._exit``, so the whole inventory is
# not freed object by object on the way out (~15 ms after 1,000 functions). ``main`` called
# as a library (tests, embedding) leaves it None and frees as usual.
_parked: list[object] | None = None
_RULE_ID = re.compile(r"^[A-Z]{3}(\d{3})?$")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every usage error is one line + exit 2."""

    def error(self, message: str) -> NoReturn:
        from fnguard.errors import UsageError

        raise UsageError(f"{self.prog}: {message}")


def _build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` (the command about to run) the other commands
    are listed bare. Only the command that runs needs its options: building them all, and
    importing the plugged commands' modules for theirs, cost a scan ~8 ms at every start.
    Help and errors that list the commands come from a parser built without ``only``."""
    formatter = functools.partial(argparse.HelpFormatter, width=_help_width())
    parser = _Parser(
        prog="fnguard",
        description="Find what is really wrong with serverless functions, and how to fix it.",
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    # (with ``only``, the other commands need no parser: the command line names ``only``)
    for name, (help_text, add_arguments) in _BUILT_IN.items():
        if only is None or only == name:
            add_arguments(sub.add_parser(name, help=help_text, formatter_class=formatter))
    for name, module_name in _PLUGGED.items():
        if only is None or only == name:
            module = importlib.import_module(module_name)
            module.add_arguments(
                sub.add_parser(
                    name, help=module.HELP, description=module.HELP, formatter_class=formatter
                )
            )
    return parser


def _help_width() -> int:
    """The width argparse gives help by default: ``shutil.get_terminal_size``'s columns
    (``$COLUMNS``, else the terminal's, else 80) less 2. Asked once here: argparse asks for
    each option it adds, and importing shutil to answer cost a scan ~3 ms at every start."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def _add_scan_arguments(scan: argparse.ArgumentParser) -> None:
    _add_scan_options(scan)
    scan.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("text", "json", "sarif", "junit"),
        help="report format; repeat for several (pair each with an --output)",
    )
    scan.add_argument(
        "--output",
        dest="outputs",
        action="append",
        metavar="FILE",
        help="where the matching --format goes ('-' for stdout); the format is inferred "
        "from .json/.sarif/.xml/.txt when --format is not given",
    )
    scan.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        help="lowest severity that makes the exit code 1 (default: high; 'none' never fails)",
    )
    scan.add_argument("--baseline", type=Path, help="report only findings not in this baseline")
    scan.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in the text report (default: when stdout is a terminal)",
    )
    scan.add_argument("--no-progress", action="store_true", help="never draw a progress bar")


def _add_baseline_arguments(base: argparse.ArgumentParser) -> None:
    _add_scan_options(base)
    base.add_argument(
        "--output",
        type=Path,
        default=Path("fnguard-baseline.json"),
        help="baseline file to write (default: fnguard-baseline.json)",
    )


def _add_rules_arguments(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def _add_explain_arguments(explain: argparse.ArgumentParser) -> None:
    explain.add_argument("rule", metavar="RULE", help="rule ID, e.g. IAM001")


# The built-in commands, in the order help lists them: their help and their options.
_BUILT_IN: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "scan": (
        "scan IaC (Terraform, CloudFormation/SAM, serverless.yml), packages and handler "
        "code, or a live AWS account (`scan aws`)",
        _add_scan_arguments,
    ),
    "baseline": ("write the current findings to a baseline file", _add_baseline_arguments),
    "rules": ("list the rule catalog", _add_rules_arguments),
    "explain": ("explain one rule and how to fix it", _add_explain_arguments),
}


def _add_scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; a first PATH written exactly `aws` or `gcp` scans the live "
        "AWS account / Google Cloud projects (write ./aws for a folder named aws)",
    )
    parser.add_argument(
        "--config", type=Path, help="fnguard.toml or pyproject.toml (default: found upwards)"
    )
    parser.add_argument("--select", help="comma-separated rule IDs or prefixes to run")
    parser.add_argument("--ignore", help="comma-separated rule IDs or prefixes to skip")
    parser.add_argument(
        "--limit",
        dest="limits",
        action="append",
        metavar="NAME=VALUE",
        help="raise or lower a bound on hostile input, e.g. max-file-bytes=200MB "
        "(see fnguard.toml [limits])",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="cache folder for OSV answers and live scans "
        "(default: $FNGUARD_CACHE_DIR, else $XDG_CACHE_HOME/fnguard)",
    )
    gcp = parser.add_argument_group("live Google Cloud (fnguard scan gcp)")
    gcp.add_argument(
        "--project",
        dest="projects",
        action="append",
        metavar="ID",
        help="project to read; repeat for several (default: the credentials' project)",
    )
    gcp.add_argument(
        "--organization", metavar="ID", help="every active project of the organisation"
    )
    pkg = parser.add_argument_group("packages and code")
    pkg.add_argument(
        "--artifact",
        dest="artifacts",
        action="append",
        metavar="[FUNCTION=]PATH",
        help="a built package (zip, folder or image archive): FUNCTION=PATH checks it as that "
        "function's code (PKG003 compares it with the recorded hash); a bare PATH is scanned "
        "as a function of its own (see --function-arch, --runtime)",
    )
    pkg.add_argument(
        "--function-arch",
        choices=("x86_64", "arm64"),
        help="architecture of a bare --artifact (default: unknown, PKG001 says so)",
    )
    pkg.add_argument("--runtime", help="runtime of a bare --artifact, e.g. python3.12")
    pkg.add_argument(
        "--osv",
        choices=("online", "offline", "off"),
        help="where PKG007 looks up advisories: the public OSV API with an on-disk cache "
        "(online, the default), an OSV export given with --osv-db (offline), or nowhere (off)",
    )
    pkg.add_argument(
        "--osv-db",
        type=Path,
        metavar="PATH",
        help="an OSV export (folder or zip of OSV JSON, e.g. PyPI/all.zip); implies --osv offline",
    )
    live = parser.add_argument_group("live AWS (fnguard scan aws)")
    live.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    live.add_argument(
        "--region",
        dest="regions",
        action="append",
        metavar="REGION",
        help="region to read; repeat for several, or `all` for every enabled region "
        "(default: the profile's region)",
    )
    live.add_argument("--role-arn", help="assume this role first")
    live.add_argument("--external-id", help="external id for --role-arn")
    live.add_argument(
        "--org",
        action="store_true",
        help="every account of the organisation (needs --org-role-name)",
    )
    live.add_argument("--org-role-name", help="role to assume in each account of the organisation")
    live.add_argument(
        "--endpoint-url",
        help="AWS-compatible endpoint (default: $AWS_ENDPOINT_URL, else AWS); with `scan gcp`, "
        "the base URL of every Google API (emulators, tests)",
    )
    live.add_argument(
        "--download-code",
        action="store_true",
        help="fetch each function's package and layers (cached by CodeSha256) and analyse them",
    )
    live.add_argument(
        "--code-max-mb",
        type=_positive_int,
        metavar="MB",
        help="largest package --download-code fetches (default: 512)",
    )
    live.add_argument(
        "--code-timeout",
        type=_positive_int,
        metavar="SECONDS",
        help="time budget per package download (default: 120)",
    )
    live.add_argument(
        "--incremental",
        action="store_true",
        help="reuse per-function answers from earlier scans for functions whose RevisionId, "
        "LastModified and CodeSha256 are unchanged (entries expire after a day)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


_LIVE_OPTIONS = (
    "profile",
    "regions",
    "role_arn",
    "external_id",
    "org",
    "org_role_name",
    "endpoint_url",
    "download_code",
    "code_max_mb",
    "code_timeout",
    "incremental",
)


_GCP_OPTIONS = ("projects", "organization")


def _split_sources(args: argparse.Namespace) -> None:
    """``args.live`` when the first PATH is exactly ``aws``; ``args.paths`` become Paths."""
    from fnguard.errors import UsageError

    raw: list[str] = list(args.paths)
    if not raw and not args.artifacts:
        raise UsageError("nothing to scan: give PATHs, `aws`, `gcp`, or --artifact PATH")
    args.cloud = raw[0] if raw and raw[0] in ("aws", "gcp") else None
    args.live = args.cloud is not None
    args.paths = [Path(p) for p in (raw[1:] if args.live else raw)]
    for cloud, options in (("aws", _LIVE_OPTIONS), ("gcp", _GCP_OPTIONS)):
        given = [o for o in options if getattr(args, o, None)]
        shared = args.cloud == "gcp" and given == ["endpoint_url"]  # both clouds take it
        if given and args.cloud != cloud and not shared:
            flag = "--" + given[0].replace("_", "-").removesuffix("s")
            raise UsageError(f"{flag} applies to `fnguard scan {cloud}` only")
    if (args.code_max_mb or args.code_timeout) and not args.download_code:
        raise UsageError("--code-max-mb and --code-timeout go with --download-code")
    if args.external_id and not args.role_arn:
        raise UsageError("--external-id needs --role-arn")
    if args.org != bool(args.org_role_name):
        raise UsageError("--org and --org-role-name go together")


# --------------------------------------------------------------------------- commands


def _load_config(args: argparse.Namespace) -> Config:
    from dataclasses import replace

    from fnguard.config import (
        Config,
        apply_limit_overrides,
        find_config,
        load_config,
        parse_fail_on,
    )
    from fnguard.errors import UsageError

    path = args.config
    if path is not None and not path.is_file():
        raise UsageError(f"--config {path}: no such file")
    if path is None:
        start = args.paths[0].resolve() if args.paths else Path.cwd()
        path = find_config(start) or find_config(Path.cwd())
    config = load_config(path) if path else Config()

    def rule_ids(text: str | None, flag: str) -> tuple[str, ...] | None:
        if text is None:
            return None
        values = tuple(v.strip().upper() for v in text.split(",") if v.strip())
        for value in values:
            if not _RULE_ID.match(value):
                raise UsageError(f"{flag}: expected rule IDs or prefixes like IAM001,EXP")
        return values

    select = rule_ids(args.select, "--select")
    ignore = rule_ids(args.ignore, "--ignore")
    if select is not None:
        config = replace(config, select=select)
    if ignore is not None:
        config = replace(config, ignore=config.ignore + ignore)
    fail_on = getattr(args, "fail_on", None)
    if fail_on is not None:
        config = replace(config, fail_on=parse_fail_on(fail_on))
    if args.limits:
        config = apply_limit_overrides(config, args.limits)
    return config


def _check_paths(paths: Sequence[Path]) -> None:
    from fnguard.errors import UsageError

    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")


def _run_scan(
    args: argparse.Namespace,
    *,
    show_progress: bool,
    prime: Callable[[Finding], None] | None = None,
) -> tuple[ScanResult, Config]:
    from dataclasses import replace

    from fnguard import _fork
    from fnguard.collect import default_collectors
    from fnguard.scan import ScanRequest, scan

    _split_sources(args)
    _check_paths(args.paths)
    config = _load_config(args)
    baseline_path = getattr(args, "baseline", None)
    if args.cloud == "aws":
        _require_boto3()
    artifacts, bare = _artifacts(args)
    if bare is not None and not args.paths and not args.live and args.select is None:
        # Only an artifact: its made-up function has no infrastructure worth judging.
        config = replace(config, select=_ARTIFACT_RULES)
    request = ScanRequest(
        targets=tuple(args.paths),
        config=config,
        collectors=default_collectors(),
        rules=_all_rules,
        permissions=_default_checker,
        baseline=_load_baseline(baseline_path) if baseline_path else None,
        inventory=bare,
        enrichers=_enrichers(args),
        artifacts=artifacts,
        prime=prime,
    )
    # Rules, the IAM evaluator and the package and code stages load while a forked collector
    # works, or after collection.
    for load in (_all_rules, _default_checker, _preload_iam, request.enrichers):
        if callable(load):
            _fork.while_forked(load)
    if not args.live:
        if not show_progress:
            return scan(request), config
        from fnguard._progress import TerminalProgress

        with TerminalProgress(sys.stderr, min_total=_PROGRESS_MIN_FILES) as progress:
            return scan(request, progress), config
    if args.cloud == "gcp":
        return _scan_gcp(args, request, show_progress=show_progress), config
    return _scan_aws(args, request, show_progress=show_progress), config


def _load_baseline(path: Path) -> Baseline:
    from fnguard.baseline import Baseline  # only when asked for: it brings tempfile along

    return Baseline.load(path)


def _all_rules() -> tuple[Rule, ...]:
    # Imported here, not before the scan: with a forked collector it loads in the time the
    # collector's child is busy, not before the fork (so does the checker below).
    from fnguard.rules import all_rules

    return all_rules()


def _default_checker() -> PermissionChecker:
    from fnguard.iam import default_checker

    return default_checker()


def _preload_iam() -> None:
    # What the checker needs for any AWS role (~2 ms): loaded once here, before the rules'
    # fork, rather than by whichever rules process asks first (or by both).
    from fnguard.iam import preload

    preload()


# What a package alone can show (PKG001-PKG007, secrets and flaws in its code).
_ARTIFACT_RULES = (
    *(f"PKG00{i}" for i in range(1, 8)),
    "INJ",
    "SEC003",
    "SEC004",
    "SEC005",
    "RUN002",
)


def _artifacts(args: argparse.Namespace) -> tuple[dict[str, Path], Inventory | None]:
    """``--artifact FUNCTION=PATH`` overrides, and the bare ``--artifact PATH``s as functions."""
    from fnguard.errors import UsageError
    from fnguard.model import Inventory

    overrides: dict[str, Path] = {}
    bare: list[Inventory] = []
    for spec in args.artifacts or ():
        name, sep, raw = spec.partition("=")
        if sep and name and not Path(spec).exists():
            path = Path(raw)
            if not path.exists():
                raise UsageError(f"--artifact {spec}: {raw}: no such file or folder")
            overrides[name] = path
            continue
        path = Path(spec)
        if not path.exists():
            raise UsageError(f"--artifact {spec}: no such file or folder")
        from fnguard.collect.package import artifact_inventory

        bare.append(artifact_inventory(path, args.function_arch, args.runtime))
    if (args.function_arch or args.runtime) and not bare:
        raise UsageError("--function-arch and --runtime describe a bare --artifact PATH")
    return overrides, Inventory.combine(bare) if bare else None


def _enrichers(args: argparse.Namespace) -> Callable[[], tuple[Enricher, ...]]:
    """Packages, then their advisories, then handler code: each reads what the last found.

    The OSV choice is checked now (a usage error before any scanning); the stages are made,
    and their modules imported, when the scan reaches them."""
    from fnguard.errors import UsageError

    mode = args.osv or ("offline" if args.osv_db else "online")
    if args.osv_db and mode != "offline":
        raise UsageError("--osv-db is an offline OSV export: it goes with --osv offline")
    advisories: list[Enricher] = []
    if mode != "off":
        from fnguard.osv import AdvisoryEnricher

        advisories.append(AdvisoryEnricher(mode, args.osv_db, cache_dir=args.cache_dir))

    @functools.cache
    def stages() -> tuple[Enricher, ...]:
        from fnguard.code import CodeEnricher
        from fnguard.collect.package import PackageEnricher

        code = CodeEnricher()
        code.preload()  # made while a forked collector works (``_run_scan``): time to spare
        return (PackageEnricher(), *advisories, code)

    return stages


def _require_boto3() -> None:
    from importlib.util import find_spec

    from fnguard.errors import UsageError

    try:  # found, not imported: the live collector talks botocore, which boto3 brings
        missing = find_spec("botocore") is None
    except (ImportError, ValueError):
        missing = True
    if missing:
        raise UsageError("`fnguard scan aws` needs boto3: pip install 'fnguard[aws]'")


def _scan_aws(args: argparse.Namespace, request: ScanRequest, *, show_progress: bool) -> ScanResult:
    """Read the account(s), say what was read on stderr, then run the usual pipeline."""
    from dataclasses import replace

    from fnguard.collect.aws import (
        Access,
        AwsOptions,
        CodeSettings,
        LiveSettings,
        collect_aws,
        summary,
    )
    from fnguard.scan import scan

    cache_dir = str(args.cache_dir) if args.cache_dir else None
    code = None
    if args.download_code:
        code = CodeSettings(
            cache_dir=cache_dir,
            max_bytes=(args.code_max_mb or 512) * 1024 * 1024,
            timeout_s=float(args.code_timeout or 120),
        )
    options = AwsOptions(
        access=Access(
            profile=args.profile,
            role_arn=args.role_arn,
            external_id=args.external_id,
            endpoint_url=args.endpoint_url,
        ),
        regions=tuple(args.regions or ()),
        org_role_name=args.org_role_name if args.org else None,
        settings=LiveSettings(
            cache_dir=cache_dir,
            incremental=args.incremental,
            code=code,
            # a local build stands in for a function's code: every answer its rules may read
            every_answer=bool(args.artifacts),
        ),
    )
    if not show_progress:
        inventory = collect_aws(options)
        print(f"fnguard: {summary(inventory)}", file=sys.stderr)
        return scan(replace(request, inventory=_with_bare(inventory, request)))
    from fnguard._progress import TerminalProgress

    with TerminalProgress(sys.stderr, min_total=1) as progress:  # one bar step per unit
        inventory = collect_aws(options, progress)
    print(f"fnguard: {summary(inventory)}", file=sys.stderr)
    with TerminalProgress(sys.stderr, min_total=_PROGRESS_MIN_FILES) as progress:
        return scan(replace(request, inventory=_with_bare(inventory, request)), progress)


def _scan_gcp(args: argparse.Namespace, request: ScanRequest, *, show_progress: bool) -> ScanResult:
    """Read the project(s), say what was read on stderr, then run the usual pipeline."""
    from dataclasses import replace

    from fnguard.collect.gcp import GcpOptions, anonymous_credentials, collect_gcp, summary
    from fnguard.scan import scan

    # Application default credentials; an emulator or test double gets unsigned requests.
    credentials = anonymous_credentials() if args.endpoint_url else None
    options = GcpOptions(
        projects=tuple(args.projects or ()),
        organization=args.organization,
        endpoints={"*": args.endpoint_url} if args.endpoint_url else {},
        credentials=credentials,
    )
    if not show_progress:
        inventory = collect_gcp(options)
        print(f"fnguard: {summary(inventory)}", file=sys.stderr)
        return scan(replace(request, inventory=_with_bare(inventory, request)))
    from fnguard._progress import TerminalProgress

    with TerminalProgress(sys.stderr, min_total=1) as progress:
        inventory = collect_gcp(options, progress)
    print(f"fnguard: {summary(inventory)}", file=sys.stderr)
    with TerminalProgress(sys.stderr, min_total=_PROGRESS_MIN_FILES) as progress:
        return scan(replace(request, inventory=_with_bare(inventory, request)), progress)


def _with_bare(inventory: Inventory, request: ScanRequest) -> Inventory:
    return inventory.merge(request.inventory) if request.inventory else inventory


def _outputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Pair formats with destinations; at most one of them may go to stdout."""
    from fnguard.errors import UsageError

    formats: list[str] = list(args.formats or [])
    outputs: list[str] = list(args.outputs or [])
    if not formats:
        if not outputs:
            return [("text", "-")]
        for out in outputs:
            fmt = _EXTENSIONS.get(Path(out).suffix.lower())
            if fmt is None:
                raise UsageError(
                    f"--output {out}: cannot tell the format from the name; add --format"
                )
            formats.append(fmt)
    if len(outputs) > len(formats):
        raise UsageError("more --output than --format values")
    pairs: list[tuple[str, str]] = []
    for index, fmt in enumerate(formats):
        if index < len(outputs):
            dest = outputs[index]
        elif index == 0:
            dest = "-"
        else:
            raise UsageError(
                f"--format {fmt}: give it an --output (only one report can go to stdout)"
            )
        pairs.append((fmt, dest))
    if sum(1 for _, dest in pairs if dest == "-") > 1:
        raise UsageError("only one report can go to stdout; give the others an --output FILE")
    return pairs


def _say_osv(args: argparse.Namespace, result: ScanResult) -> None:
    """The one network use of a source scan is said out loud, with the way to avoid it."""
    if (args.osv or ("offline" if args.osv_db else "online")) != "online":
        return
    count = len({d for p in result.inventory.packages for d in p.dependencies})
    if count:
        print(
            f"fnguard: asked the public OSV database (api.osv.dev) about {count} dependencies; "
            "--osv offline --osv-db PATH or --osv off keeps a scan off the network",
            file=sys.stderr,
        )


def _cmd_scan(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard.report import Reporter, get_reporter

    pairs = _outputs(args)
    to_terminal = stdout.isatty()
    show_progress = not args.no_progress and sys.stderr.isatty()
    reporters = [
        (
            get_reporter(
                fmt,
                color=args.color == "always"
                or (args.color == "auto" and dest == "-" and to_terminal),
            ),
            dest,
        )
        for fmt, dest in pairs
    ]

    primers = [r.prime for r, _ in reporters if type(r).prime is not Reporter.prime]

    def prime(finding: Finding) -> None:
        for primer in primers:
            primer(finding)

    # one reporter's own method when it is the only one (a call less per finding)
    primed = primers[0] if len(primers) == 1 else prime if primers else None
    result, config = _run_scan(args, show_progress=show_progress, prime=primed)
    _say_osv(args, result)
    for reporter, dest in reporters:
        chunks = reporter.chunks(result)
        if dest == "-":
            # A reader that stops early (``fnguard scan | head``) changes nothing about what
            # the scan found: the exit code still says it.
            with contextlib.suppress(BrokenPipeError):
                _emit(chunks, stdout)
        else:
            _write(Path(dest), chunks)
    if _parked is not None:
        _parked.append(result)
    return _exit_code(result, config)


def _exit_code(result: ScanResult, config: Config) -> int:
    unreadable = any(g.field == "file" for g in result.inventory.gaps)
    if unreadable:
        for gap in result.inventory.gaps:
            if gap.field == "file":
                print(f"fnguard: {gap.location}: {gap.reason}", file=sys.stderr)
        return EXIT_ERROR
    if config.fail_on is not None and result.fails_at(config.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def _write(path: Path, chunks: Sequence[str]) -> None:
    from fnguard.errors import UsageError

    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", buffering=_SLICE) as out:
            _emit(chunks, out)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write report ({exc.strerror or exc})") from None


#: the most of a report handed to one ``write``: a larger string would be encoded into a
#: buffer that big, mapped and page-faulted in afresh (~15 ms per 10 MB here)
_SLICE = 1 << 20
#: small pieces are joined up to this size before a ``write``: one system call per batch
#: instead of one per 8 KiB of a default-buffered stdout, and a batch small enough to reuse
#: the heap's memory
_BATCH = 1 << 16


def _emit(chunks: Sequence[str], out: TextIO) -> None:
    """Write a report's pieces in order: small ones in batches, a long one in slices.

    A batch ends with the piece that brings it to ``_BATCH`` characters; where each ends is
    found on the running total of lengths (``accumulate``, ``bisect``: loops in C), not by a
    Python step per piece: a JSON report of 6,917 findings is ~47,000 pieces (~5 ms a step
    each). A piece past ``_SLICE`` goes alone, in slices."""
    ends = list(accumulate(map(len, chunks)))
    count = len(ends)
    start = 0
    while start < count:
        floor = ends[start - 1] if start else 0
        stop = min(bisect_left(ends, floor + _BATCH, start) + 1, count)
        if ends[stop - 1] - floor > _SLICE:
            if stop - start > 1:
                stop -= 1  # the long piece that ends this batch goes alone, next
            else:
                piece = chunks[start]
                out.writelines(piece[i : i + _SLICE] for i in range(0, len(piece), _SLICE))
                start = stop
                continue
        out.write("".join(chunks[start:stop]))
        start = stop


def _cmd_baseline(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard.baseline import Baseline
    from fnguard.errors import UsageError

    result, _ = _run_scan(args, show_progress=sys.stderr.isatty())
    try:
        Baseline.write(args.output, result.failures)  # atomically: never half a baseline
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write ({exc.strerror})") from None
    stdout.write(f"wrote {len(result.failures)} findings to {args.output}\n")
    return EXIT_ERROR if any(g.field == "file" for g in result.inventory.gaps) else EXIT_OK


def _cmd_rules(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard._catalog import render_catalog
    from fnguard.rules import all_rules

    rules: tuple[Rule, ...] = all_rules()
    stdout.write(render_catalog(rules, args.format, color=stdout.isatty()))
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace, stdout: TextIO) -> int:
    from fnguard._catalog import render_explanation
    from fnguard.errors import UsageError
    from fnguard.rules import PACKS, get_rule

    rule_id = args.rule.strip().upper()
    if rule_id[:3] not in PACKS:
        raise UsageError(f"unknown rule {args.rule!r}; `fnguard rules` lists them")
    from fnguard.errors import RuleError

    try:
        rule = get_rule(rule_id)
    except RuleError:
        raise UsageError(f"unknown rule {args.rule!r}; `fnguard rules` lists them") from None
    stdout.write(render_explanation(rule, color=stdout.isatty()))
    return EXIT_OK


# Commands with their own module (kept light at import: heavy imports go inside ``run``).
# Each module exposes HELP: str, add_arguments(parser) and run(args, stdout) -> int, and
# raises fnguard.errors types for bad input like every other command.
_PLUGGED: dict[str, str] = {
    "hash": "fnguard._cli_hash",
    "policy": "fnguard._cli_policy",
    "guard-policy": "fnguard._cli_guard",
    "iam": "fnguard._cli_iam",
}

_COMMANDS = {
    "scan": _cmd_scan,
    "baseline": _cmd_baseline,
    "rules": _cmd_rules,
    "explain": _cmd_explain,
}


def run() -> NoReturn:
    """The console script: ``main`` in a process of its own.

    A scan builds hundreds of thousands of long-lived objects and few cycles: with Python's
    default thresholds the cyclic collector ran often enough to cost ~10% of a 1,000-function
    scan, and even at 50,000 allocations each process of such a scan still paid one young
    collection (7-13 ms of CPU, over indexes of the whole inventory) that found nothing. Young
    collections wait for 500,000 allocations here: none in a 1,000-function scan, whose
    cyclic garbage is 1,000-34,000 objects in all (measured on the benchmark corpora).
    Freeing the objects one by one at interpreter exit costs ~50 ms more and helps nobody:
    fnguard registers no exit handlers and leaves no threads, so it leaves with ``os._exit``.
    """
    global _parked  # the one process-wide switch, set once by the script
    gc.set_threshold(500_000, 20, 100)
    _parked = []
    code = main()
    from fnguard import _dataclass_code, _regex_code

    _dataclass_code.save()
    _regex_code.save()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (``fnguard scan | head``): not an error
        pass
    except OSError:
        code = code or EXIT_ERROR
    os._exit(code)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = stdout or sys.stdout
    if args_list in (["--version"], ["-V"]):
        out.write(f"fnguard {__version__}\n")
        return EXIT_OK
    from fnguard import _dataclass_code, _regex_code
    from fnguard.errors import FnguardError

    _dataclass_code.install()
    _regex_code.install()

    try:
        command = args_list[0] if args_list else None
        known = command in _BUILT_IN or command in _PLUGGED
        args = _build_parser(command if known else None).parse_args(args_list)
        if args.version:
            out.write(f"fnguard {__version__}\n")
            return EXIT_OK
        if args.command is None:
            _build_parser().print_help(out)
            return EXIT_ERROR
        if args.command in _PLUGGED:
            run: Callable[[argparse.Namespace, TextIO], int]
            run = importlib.import_module(_PLUGGED[args.command]).run
            return run(args, out)
        return _COMMANDS[args.command](args, out)
    except FnguardError as exc:
        print(f"fnguard: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("fnguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
