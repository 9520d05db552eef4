"""Build the fnguard-runtime Lambda layer: a zip with `python/fnguard_runtime/...`.

Lambda adds /opt/python to sys.path for every Python runtime, so a function with this layer
attached can `import fnguard_runtime` without packaging it. The zip is reproducible (fixed
timestamps and order), so its hash changes only when the code does.

    python runtime/build_layer.py --output dist/fnguard-runtime-layer.zip
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "src" / "fnguard_runtime"
EPOCH = (1980, 1, 1, 0, 0, 0)


def layer_files(package: Path = PACKAGE) -> list[Path]:
    """The package's files that belong in the layer, in a stable order."""
    return sorted(p for p in package.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".typed"))


def build(output: Path, package: Path = PACKAGE) -> list[str]:
    """Write the layer zip to `output`; returns the archive names written."""
    output.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in layer_files(package):
            name = f"python/fnguard_runtime/{path.relative_to(package).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = 0o444 << 16  # read-only, like the seed's chmod 555 advice
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
            names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("dist/fnguard-runtime-layer.zip"),
                        help="where to write the zip (default: %(default)s)")
    args = parser.parse_args(argv)
    names = build(args.output)
    print(f"wrote {args.output} ({len(names)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
