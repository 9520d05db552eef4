"""Build the fnguard-runtime Lambda layer: a zip with `python/fnguard_runtime/...`.

Lambda adds /opt/python to sys.path for every Python runtime, so a function with this layer
attached can `import fnguard_runtime` without packaging it. /opt is read-only, so bytecode
that is not in the zip is compiled again on every cold start (tens of milliseconds): the
layer carries `__pycache__` files for each interpreter given with `--compile-with` (by
default the one running this script), as unchecked-hash .pyc files, which a read-only
layer never needs to revalidate. The zip is reproducible (fixed timestamps and order).

    python runtime/build_layer.py --output dist/fnguard-runtime-layer.zip \
        [--compile-with python3.9 python3.12 ...] [--no-compile]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "src" / "fnguard_runtime"
EPOCH = (1980, 1, 1, 0, 0, 0)


def layer_files(package: Path = PACKAGE) -> list[Path]:
    """The package's files that belong in the layer, in a stable order."""
    return sorted(p for p in package.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".typed"))


_COMPILE = """
import importlib.util, pathlib, py_compile, sys
source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for path in sorted(source.glob("*.py")):
    cfile = target / pathlib.Path(importlib.util.cache_from_source(str(path))).name
    py_compile.compile(str(path), cfile=str(cfile), dfile="/opt/python/fnguard_runtime/" + path.name,
                       doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


def compiled(package: Path, interpreters: list[str], workdir: Path) -> list[Path]:
    """Compile the package's modules with each interpreter; returns the .pyc files."""
    for interpreter in interpreters:
        subprocess.run([interpreter, "-c", _COMPILE, str(package), str(workdir)], check=True)
    return sorted(workdir.glob("*.pyc"))


def build(output: Path, package: Path = PACKAGE, interpreters: list[str] | None = None) -> list[str]:
    """Write the layer zip to `output`; returns the archive names written."""
    output.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(
        output, "w", zipfile.ZIP_DEFLATED
    ) as archive:
        files = [(p, p.relative_to(package).as_posix()) for p in layer_files(package)]
        files += [(p, f"__pycache__/{p.name}") for p in compiled(package, interpreters or [], Path(tmp))]
        for path, relative in files:
            name = f"python/fnguard_runtime/{relative}"
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
    parser.add_argument("--compile-with", nargs="+", default=[sys.executable], metavar="PYTHON",
                        help="interpreters whose bytecode to include (default: this one)")
    parser.add_argument("--no-compile", action="store_true", help="sources only")
    args = parser.parse_args(argv)
    names = build(args.output, interpreters=[] if args.no_compile else args.compile_with)
    print(f"wrote {args.output} ({len(names)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
