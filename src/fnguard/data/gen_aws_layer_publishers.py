"""Regenerate ``aws_layer_publishers.json``: the accounts AWS publishes Lambda layers from.

Source: the region-info fact tables of ``aws-cdk-lib`` (npm), which AWS maintains with every
CDK release: Lambda Insights, AWS Parameters and Secrets, AppConfig and ADOT layer ARNs per
region. EXP007 treats a layer from one of these accounts as AWS-owned.

    python src/fnguard/data/gen_aws_layer_publishers.py            # runs `npm pack aws-cdk-lib`
    python src/fnguard/data/gen_aws_layer_publishers.py pkg.tgz    # or reads a tarball

Needs npm (or a tarball) and the standard library only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

_MEMBER = "package/region-info/lib/built-ins.generated.js"
_LAYER_ARN = re.compile(
    r'"arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):layer:'
    r'([A-Za-z0-9_-]+?)(?:-ver-[0-9-]+)?:\d+"'
)
_OUT = Path(__file__).with_name("aws_layer_publishers.json")


def _tarball(argv: list[str], workdir: Path) -> Path:
    if argv:
        return Path(argv[0])
    subprocess.run(["npm", "pack", "aws-cdk-lib", "--silent"], cwd=workdir, check=True)
    return next(workdir.glob("aws-cdk-lib-*.tgz"))


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tgz = _tarball(argv, Path(tmp))
        version = tgz.name.removeprefix("aws-cdk-lib-").removesuffix(".tgz")
        with tarfile.open(tgz) as archive:
            member = archive.extractfile(_MEMBER)
            if member is None:
                raise SystemExit(f"{tgz}: {_MEMBER} not found")
            text = member.read().decode("utf-8")
    publishers: dict[str, set[str]] = {}
    for account, layer in _LAYER_ARN.findall(text):
        publishers.setdefault(account, set()).add(layer)
    data = {
        "source": f"aws-cdk-lib@{version} region-info fact tables",
        "publishers": {a: sorted(names) for a, names in sorted(publishers.items())},
    }
    _OUT.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{_OUT}: {len(publishers)} accounts from aws-cdk-lib {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
