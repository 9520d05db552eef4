"""PKG001 and PKG002: native code that cannot run where the function runs.

PKG001 compares each ELF binary's machine with the function's architectures (a layer's
binaries with every function using the layer). PKG002 compares the newest ``GLIBC_x.y`` a
binary needs with the glibc of the runtime's OS image, and each installed wheel's tags with
the platform, as pip would. Both judge only what the package stage read: a package read in
part, or not found, makes the rule unknown for the function rather than clean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.model import (
    Evidence,
    Finding,
    Function,
    Inventory,
    PackageType,
    Provider,
    Remediation,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._pkg_common import (
    concerned,
    function_gap,
    incomplete,
    label,
    listing,
    what,
)
from fnguard.rules._pkg_platform import load_platforms, platform_of, wheel_verdict

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import ElfFile, Package

__all__ = ["PKG001", "PKG002", "RULES"]

_SHOWN = 10

PKG001 = RuleMeta(
    id="PKG001",
    title="Native binary built for another architecture",
    impact=8,
    area="package",
    description=(
        "A shared object or executable built for x86_64 cannot load on an arm64 function, and "
        "the reverse: the import fails at cold start (invalid ELF header, exec format error) "
        "and every invocation errors. fnguard reads each ELF file's machine type in the "
        "deployment package and in each layer the function uses, and compares it with the "
        "function's architectures."
    ),
    remediation=Remediation(
        text=(
            "Rebuild the dependencies for the function's architecture (pip install --platform "
            "manylinux2014_aarch64 --only-binary=:all:, or build inside the matching "
            "public.ecr.aws/lambda image), or set the function's architecture to match."
        ),
        terraform=(
            'resource "aws_lambda_function" "fn" {\n'
            '  architectures = ["arm64"] # the architecture the binaries were built for\n'
            "}"
        ),
        cloudformation="Architectures:\n  - arm64",
        cli=(
            "pip install -r requirements.txt -t build/ --platform manylinux2014_aarch64 \\\n"
            "  --only-binary=:all: --python-version 3.12\n"
            "aws lambda update-function-code --function-name FN --architectures arm64 "
            "--zip-file fileb://fn.zip"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.25", "A.8.32"), owasp_serverless=("SAS-3",)),
)

PKG002 = RuleMeta(
    id="PKG002",
    title="Native code needs a newer glibc, or wheels built for another platform",
    impact=7,
    area="package",
    description=(
        "Lambda runtimes run on a fixed OS image: Amazon Linux 2 ships glibc 2.26, Amazon "
        "Linux 2023 glibc 2.34. A binary that needs a newer GLIBC_x.y symbol version fails to "
        "load ('version GLIBC_2.28 not found'), typically after building on a newer laptop "
        "or CI image; a wheel built for macOS, Windows, musl or another CPython ABI installs "
        "silently and fails at import. The runtime-to-OS table is dated data in "
        "fnguard/data/runtimes.json; wheel tags are matched with packaging.tags, as pip does."
    ),
    remediation=Remediation(
        text=(
            "Install dependencies for the Lambda platform: manylinux wheels no newer than the "
            "runtime's glibc, for its architecture and Python version, or build inside the "
            "runtime's build image; move to a runtime on Amazon Linux 2023 for glibc 2.34."
        ),
        terraform='runtime = "python3.13" # Amazon Linux 2023, glibc 2.34',
        cloudformation="Runtime: python3.13",
        cli=(
            "pip install -r requirements.txt -t build/ --platform manylinux2014_x86_64 \\\n"
            "  --implementation cp --python-version 3.12 --only-binary=:all:\n"
            "# or build in the runtime's image:\n"
            "docker run --rm -v $PWD:/var/task public.ecr.aws/sam/build-python3.12 \\\n"
            "  pip install -r requirements.txt -t build/"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.25", "A.8.19"), owasp_serverless=("SAS-3", "SAS-6")),
)


def _binaries(elves: list[ElfFile]) -> list[Evidence]:
    shown = [Evidence("binary", f"{e.path} ({e.machine})") for e in elves[:_SHOWN]]
    if len(elves) > _SHOWN:
        shown.append(Evidence("more binaries", str(len(elves) - _SHOWN)))
    return shown


def _check_pkg001(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    # binaries to judge, or a package read in part: nothing else makes a finding
    for fn in concerned(inv, lambda pkg: pkg.elf_files or incomplete(inv, pkg) is not None):
        if fn.provider is not Provider.AWS:
            continue
        found = False
        doubts: list[str] = []
        for pkg in inv.packages_of(fn):
            if not fn.architectures:
                if pkg.elf_files:
                    doubts.append(f"the architecture of {label(fn)} is unknown")
                continue
            allowed = {a.value for a in fn.architectures}
            wrong = [e for e in pkg.elf_files if e.machine not in allowed]
            if wrong:
                found = True
                yield _pkg001_finding(fn, pkg, wrong, allowed)
            elif (why := incomplete(inv, pkg)) is not None:
                doubts.append(f"{what(pkg)} was not fully read: {why}")
        gap = function_gap(inv, fn)
        if gap is not None:
            doubts.append(gap.reason)
        if doubts and not found:
            yield PKG001.unknown(fn=fn, message=doubts[0])


def _pkg001_finding(fn: Function, pkg: Package, wrong: list[ElfFile], allowed: set[str]) -> Finding:
    machines = sorted({e.machine for e in wrong})
    count = len(wrong)
    noun = "binary" if count == 1 else "binaries"
    runs = "/".join(sorted(allowed))
    return PKG001.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        message=(
            f"{label(fn)} runs on {runs} but {what(pkg)} ships {count} native {noun} built "
            f"for {', '.join(machines)}: {listing(e.path for e in wrong)}"
        ),
        evidence=[
            Evidence("architectures", runs),
            Evidence("package", pkg.path),
            *_binaries(wrong),
        ],
    )


def _has_platform(fn: Function) -> bool:
    """Whether PKG002 looks the function's platform up (``platform_of``)."""
    return (
        fn.provider is Provider.AWS
        and fn.package_type is PackageType.ZIP
        and bool(fn.architectures)
        and fn.runtime is not None
    )


