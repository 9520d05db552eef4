"""Terraform modules: folders of blocks, their instances, and everything an expression can name.

A ``ModuleDef`` is one folder's parsed blocks. A ``ModuleInstance`` is that folder called with
inputs under an address prefix (``""`` for a root module, ``module.api.`` for a call), and is
the ``Scope`` expressions are evaluated in. Resources expand ``count`` / ``for_each`` into
``Instance`` objects with Terraform's addresses; attributes are evaluated on first use and
remembered, so cross-references cost one evaluation each.

A root module and the modules it calls share one budget: a deadline (``max-seconds-per-file``)
and a count of instances (``max-instances``), so a module calling itself, or ``count = 1e9``,
is a gap naming the limit instead of a hang. A module found among its own callers is a cycle,
reported and not followed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fnguard import limits
from fnguard.collect.terraform._eval import (
    Evaluator,
    Lazy,
    Partial,
    Unknown,
    node_text,
    object_elems,
    plain_item_exprs,
    references,
)
from fnguard.collect.terraform._policydoc import render_policy_document
from fnguard.collect.terraform._view import MISSING
from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

    from tree_sitter import Node

    from fnguard.collect.terraform._parse import Block, HclFile, Ignore

__all__ = ["Instance", "ModuleDef", "ModuleInstance", "is_local_source"]

_IN_PROGRESS = object()
#: objects read from their text by ``item_exprs`` (the evaluator's bound for text paths)
_ITEMS_TEXT_MAX = 4096
#: deeper chains of module calls than this are not followed (Terraform has no such limit, but
#: no real configuration comes near it; each level is one more evaluation scope)
_MAX_MODULE_DEPTH = 32


def is_local_source(source: object) -> bool:
    return isinstance(source, str) and source.startswith(("./", "../"))


@dataclass
class ModuleDef:
    """The blocks of one folder (a Terraform module)."""

    dir: str  # relative to the scanned root, posix, "." for the root itself
    files: list[HclFile]
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[Node, Block]] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    ignores: dict[str, list[Ignore]] = field(default_factory=dict)
    # (file, line, what) declared twice: Terraform rejects it, fnguard reads the last one
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)

    @classmethod
    def build(cls, directory: str, files: list[HclFile]) -> ModuleDef:
        mod = cls(directory, files)
        seen: set[tuple[str, ...]] = set()
        for hcl in files:
            mod.ignores[hcl.path] = hcl.ignores
            mod.duplicates.extend((hcl.path, line, f"attribute {n}") for line, n in hcl.duplicates)
            for block in hcl.blocks:
                kind, labels = block.type, block.labels
                if kind in ("resource", "data", "variable", "output", "module") and labels:
                    key = (kind, *labels)
                    if key in seen:
                        what = " ".join((kind, *(f'"{label}"' for label in labels)))
                        mod.duplicates.append((block.file, block.line, what))
                    seen.add(key)
                if kind == "resource" and len(labels) == 2:
                    mod.resources[(labels[0], labels[1])] = block
                elif kind == "data" and len(labels) == 2:
                    mod.data[(labels[0], labels[1])] = block
                elif kind == "variable" and labels:
                    mod.variables[labels[0]] = block
                elif kind == "output" and labels:
                    mod.outputs[labels[0]] = block
                elif kind == "module" and labels:
                    mod.calls[labels[0]] = block
                elif kind == "locals":
                    for name, node in block.attrs.items():
                        mod.locals[name] = (node, block)
        return mod


class Loader:
    """Reads module folders on demand (local module sources); implemented by the collector."""

    def module(self, directory: str) -> ModuleDef | None:
        raise LookupError(directory)


class _Budget:
    """What one root module and its callees may spend, and the limits already reported."""

    def __init__(self, where: Location) -> None:
        self.where = where  # the root module's first file: where its limit gaps are reported
        self.deadline = limits.Deadline()
        self.instances = 0
        self.reported: set[str] = set()
        self.checked: set[str] = set()  # module folders whose duplicates are reported


def _where(definition: ModuleDef) -> Location:
    return Location(definition.files[0].path if definition.files else definition.dir)


class ModuleInstance:
    """A module folder under an address prefix, with its input values: an evaluation scope."""

    def __init__(
        self,
        definition: ModuleDef,
        prefix: str,
        inputs: Mapping[str, Any],
        root_dir: Path,
        loader: Loader,
        gaps: list[CollectionGap],
        depth: int = 0,
        cwd: str | None = None,
        parent: ModuleInstance | None = None,
    ) -> None:
        self.definition = definition
        self.prefix = prefix
        self.inputs = inputs
        # Terraform resolves relative paths against the root module's folder (its cwd).
        self.root_dir = root_dir
        self.cwd = definition.dir if cwd is None else cwd
        self.path_module = posixpath.relpath(definition.dir, self.cwd)
        self.loader = loader
        self.gaps = gaps
        self.depth = depth
        self.parent = parent
        self.budget: _Budget = parent.budget if parent is not None else _Budget(_where(definition))
        self.deadline = self.budget.deadline  # read by the Evaluator
        if definition.dir not in self.budget.checked:
            self.budget.checked.add(definition.dir)
            gaps.extend(
                CollectionGap(
                    Location(file, line),
                    f"{what} is declared twice (Terraform rejects this); the last one is read",
                    field="syntax",
                )
                for file, line, what in definition.duplicates
            )
        self._locals: dict[str, Any] = {}
        self._defaults: dict[str, Any] = {}
        self._groups: dict[tuple[str, str, str], Any] = {}
        self._calls: dict[str, Any] = {}
        self._evaluator = Evaluator(self)

    # ------------------------------------------------------------------ limits

    def limit_hit(self, field_name: str, what: str) -> None:
        """A limit reached while evaluating: one gap per limit per root module."""
        if field_name in self.budget.reported:
            return
        self.budget.reported.add(field_name)
        resource = self.prefix.rstrip(".")
        self.gaps.append(limits.limit_gap(self.budget.where, field_name, what, resource))

    def _spend(self, count: int, address: str) -> bool:
        """Take ``count`` instances from the budget; False (and a gap) when over it."""
        self.budget.instances += count
        if self.budget.instances <= limits.active().max_instances:
            return True
        self.limit_hit("max_instances", f"{address} expands the configuration past the limit")
        return False

    # ------------------------------------------------------------------ Scope

    def variable(self, name: str, expr: str) -> Any:
        if name in self.inputs:
            return self.inputs[name]
        known = self._defaults.get(name, MISSING)
        if known is not MISSING:
            return known
        block = self.definition.variables.get(name)
        if block is not None and "default" in block.attrs:
            # Evaluated once per module instance, like a local (it reads nothing bound).
            value = self._defaults[name] = self._evaluator.eval(block.attrs["default"])
            return value
        return Unknown(expr)

    def local(self, name: str, expr: str) -> Any:
        cached = self._locals.get(name, MISSING)
        if cached is _IN_PROGRESS:
            return Unknown(expr)
        if cached is not MISSING:
            return cached
        entry = self.definition.locals.get(name)
        if entry is None:
            return Unknown(expr)
        self._locals[name] = _IN_PROGRESS
        value = self._evaluator.eval(entry[0])
        self._locals[name] = value
        return value

    def module_call(self, name: str, expr: str) -> Any:
        if name not in self._calls:
            self._calls[name] = self._expand_call(name)
        group = self._calls[name]
        return Unknown(expr) if group is None else group

    def resource(self, rtype: str, name: str, expr: str) -> Any:
        return self._group("resource", rtype, name, expr)

    def data(self, rtype: str, name: str, expr: str) -> Any:
        return self._group("data", rtype, name, expr)

    # ------------------------------------------------------------------ resources

    def _group(self, kind: str, rtype: str, name: str, expr: str) -> Any:
        key = (kind, rtype, name)
        group = self._groups.get(key, MISSING)
        if group is MISSING:
            table = self.definition.resources if kind == "resource" else self.definition.data
            block = table.get((rtype, name))
            group = self._groups[key] = None if block is None else self._expand(kind, block)
        if group is None:
            return Unknown(expr)
        return group

    def _expand(self, kind: str, block: Block) -> Any:
        rtype, name = block.labels
        base = f"{self.prefix}{'data.' if kind == 'data' else ''}{rtype}.{name}"
        if "count" not in block.attrs and "for_each" not in block.attrs:  # most resources
            return (
                Instance(base, kind, block, self, self._evaluator) if self._spend(1, base) else None
            )
        expansions = expand(self._evaluator, block.attrs)
        if expansions is None:
            self.gaps.append(
                CollectionGap(
                    Location(block.file, block.line),
                    "count / for_each cannot be resolved offline; one instance is assumed",
                    base,
                    "count" if "count" in block.attrs else "for_each",
                )
            )
            return Instance(base, kind, block, self, self._evaluator)
        if not self._spend(len(expansions), base):
            return None
        if expansions == [("", {})]:
            return Instance(base, kind, block, self, self._evaluator)
        members = {
            suffix: Instance(base + suffix, kind, block, self, self._evaluator.with_bindings(b))
            for suffix, b in expansions
        }
        return Group(members, base)

    def instances(self, kind: str = "resource") -> Iterator[Instance]:
        table = self.definition.resources if kind == "resource" else self.definition.data
        for rtype, name in table:
            group = self._group(kind, rtype, name, f"{rtype}.{name}")
            if isinstance(group, Instance):
                yield group
            elif isinstance(group, Group):
                yield from group.members.values()

    # ------------------------------------------------------------------ module calls

    def _expand_call(self, name: str) -> Any:
        block = self.definition.calls.get(name, None)
        if block is None:
            return None
        source = self._evaluator.eval(block.attrs["source"]) if "source" in block.attrs else None
        location = Location(block.file, block.line)
        address = f"{self.prefix}module.{name}"
        if not is_local_source(source):
            self.gaps.append(
                CollectionGap(
                    location,
                    f"module source {source!r} is not a local folder; "
                    "its resources are not scanned",
                    address,
                    "source",
                )
            )
            return None
        child_dir = posixpath.normpath(posixpath.join(self.definition.dir, str(source)))
        chain = [self.definition.dir]
        caller = self.parent
        while caller is not None:
            chain.append(caller.definition.dir)
            caller = caller.parent
        if child_dir in chain:
            cycle = " -> ".join([*reversed(chain), child_dir])
            self.gaps.append(
                CollectionGap(location, f"module cycle ({cycle}): not followed", address, "source")
            )
            return None
        if self.depth >= _MAX_MODULE_DEPTH:
            what = f"modules called {_MAX_MODULE_DEPTH} levels deep"
            self.limit_hit("max_nesting_depth", what)
            return None
        definition = self.loader.module(child_dir)
        if definition is None:
            self.gaps.append(
                CollectionGap(
                    location, f"module folder {child_dir!r} has no .tf files", address, "source"
                )
            )
            return None
        expansions = expand(self._evaluator, block.attrs)
        if expansions is None:
            self.gaps.append(
                CollectionGap(
                    location, "module count / for_each cannot be resolved offline", address, "count"
                )
            )
            expansions = [("", {})]
        if not self._spend(len(expansions), address):
            return None
        members: dict[str, ModuleInstance] = {}
        for suffix, bindings in expansions:
            ev = self._evaluator.with_bindings(bindings)
            inputs = {
                key: ev.eval(node)
                for key, node in block.attrs.items()
                if key not in ("source", "version", "count", "for_each", "providers", "depends_on")
            }
            members[suffix] = ModuleInstance(
                definition,
                f"{address}{suffix}.",
                inputs,
                self.root_dir,
                self.loader,
                self.gaps,
                self.depth + 1,
                self.cwd,
                self,
            )
        if list(members) == [""]:
            return ModuleOutputs(members[""])
        return Group({k: ModuleOutputs(v) for k, v in members.items()}, address)

    def children(self) -> Iterator[ModuleInstance]:
        for name in self.definition.calls:
            group = self.module_call(name, name)
            if isinstance(group, ModuleOutputs):
                yield group.module
            elif isinstance(group, Group):
                for member in group.members.values():
                    if isinstance(member, ModuleOutputs):
                        yield member.module

    def release(self) -> None:
        """Break the module <-> instance reference cycles once the inventory is built, so the
        memory goes back by reference counting instead of a full cyclic-GC pass later
        (which costs ~0.25 s after a 1,000-function scan).

        Emptying the module tables is enough: nothing else leads from a module back to an
        instance, so instances and their remembered values go with the mapper's views.
        (Clearing each instance's memo as well walked every instance again for no object
        fewer left to the cyclic collector.)"""
        modules = list(self.walk())
        for module in modules:
            module._groups.clear()
            module._calls.clear()
            module._locals.clear()
            module._defaults.clear()
            module.inputs = {}

    def walk(self) -> Iterator[ModuleInstance]:
        yield self
        for child in self.children():
            yield from child.walk()

    def output(self, name: str, expr: str) -> Any:
        block = self.definition.outputs.get(name)
        if block is None or "value" not in block.attrs:
            return Unknown(expr)
        return self._evaluator.eval(block.attrs["value"])


def expand(
    evaluator: Evaluator, attrs: Mapping[str, Node]
) -> list[tuple[str, dict[str, Any]]] | None:
    """Instance key suffixes and bindings for ``count`` / ``for_each``; None when unknown."""
    if "count" in attrs:
        count = evaluator.eval(attrs["count"])
        if isinstance(count, bool) or not isinstance(count, int | float) or count != count:
            return None
        if count > limits.active().max_instances:
            return [("", {})] * (limits.active().max_instances + 1)  # over the budget, unbuilt
        return [(f"[{i}]", {"count": {"index": i}}) for i in range(int(count))]
    if "for_each" in attrs:
        items = evaluator.eval(attrs["for_each"])
        if isinstance(items, Group):
            items = items.as_map()  # for_each over another for_each resource: its instances
        if isinstance(items, dict):
            pairs = list(items.items())
        elif isinstance(items, list) and all(
            isinstance(i, str) and not isinstance(i, Partial) for i in items
        ):
            pairs = [(i, i) for i in items]
        else:
            return None
        if any(isinstance(k, Partial) for k, _ in pairs):
            return None
        return [(f"[{json.dumps(k)}]", {"each": {"key": k, "value": v}}) for k, v in pairs]
    return [("", {})]


class Group(Lazy):
    """Instances of a counted / for_each resource or module call: index or splat them."""

    def __init__(self, members: Mapping[str, Any], address: str) -> None:
        self.members = dict(members)
        self.address = address

    def as_map(self) -> dict[str, Any] | None:
        """``{key: instance}`` as Terraform exposes a for_each resource; None for count."""
        out: dict[str, Any] = {}
        for suffix, member in self.members.items():
            key = json.loads(suffix[1:-1])
            if not isinstance(key, str):
                return None
            out[key] = member
        return out

    def get(self, name: str, expr: str) -> Any:
        if name == "*":
            return list(self.members.values())
        if name in self.members:
            return self.members[name]
        return Unknown(expr, self.address)


class ModuleOutputs(Lazy):
    def __init__(self, module: ModuleInstance) -> None:
        self.module = module
        self.address = module.prefix.rstrip(".")

    def get(self, name: str, expr: str) -> Any:
        return self.module.output(name, expr)


# --------------------------------------------------------------------------- instances


def _ref_address(traversal: str) -> str:
    """The referenced object: ``data.x.y.attr`` -> ``data.x.y``, ``aws_x.y.id`` -> ``aws_x.y``."""
    parts = traversal.split(".")
    keep = 3 if parts[0] == "data" else 2
    return ".".join(parts[:keep])


def _object_node(node: Node) -> Node | None:
    current = node
    while current.type in ("expression", "collection_value") and current.children:
        if current.type == "expression" and len(current.children) != 1:
            return None
        # ``children`` rather than ``child(0)``: the evaluator walked these nodes already, and
        # their children lists are remembered per node object (no new nodes made)
        current = current.children[0]
    return current if current.type == "object" else None


class _BlockReader:
    """Shared attribute/block access for an instance and its nested blocks."""

    address: str
    _prefix: str
    type: str
    location: Location
    _attrs: Mapping[str, Node]
    _blocks: list[Block]
    _evaluator: Evaluator
    _memo: dict[str, Any]

    def _raw(self, name: str) -> Any:
        node = self._attrs.get(name)
        if node is None:
            return MISSING
        cached = self._memo.get(name, MISSING)
        if cached is _IN_PROGRESS:
            return Unknown(node_text(node))
        if cached is not MISSING:
            return cached
        self._memo[name] = _IN_PROGRESS
        value = self._evaluator.eval(node)
        self._memo[name] = value
        return value

    def blocks(self, name: str) -> list[BlockView]:
        out: list[BlockView] = []
        for block in self._blocks:
            if block.type == name:
                out.append(BlockView(self, block, self._evaluator))
            elif block.type == "dynamic" and block.labels and block.labels[0] == name:
                out.extend(self._dynamic(block, name))
        return out

    def _dynamic(self, block: Block, name: str) -> list[BlockView]:
        content = block.children("content")
        if not content or "for_each" not in block.attrs:
            return []
        items = self._evaluator.eval(block.attrs["for_each"])
        iterator = name
        if "iterator" in block.attrs:
            iterator = node_text(block.attrs["iterator"]).strip()
        if isinstance(items, dict):
            pairs = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            return []
        return [
            BlockView(
                self,
                content[0],
                self._evaluator.with_bindings({iterator: {"key": k, "value": v}}),
            )
            for k, v in pairs
        ]

    def expr(self, name: str) -> str | None:
        node = self._attrs.get(name)
        return node_text(node) if node is not None else None

    def refs(self, name: str) -> list[str]:
        node = self._attrs.get(name)
        if node is None:
            return []
        return [self._prefix + _ref_address(r) for r in references(node)]

    def item_exprs(self, name: str) -> dict[str, tuple[str, list[str], int]]:
        """Per-key expression text, references and line of an object-literal attribute."""
        node = self._attrs.get(name)
        out: dict[str, tuple[str, list[str], int]] = {}
        if node is None:
            return out
        obj = _object_node(node)
        if obj is None:
            return out
        if obj.end_byte - obj.start_byte <= _ITEMS_TEXT_MAX:  # from the text, as evaluated
            plain = plain_item_exprs(node_text(obj))
            if plain is not None:
                first = obj.start_point[0] + 1
                for key, value, found, lines in plain:
                    refs = [self._prefix + _ref_address(r) for r in found]
                    out[key] = (value, refs, first + lines)
                return out
        for key_node, val_node in object_elems(obj):
            key = node_text(key_node).strip().strip('"')
            refs = [self._prefix + _ref_address(r) for r in references(val_node)]
            out[key] = (node_text(val_node), refs, val_node.start_point[0] + 1)
        return out


class BlockView(_BlockReader):
    def __init__(self, owner: _BlockReader, block: Block, evaluator: Evaluator) -> None:
        self.address = owner.address
        self._prefix = owner._prefix
        self.type = owner.type
        self.location = block.location
        self._attrs = block.attrs
        self._blocks = block.blocks
        self._evaluator = evaluator
        self._memo = {}

    #: a nested block's attributes are read as written (nothing computes them): ``_raw`` itself
    get = _BlockReader._raw


class Instance(_BlockReader, Lazy):
    """One resource or data source instance: a ``View`` for the mapper, a ``Lazy`` for refs."""

    def __init__(
        self, address: str, kind: str, block: Block, module: ModuleInstance, evaluator: Evaluator
    ) -> None:
        self.address = address
        self._prefix = module.prefix
        self.cwd = module.cwd
        self.kind = kind
        self.type = block.labels[0]
        self.block = block
        self.module = module
        self.location = block.location
        self._attrs = block.attrs
        self._blocks = block.blocks
        self._evaluator = evaluator
        self._memo = {}
        self._computed_names = _COMPUTED_NAMES.get((kind, self.type), _NO_NAMES)

    def get(self, name: str, expr: str | None = None) -> Any:
        """View access (one argument) or reference access from an expression (two)."""
        memo = self._memo
        value = memo.get(name, MISSING)  # an attribute read before: most reads
        if value is not MISSING and value is not _IN_PROGRESS:
            return value
        node = self._attrs.get(name)
        if node is not None:  # written: evaluated once (``_raw``, without the extra call)
            if value is _IN_PROGRESS:
                return Unknown(node_text(node))
            memo[name] = _IN_PROGRESS
            value = memo[name] = self._evaluator.eval(node)
            return value
        if expr is None and name not in self._computed_names:
            return MISSING  # not written, nothing computes it: the mapper's many optional reads
        computed = _COMPUTED.get((self.kind, self.type, name))
        if computed is not None:
            key = "\0" + name  # memoised apart from written attributes
            if key not in self._memo:
                self._memo[key] = Unknown(f"{self.address}.{name}", self.address, name)  # cycles
                self._memo[key] = computed(self)
            return self._memo[key]
        if expr is None:
            return MISSING
        nested = [b for b in self._blocks if b.type == name]
        if nested:
            return [_block_value(BlockView(self, b, self._evaluator)) for b in nested]
        return Unknown(expr, self.address, name)

    def ignores(self) -> list[Ignore]:
        """``fnguard:ignore`` comments inside this block or on the lines directly above it."""
        block = self.block
        in_file = self.module.definition.ignores.get(block.file)
        if not in_file:  # most files have none
            return []
        found: list[Ignore] = []
        by_end = {i.end_line: i for i in in_file}
        line = block.line - 1
        while line in by_end:
            found.append(by_end[line])
            line = by_end[line].line - 1
        for ignore in in_file:
            if block.line <= ignore.line <= block.end_line:
                found.append(ignore)
        return sorted(found, key=lambda i: i.line)


def _block_value(view: BlockView) -> dict[str, Any]:
    out: dict[str, Any] = {name: view.get(name) for name in view._attrs}
    for block in view._blocks:
        out.setdefault(block.type, []).append(_block_value(BlockView(view, block, view._evaluator)))
    return out


def _archive_hash(kind: str) -> Callable[[Instance], Any]:
    def compute(inst: Instance) -> Any:
        path = inst.get("output_path")
        if not isinstance(path, str) or isinstance(path, Partial):
            return Unknown(f"{inst.address}.output_{kind}", inst.address)
        try:
            data = inst._evaluator.read_path(path)
        except OSError:
            return Unknown(f"{inst.address}.output_{kind}", inst.address)
        if kind == "base64sha256":
            return base64.b64encode(hashlib.sha256(data).digest()).decode()
        if kind == "sha256":
            return hashlib.sha256(data).hexdigest()
        return hashlib.md5(data, usedforsecurity=False).hexdigest()

    return compute


def _bucket_attr(attr: str) -> Callable[[Instance], Any]:
    """An S3 bucket's ``id`` / ``bucket`` is its name and its ``arn`` ``arn:aws:s3:::<name>``:
    no account or region in it, so a literal name determines both before apply."""

    def compute(inst: Instance) -> Any:
        name = inst._raw("bucket")
        if not isinstance(name, str) or isinstance(name, Partial) or not name:
            return Unknown(f"{inst.address}.{attr}", inst.address, attr)
        return f"arn:aws:s3:::{name}" if attr == "arn" else name

    return compute


_COMPUTED: dict[tuple[str, str, str], Callable[[Instance], Any]] = {
    ("resource", "aws_s3_bucket", "arn"): _bucket_attr("arn"),
    ("resource", "aws_s3_bucket", "id"): _bucket_attr("id"),
    ("data", "aws_iam_policy_document", "json"): render_policy_document,
    ("data", "aws_iam_policy_document", "minified_json"): render_policy_document,
    ("data", "archive_file", "output_base64sha256"): _archive_hash("base64sha256"),
    ("data", "archive_file", "output_sha256"): _archive_hash("sha256"),
    ("data", "archive_file", "output_md5"): _archive_hash("md5"),
}
#: per (kind, type): the attribute names ``_COMPUTED`` knows, to answer unset ones quickly
_NO_NAMES: frozenset[str] = frozenset()
_COMPUTED_NAMES: dict[tuple[str, str], frozenset[str]] = {
    (kind, rtype): frozenset(n for (k, t, n) in _COMPUTED if (k, t) == (kind, rtype))
    for (kind, rtype, _) in _COMPUTED
}
