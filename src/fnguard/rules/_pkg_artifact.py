"""PKG004-PKG006: the artifact as a file: intact, safe to unpack, and within Lambda's limits.

PKG004 reports packages whose members could not be read (bad CRC, truncation, unreadable
files); PKG005 files Lambda would run with dangerous modes or names (setuid, world-writable,
links leaving the package, zip-slip names, devices); PKG006 a function's code plus its layers
over or near the deployment quotas (50 MB zipped for a direct upload, 250 MB unzipped).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from fnguard.model import ArtifactKind, Evidence, Finding, PackageType, Provider, Remediation
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._pkg_common import (
    MIB,
    concerned,
    function_gap,
    label,
    listing,
    package_gap,
    users,
    what,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from fnguard.model import Function, Inventory, Package

__all__ = ["PKG004", "PKG005", "PKG006", "RULES"]

_SHOWN = 10

PKG004 = RuleMeta(
    id="PKG004",
    title="Corrupt or unreadable deployment package",
    impact=8,
    area="package",
    description=(
        "A zip whose members fail their CRC, an archive cut short, or files that cannot be "
        "read: Lambda rejects the upload or, worse, deploys code that differs from what was "
        "built and reviewed. fnguard streams every member of the package and of each layer "
        "and reports what did not read back intact."
    ),
    remediation=Remediation(
        text=(
            "Rebuild the package from source in a clean step, check it with `unzip -t` (or "
            "`fnguard hash`) and record its hash, then redeploy."
        ),
        terraform=(
            'data "archive_file" "fn" {\n'
            '  type        = "zip"\n'
            '  source_dir  = "${path.module}/src"\n'
            '  output_path = "${path.module}/build/fn.zip"\n'
            "}"
        ),
        cloudformation="# rebuild: sam build && sam package --output-template-file packaged.yaml",
        cli="unzip -t build/fn.zip && fnguard hash build/fn.zip",
    ),
    mappings=Mappings(iso27001=("A.8.32", "A.8.25"), owasp_serverless=("SAS-3",)),
)

PKG005 = RuleMeta(
    id="PKG005",
    title="Writable or setuid files, or links leaving the package",
    impact=5,
    area="package",
    description=(
        "Deployed code should be read-only (the seed's chmod 555): a world-writable file can be "
        "changed by anything else running in the sandbox, a setuid/setgid file is a privilege "
        "escalation primitive, a symbolic link whose target leaves the package reads (or "
        "unpacks onto) files outside it, and an absolute or '..' member name is a zip-slip. "
        "Device, fifo and socket files have no place in a package."
    ),
    remediation=Remediation(
        text=(
            "Normalise modes before zipping (directories 755, files 644, executables 755, no "
            "setuid/setgid), replace links by the files they point to, and drop special files."
        ),
        terraform=(
            'data "archive_file" "fn" {\n'
            '  type             = "zip"\n'
            '  source_dir       = "${path.module}/src"\n'
            '  output_path      = "${path.module}/build/fn.zip"\n'
            '  output_file_mode = "0644"\n'
            "}"
        ),
        cloudformation="# build with normalised modes, then: sam package ...",
        cli=(
            "find build -type d -exec chmod 755 {} + && find build -type f -exec chmod 644 {} +\n"
            "chmod 555 build/bin/* && (cd build && zip -r -X ../fn.zip .)"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.9", "A.8.25"), owasp_serverless=("SAS-3",)),
)

PKG006 = RuleMeta(
    id="PKG006",
    title="Package over or near the deployment size limits",
    impact=4,
    area="package",
    description=(
        "Lambda refuses a zip over 50 MB uploaded directly and any function whose code plus "
        "layers exceeds 250 MB unzipped; near those quotas the next dependency breaks the "
        "deployment, and every megabyte is paid again at each cold start. Over a limit is "
        "reported at impact 4, within 10% of one at 2; the largest files are listed."
    ),
    remediation=Remediation(
        text=(
            "Drop what the function does not import (tests, docs, caches, boto3 which the "
            "runtime provides, other platforms' binaries), strip debug symbols, move shared "
            "dependencies to a layer, or deploy a container image (10 GB)."
        ),
        terraform=(
            'data "archive_file" "fn" {\n'
            '  type        = "zip"\n'
            '  source_dir  = "${path.module}/src"\n'
            '  output_path = "${path.module}/build/fn.zip"\n'
            '  excludes    = ["tests", "**/__pycache__", "boto3", "botocore"]\n'
            "}"
        ),
        cloudformation="# upload through S3 (sam package) and move dependencies to a layer",
        cli=(
            "pip install -r requirements.txt -t build/ --no-compile\n"
            "find build -name '*.so' -exec strip --strip-unneeded {} +"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.6",), owasp_serverless=("SAS-8",)),
)


def _unknown_missing(rule: RuleMeta, inv: Inventory) -> Iterator[Finding]:
    """Functions whose artifact (or a layer's) was not found or not readable."""
    for fn in concerned(inv, _never):
        gap = function_gap(inv, fn)
        if gap is not None and fn.provider is Provider.AWS:
            yield rule.unknown(fn=fn, message=gap.reason)


def _never(pkg: Package) -> bool:
    return False


Verdict = tuple[str, list[Evidence]]


def _per_package(
    rule: RuleMeta, inv: Inventory, judge: Callable[[Package], Verdict | None]
) -> Iterator[Finding]:
    """``judge`` each package, reported for each function deploying it (an unused layer
    alone); unknown where it was not read."""
    for pkg in inv.packages:
        verdict = judge(pkg)
        gap = package_gap(inv, pkg) if verdict is None else None
        if verdict is None and gap is None:
            continue  # nothing to say, whoever deploys it
        for fn in users(inv, pkg) or (None,):
            owner = f" of {label(fn)}" if fn else ""
            if verdict is not None:
                message, evidence = verdict
                yield rule.finding(
                    resource=fn.address if fn else pkg.address,
                    location=fn.location if fn else pkg.location,
                    function=fn,
                    message=f"{what(pkg)}{owner} {message}",
                    evidence=[Evidence("package", pkg.path), *evidence],
                )
            elif fn is not None and gap is not None:
                yield rule.unknown(
                    fn=fn, message=f"{what(pkg)}{owner} not fully read: {gap.reason}"
                )
    yield from _unknown_missing(rule, inv)


def _corrupt(pkg: Package) -> Verdict | None:
    if not pkg.errors:
        return None
    more = f" (and {len(pkg.errors) - 1} more)" if len(pkg.errors) > 1 else ""
    evidence = [Evidence("problem", e) for e in pkg.errors[:_SHOWN]]
    return f"is corrupt or unreadable: {pkg.errors[0]}{more}", evidence


def _risky(pkg: Package) -> Verdict | None:
    issues = pkg.file_issues
    if not issues:
        return None
    kinds = ", ".join(sorted({i.kind.value for i in issues}))
    evidence = [Evidence(i.kind.value, f"{i.path} {i.detail}".strip()) for i in issues[:_SHOWN]]
    return (
        f"holds {len(issues)} risky file(s) ({kinds}): {listing(i.path for i in issues)}",
        evidence,
    )


def _check_pkg004(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    return _per_package(PKG004, inv, _corrupt)


def _check_pkg005(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    return _per_package(PKG005, inv, _risky)


# --------------------------------------------------------------------------- PKG006

ZIPPED_LIMIT = 50 * MIB
UNZIPPED_LIMIT = 250 * MIB
_NEAR_IMPACT = 2


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MB"


def _largest(packages: list[Package]) -> list[tuple[int, str]]:
    everything = (
        (size, f"{p.path}!/{name}" if p.is_layer else name)
        for p in packages
        for name, size in p.largest
    )
    return heapq.nlargest(5, everything)


def _check_pkg006(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    near_percent = ctx.thresholds.package_near_percent
    functions: Iterable[Function] = inv.functions
    if _all_within(inv, near_percent):  # then only a package read in part says anything

        def unread(pkg: Package) -> bool:
            return pkg.kind is not ArtifactKind.IMAGE and package_gap(inv, pkg) is not None

        functions = concerned(inv, unread)
    for fn in functions:
        if fn.provider is not Provider.AWS or fn.package_type is PackageType.IMAGE:
            continue
        packages = [p for p in inv.packages_of(fn) if p.kind is not ArtifactKind.IMAGE]
        code = next((p for p in packages if not p.is_layer), None)
        verdict = _size_verdict(fn, code, packages, near_percent)
        partial = function_gap(inv, fn) or next(
            (g for p in packages if (g := package_gap(inv, p)) is not None), None
        )
        if verdict is not None:
            yield verdict
        elif partial is not None:
            yield PKG006.unknown(fn=fn, message=f"size of {label(fn)} unknown: {partial.reason}")


def _all_within(inv: Inventory, near_percent: int) -> bool:
    """Whether no function can come near a limit, whatever it deploys: every package's
    zipped size and the unzipped sizes of all of them together (each counted once per
    function naming it) below the "near" mark of each quota."""
    near_share = near_percent / 100
    zipped = unzipped = 0
    for pkg in inv.packages:
        if pkg.kind is ArtifactKind.IMAGE:
            continue
        unzipped += max(0, pkg.uncompressed_size) * len(pkg.functions)
        if pkg.compressed_size is not None:
            zipped = max(zipped, pkg.compressed_size)
    return all(
        size <= limit and size < near_share * limit
        for size, limit in ((zipped, ZIPPED_LIMIT), (unzipped, UNZIPPED_LIMIT))
    )


def _size_verdict(
    fn: Function, code: Package | None, packages: list[Package], near_percent: int
) -> Finding | None:
    if not packages:
        return None
    near_share = near_percent / 100
    unzipped = sum(p.uncompressed_size for p in packages)
    # The 50 MB zip quota binds a direct upload only; code staged in S3 is not held to it.
    zipped = None if code is None or fn.package.s3_bucket else code.compressed_size
    over: list[str] = []
    near: list[str] = []
    if zipped is not None:
        if zipped > ZIPPED_LIMIT:
            over.append("50 MB zipped")
        elif zipped >= near_share * ZIPPED_LIMIT:
            near.append("50 MB zipped")
    layered = " with layers" if any(p.is_layer for p in packages) else ""
    if unzipped > UNZIPPED_LIMIT:
        over.append(f"250 MB unzipped{layered}")
    elif unzipped >= near_share * UNZIPPED_LIMIT:
        near.append(f"250 MB unzipped{layered}")
    if not over and not near:
        return None
    state = "over" if over else "near"
    unmeasured = len(fn.layers) - sum(p.is_layer for p in packages)
    # Sizes stay out of the message: a finding's key must not change with every build.
    evidence = [
        Evidence("unzipped total", f"{unzipped} bytes ({_mb(unzipped)})"),
        *(Evidence(p.path, f"{_mb(p.uncompressed_size)} unzipped") for p in packages),
        *(Evidence("large file", f"{name} ({_mb(size)})") for size, name in _largest(packages)),
    ]
    if zipped is not None:
        evidence.insert(0, Evidence("zipped", f"{zipped} bytes ({_mb(zipped)})"))
    if unmeasured > 0:
        evidence.append(Evidence("layers not measured", str(unmeasured)))
    return PKG006.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        impact=None if over else _NEAR_IMPACT,
        message=f"{label(fn)} is {state} the deployment limits: {', '.join(over or near)}",
        evidence=evidence,
    )


RULES: tuple[Rule, ...] = (
    Rule(PKG004, _check_pkg004),
    Rule(PKG005, _check_pkg005),
    Rule(PKG006, _check_pkg006),
)
