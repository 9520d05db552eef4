"""The Terraform collector: folders of ``.tf`` files (and plan/state JSON) -> inventory."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnguard.collect._batch import gc_paused
from fnguard.collect._interface import Collector
from fnguard.collect.terraform import NAME
from fnguard.collect.terraform._aws import Mapper
from fnguard.collect.terraform._eval import Evaluator, Unknown
from fnguard.collect.terraform._gcp import map_gcp
from fnguard.collect.terraform._modules import Loader, ModuleDef, ModuleInstance, is_local_source
from fnguard.collect.terraform._parse import HclFile, parse_hcl
from fnguard.collect.terraform._plan import is_plan_json, plan_inventory
from fnguard.collect.terraform._shards import ShardResult, collect_sharded, worker_count
from fnguard.model import CollectionGap, Inventory, Location, Suppression

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["TerraformCollector"]

_PEEK = 4096

#: below this many ``.tf`` files, forking workers costs more than it saves (a 100-file shard
#: takes ~0.15 s to parse and evaluate; a fork plus unpickling its result ~0.02 s)
PARALLEL_MIN_FILES = 200


class TerraformCollector(Collector):
    """HCL configurations (a folder of ``.tf`` files is one module) and ``terraform show -json``."""

    name = NAME

    def __init__(self, *, parallel_min_files: int = PARALLEL_MIN_FILES) -> None:
        """From ``parallel_min_files`` ``.tf`` files in two or more folders, root modules are
        collected in forked workers, one per CPU (``_shards``); smaller scans stay in-process."""
        self._parallel_min_files = parallel_min_files

    def claims(self, path: Path) -> bool:
        name = path.name
        if name.endswith((".tf", ".tfvars", ".tf.json")):
            return True
        if name.endswith(".json"):
            return looks_like_plan(path)
        return False

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        # Terraform's JSON syntax is claimed so that it is reported, not silently passed over.
        unread = [p for p in paths if p.name.endswith(".tf.json")]
        hcl = [p for p in paths if not p.name.endswith(".tf.json")]
        reported = Inventory(
            gaps=tuple(
                CollectionGap(
                    Location(_relative(p, root)),
                    "Terraform JSON syntax (.tf.json) is not read yet: what it declares is not "
                    "analysed",
                    field="unsupported",
                )
                for p in unread
            )
        )
        return reported.merge(self._collect_hcl(hcl, root)) if hcl else reported

    def _collect_hcl(self, paths: Sequence[Path], root: Path) -> Inventory:
        with gc_paused():
            run = _Run(root)
            by_dir, plans = run.layout(paths)
            workers = worker_count(by_dir, self._parallel_min_files)
            if workers > 1:
                results = collect_sharded(by_dir, workers, lambda: _Run(root))
                if results is not None:
                    return run.merge(results, by_dir, plans)
            return run.collect(by_dir, plans)


def _sorted_paths(paths: Sequence[Path]) -> list[Path]:
    """``sorted(set(paths))``. POSIX paths compare by their parts, case-sensitively: sorted by
    that key, without a Python-level ``Path.__lt__`` per pair (~10,000 for 1,000 files)."""
    unique = set(paths)
    if os.sep == "/":
        return sorted(unique, key=_parts)
    return sorted(unique)


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _clean_suffix(text: str, root: str) -> str | None:
    """``text`` below ``root`` as ``os.path.relpath`` gives it, when that is a plain slice
    (no ``.`` / ``..`` / empty segment below the root to normalise); else None and the caller
    asks ``os.path``."""
    if os.sep != "/" or text.startswith("/") != root.startswith("/"):
        return None
    if root == ".":
        rest = text
    elif text.startswith(root) and text[len(root) : len(root) + 1] == "/":
        rest = text[len(root) + 1 :]
    else:
        return None
    if any(segment in ("", ".", "..") for segment in rest.split("/")):
        return None
    return rest


def looks_like_plan(path: Path) -> bool:
    """``terraform show -json`` output: ``format_version`` plus ``planned_values`` or ``values``."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_PEEK)
    except OSError:
        return False
    return is_plan_json(head)