def _glibc_text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _check_pkg002(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    if any(_has_platform(fn) for fn in inv.functions):
        load_platforms()  # a malformed table fails the rule, skipped functions or not
    for fn in concerned(
        inv, lambda pkg: pkg.elf_files or pkg.wheels or incomplete(inv, pkg) is not None
    ):
        if fn.provider is not Provider.AWS or fn.package_type is not PackageType.ZIP:
            continue
        packages = inv.packages_of(fn)
        native = [p for p in packages if p.elf_files or p.wheels]
        arch = fn.architectures[0] if fn.architectures else None
        platform = platform_of(fn.runtime, arch) if arch is not None else None
        if platform is None:
            if native:
                reason = (
                    f"the architecture of {label(fn)} is unknown"
                    if arch is None
                    else f"runtime {fn.runtime} of {label(fn)} is not in fnguard's OS table"
                )
                yield PKG002.unknown(fn=fn, message=reason)
            continue
        found = False
        doubts: list[str] = []
        for pkg in packages:
            too_new = [
                e
                for e in pkg.elf_files
                if e.glibc is not None and e.glibc > platform.os.glibc and e.machine == arch
            ]
            if too_new:
                found = True
                yield _glibc_finding(fn, pkg, too_new, platform.os.name, platform.os.glibc)
            bad = [(w, v) for w in pkg.wheels if not (v := wheel_verdict(w.tags, platform)).fits]
            if bad:
                found = True
                names = listing(f"{w.distribution} ({', '.join(w.tags)})" for w, _ in bad)
                yield PKG002.finding(
                    resource=fn.address,
                    location=fn.location,
                    function=fn,
                    message=(
                        f"{what(pkg)} of {label(fn)} ({fn.runtime}, {arch}) holds {len(bad)} "
                        f"wheel(s) built for another platform: {names}"
                    ),
                    evidence=[
                        Evidence("package", pkg.path),
                        *(Evidence(w.path, v.why) for w, v in bad[:_SHOWN]),
                    ],
                )
            if not too_new and not bad and (why := incomplete(inv, pkg)) is not None:
                doubts.append(f"{what(pkg)} was not fully read: {why}")
        gap = function_gap(inv, fn)
        if gap is not None:
            doubts.append(gap.reason)
        if doubts and not found:
            yield PKG002.unknown(fn=fn, message=doubts[0])


def _glibc_finding(
    fn: Function, pkg: Package, too_new: list[ElfFile], os_name: str, glibc: tuple[int, int]
) -> Finding:
    newest = max(e.glibc for e in too_new if e.glibc is not None)
    return PKG002.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        message=(
            f"{what(pkg)} of {label(fn)} needs GLIBC_{_glibc_text(newest)} but {fn.runtime} "
            f"runs on {os_name} (glibc {_glibc_text(glibc)}): "
            f"{listing(e.path for e in too_new)}"
        ),
        evidence=[
            Evidence("runtime glibc", f"{_glibc_text(glibc)} ({os_name})"),
            Evidence("package", pkg.path),
            *(
                Evidence("binary", f"{e.path} needs GLIBC_{_glibc_text(e.glibc)}")
                for e in too_new[:_SHOWN]
                if e.glibc is not None
            ),
        ],
    )


RULES: tuple[Rule, ...] = (Rule(PKG001, _check_pkg001), Rule(PKG002, _check_pkg002))
