"""Package scan throughput: the package stage reading >= 200 MB of real installed wheels.

The corpus is built from distributions already installed in this interpreter's
site-packages (largest first, each copied file by file as its RECORD lists it, dist-info
included), so it holds what real Lambda packages hold: pure Python, compiled extensions (ELF),
data files and WHEEL records. It is written once under ``.bench/package-corpus/`` as a folder
and as a deflated zip, and reused on later runs.

Timed: ``PackageEnricher.enrich`` on one function deploying the corpus, i.e. one streaming
pass (zip: inflate and CRC of every member; both: ELF headers via pyelftools, WHEEL records,
and the content inspector's dependency and secret reading). OSV lookups are a separate stage
and are not part of it. The figures are uncompressed bytes / median wall time and / median
CPU time of the process (the latter does not move with other load on the machine); the
"reader only" rows leave content inspection out, to show the package reader's own share.

Usage: ``python benchmarks/bench_package.py [--mb 220] [--runs 3]``
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import sysconfig
import time
import zipfile
from importlib import metadata
from pathlib import Path

from fnguard.collect.package import PackageEnricher
from fnguard.model import Function, Inventory, Location, PackageRef, Provider

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / ".bench" / "package-corpus"
TARGET_TOTAL = 100.0  # MB/s, the target


def _files(dist: metadata.Distribution) -> list[Path]:
    out = []
    for entry in dist.files or ():
        path = Path(str(dist.locate_file(entry)))
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            out.append(path)
    return out


def build_corpus(megabytes: float) -> tuple[Path, Path]:
    """The corpus folder and zip, built once from the largest installed distributions."""
    folder, archive = CORPUS / "site", CORPUS / "corpus.zip"
    marker = CORPUS / f"built-{int(megabytes)}MB"
    if marker.exists() and folder.is_dir() and archive.is_file():
        return folder, archive
    shutil.rmtree(CORPUS, ignore_errors=True)
    folder.mkdir(parents=True)
    site = Path(sysconfig.get_paths()["purelib"])
    dists = []
    for dist in metadata.distributions(path=[str(site)]):
        files = _files(dist)
        dists.append((sum(f.stat().st_size for f in files), dist.metadata["Name"], files))
    total = 0
    chosen = []
    for _, name, files in sorted(dists, key=lambda d: -d[0]):
        if total >= megabytes * 1e6:
            break
        for src in files:
            try:
                dest = folder / src.relative_to(site)
            except ValueError:  # console scripts and data installed outside site-packages
                continue
            if dest.exists():  # a file two distributions both list (namespace packages)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            total += dest.stat().st_size
        chosen.append(name)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder).as_posix())
    (CORPUS / "distributions.csv").write_text("\n".join(chosen) + "\n")
    marker.write_text(f"{total}\n")
    return folder, archive


def time_scan(
    path: Path, runs: int, inspector: object | None
) -> tuple[float, float, int, int, int]:
    """Median wall and CPU seconds, uncompressed bytes, members and ELF files of the stage."""
    fn = Function("bench", Provider.AWS, Location("bench"), package=PackageRef(path=str(path)))
    inv = Inventory(functions=(fn,))
    walls, cpus = [], []
    package = None
    for _ in range(runs):
        enricher = PackageEnricher(inspector)  # type: ignore[arg-type]
        start, start_cpu = time.perf_counter(), time.process_time()
        out = enricher.enrich(inv, None)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        [package] = out.packages
    assert package is not None
    size, members, elves = package.uncompressed_size, package.file_count, len(package.elf_files)
    return statistics.median(walls), statistics.median(cpus), size, members, elves


class _NoContent:
    def wants(self, name: str, size: int) -> bool:
        return False

    def inspect(self, name: str, data: bytes, location: str) -> object:
        raise AssertionError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=220.0, help="corpus size (unpacked MB)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder, archive = build_corpus(args.mb)
    rows = []
    for label, path, inspector in (
        ("zip, with content inspection", archive, None),
        ("folder, with content inspection", folder, None),
        ("zip, reader only", archive, _NoContent()),
        ("folder, reader only", folder, _NoContent()),
    ):
        wall, cpu, size, members, elves = time_scan(path, args.runs, inspector)
        rows.append((label, size / 1e6, members, elves, wall, size / 1e6 / wall, size / 1e6 / cpu))
    writer = csv.writer(sys.stdout, delimiter="\t")
    header = ("package", "MB unpacked", "members", "ELF", "wall s", "MB/s wall", "MB/s CPU")
    writer.writerow(header)
    for label, mb, members, elves, wall, rate, cpu_rate in rows:
        cells = (f"{mb:.1f}", members, elves, f"{wall:.2f}", f"{rate:.0f}", f"{cpu_rate:.0f}")
        writer.writerow((label, *cells))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    worst = min(row[5] for row in rows[:2])
    verdict = "meets" if worst >= TARGET_TOTAL else "misses"
    print(
        f"\nslowest full scan {worst:.0f} MB/s wall ({verdict} the {TARGET_TOTAL:.0f} MB/s "
        f"target); load average {load:.1f} on {os.cpu_count()} CPUs while measuring"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