class _Run(Loader):
    """One collection: reads files once, records what was read and what could not be."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_abs = os.path.abspath(root)  # noqa: PTH100 - no symlink resolution per file
        self._root_text = str(root)
        self._rel: dict[str, str] = {}
        self.gaps: list[CollectionGap] = []
        self.sources: list[str] = []
        self.modules: dict[str, ModuleDef | None] = {}

    def rel(self, path: Path) -> str:
        """``path`` relative to the scanned root, posix; remembered (each file asks twice)."""
        text = str(path)
        known = self._rel.get(text)
        if known is None:
            known = _clean_suffix(text, self._root_text) or self._relpath(text)
            self._rel[text] = known
        return known

    def _relpath(self, text: str) -> str:
        absolute = os.path.abspath(text)  # noqa: PTH100 - Path.resolve() stats every file
        return Path(os.path.relpath(absolute, self._root_abs)).as_posix()

    def read(self, path: Path) -> bytes | None:
        rel = self.rel(path)
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except OSError as exc:
            self.gaps.append(
                CollectionGap(Location(rel), f"cannot read: {exc.strerror}", "", "file")
            )
            return None
        except UnicodeDecodeError as exc:
            self.gaps.append(
                CollectionGap(Location(rel), f"not UTF-8 text (byte {exc.start})", "", "file")
            )
            return None
        self.sources.append(rel)
        return data

    # ------------------------------------------------------------------ modules

    def module(self, directory: str) -> ModuleDef | None:
        if directory not in self.modules:
            folder = self.root / directory
            files = sorted(folder.glob("*.tf")) if folder.is_dir() else []
            self.modules[directory] = self._load(directory, files) if files else None
        return self.modules[directory]

    def _load(self, directory: str, files: Sequence[Path]) -> ModuleDef:
        parsed: list[HclFile] = []
        for path in files:
            data = self.read(path)
            if data is not None:
                parsed.append(parse_hcl(data, self.rel(path)))
        return ModuleDef.build(directory, parsed)

    def collect(self, by_dir: Mapping[str, Sequence[Path]], plans: Sequence[Path]) -> Inventory:
        """The whole collection in this process, of the files ``layout`` laid out."""
        self.load(by_dir)
        called = self.called_dirs()
        roots = [d for d in by_dir if d not in called]
        pieces = [self.root_inventory(d, several=len(roots) > 1) for d in roots]
        return self.finish(pieces, plans)

    def layout(self, paths: Sequence[Path]) -> tuple[dict[str, list[Path]], list[Path]]:
        """``.tf`` files by module folder (folders in path order) and the plan/state files."""
        by_dir: dict[str, list[Path]] = {}
        plans: list[Path] = []
        for path in _sorted_paths(paths):
            if path.name.endswith(".tf"):
                by_dir.setdefault(posixpath.dirname(self.rel(path)) or ".", []).append(path)
            elif path.name.endswith(".json"):
                plans.append(path)
        return by_dir, plans

    def load(self, by_dir: Mapping[str, Sequence[Path]]) -> None:
        for directory, files in by_dir.items():
            if directory not in self.modules:
                self.modules[directory] = self._load(directory, files)

    def root_inventory(self, directory: str, *, several: bool) -> Inventory:
        # Several root modules in one scan: addresses start with their folder ("svc/a:...")
        # so that two services' aws_iam_role.main stay two roles.
        return self._root_inventory(
            directory, f"{directory}:" if several and directory != "." else ""
        )

    def finish(self, pieces: Sequence[Inventory], plans: Sequence[Path]) -> Inventory:
        """Root-module pieces, then plans, then what was read and what could not be."""
        pieces = list(pieces)
        for plan in plans:
            data = self.read(plan)
            if data is not None:
                pieces.append(plan_inventory(data, self.rel(plan)))
        inventory = Inventory.combine(pieces)
        # Sorted: files are read in module-call order, reported in path order. Duplicates
        # come only from shards that each read a module they both call: one fact, kept once.
        gaps = sorted(dict.fromkeys(self.gaps), key=str)
        return inventory.merge(
            Inventory(gaps=tuple(gaps), sources=tuple(sorted(set(self.sources))))
        )

    def merge(
        self,
        results: Sequence[ShardResult],
        by_dir: Mapping[str, Sequence[Path]],
        plans: Sequence[Path],
    ) -> Inventory:
        """The shards' pieces in the order one process would have produced them."""
        by_root: dict[str, Inventory] = {}
        for result in results:
            by_root.update(result.pieces)
            self.gaps.extend(result.gaps)
            self.sources.extend(result.sources)
        return self.finish([by_root[d] for d in by_dir if d in by_root], plans)

    def called_dirs(self) -> set[str]:
        """Folders that a loaded module calls as a local module (so they are not roots)."""
        called: set[str] = set()
        for directory, definition in list(self.modules.items()):
            if definition is None:
                continue
            for block in definition.calls.values():
                node = block.attrs.get("source")
                if node is None:
                    continue
                source = Evaluator(_NO_SCOPE).eval(node)
                if is_local_source(source):
                    target = posixpath.normpath(posixpath.join(directory, source))
                    if target != posixpath.normpath(directory):  # calling itself: a cycle, kept
                        called.add(target)
        return called

    def _root_inventory(self, directory: str, prefix: str) -> Inventory:
        definition = self.modules[directory]
        if definition is None:
            return Inventory()
        gaps: list[CollectionGap] = []
        inputs = self._tfvars(directory)
        root = ModuleInstance(definition, prefix, inputs, self.root / directory, self, gaps)
        views = []
        suppressions: list[Suppression] = []
        for module in root.walk():
            for instance in module.instances("resource"):
                views.append(instance)
                for ignore in instance.ignores():
                    location = Location(instance.location.file, ignore.line)
                    suppressions.extend(
                        Suppression(rule, instance.address, ignore.reason, location)
                        for rule in ignore.rules
                    )
            views.extend(module.instances("data"))
        inventory = Mapper(views).build().merge(map_gcp(views))
        root.release()
        return inventory.merge(Inventory(gaps=tuple(gaps), suppressions=tuple(suppressions)))

    def _tfvars(self, directory: str) -> dict[str, Any]:
        """terraform.tfvars and *.auto.tfvars as Terraform loads them, then other *.tfvars
        files (normally passed with -var-file) for variables still unset."""
        folder = self.root / directory
        auto = [folder / "terraform.tfvars", *sorted(folder.glob("*.auto.tfvars"))]
        others = sorted(p for p in folder.glob("*.tfvars") if p not in auto)
        values: dict[str, Any] = {}
        evaluator = Evaluator(_NO_SCOPE)
        for path in auto + others:
            if not path.is_file():
                continue
            data = self.read(path)
            if data is None:
                continue
            hcl = parse_hcl(data, self.rel(path))
            for name, node in hcl.attrs.items():
                if path in auto or name not in values:
                    values[name] = evaluator.eval(node)
        return values


class _NoScope:
    """The scope of ``*.tfvars`` and module sources: literals only."""

    path_module = "."
    root_dir = Path()

    def variable(self, name: str, expr: str) -> Any:
        return Unknown(expr)

    def local(self, name: str, expr: str) -> Any:
        return Unknown(expr)

    def module_call(self, name: str, expr: str) -> Any:
        return Unknown(expr)

    def resource(self, rtype: str, name: str, expr: str) -> Any:
        return Unknown(expr)

    def data(self, rtype: str, name: str, expr: str) -> Any:
        return Unknown(expr)


_NO_SCOPE = _NoScope()
