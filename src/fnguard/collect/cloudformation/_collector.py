"""The CloudFormation / SAM collector: templates (YAML or JSON) -> inventory."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fnguard.collect._fork import collect_shared
from fnguard.collect._interface import Collector
from fnguard.collect.cloudformation import CLAIMED_SUFFIXES, NAME
from fnguard.collect.cloudformation._decode import claims_text, decode, line_of
from fnguard.collect.cloudformation._foreach import LOOP_MARKER, expand_loops
from fnguard.collect.cloudformation._graph import cycles, may_cycle, raw_refs
from fnguard.collect.cloudformation._intrinsic import NO_VALUE, Resolver, prefixed
from fnguard.collect.cloudformation._mapper import Resource, TemplateMapper
from fnguard.collect.cloudformation._nested import (
    NESTED_TYPES,
    child_of,
    child_rel,
    nested_children,
    passed_parameters,
)
from fnguard.collect.cloudformation._nodes import MarkedDict, MarkedList, MarkedStr, is_mapping
from fnguard.collect.cloudformation._openapi import BodyProblem, expand_bodies
from fnguard.collect.cloudformation._sam import expand
from fnguard.collect.cloudformation._suppress import assign, comments, metadata_ignores
from fnguard.errors import InputError, LocatedError
from fnguard.model import CollectionGap, Inventory, Location, Suppression

if TYPE_CHECKING:
    from pathlib import Path

    from fnguard.collect.cloudformation._resource import Raw

__all__ = ["CloudFormationCollector", "collect_compiled", "collect_text", "read_source"]

_PEEK = 8192
_UNDERSTOOD_TRANSFORMS = ("AWS::Serverless-", "AWS::LanguageExtensions")
# Resources whose ``!Ref`` is their name, so ``!Sub "/aws/lambda/${Fn}"`` can become text.
_REF_IS_NAME = {
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName",
    "AWS::Logs::LogGroup": "LogGroupName",
}


# Keys that make a one-key map read as an intrinsic function to ``raw_refs``.
_LOOKS_INTRINSIC = ("Ref", "Fn::GetAtt", "Fn::Sub")

# CloudFormation property -> the model field a gap in it makes unknown.
_FIELDS = {
    "Environment": "environment",
    "Role": "role",
    "Policies": "policies",
    "ManagedPolicyArns": "policies",
    "AssumeRolePolicyDocument": "trust_policy",
    "KmsKeyArn": "kms_key_arn",
    "VpcConfig": "vpc",
    "TracingConfig": "tracing_mode",
    "Code": "package",
    "Runtime": "runtime",
    "Layers": "layers",
}


class CloudFormationCollector(Collector):
    """CloudFormation templates and SAM templates (``Transform: AWS::Serverless-2016-10-31``)."""

    name = NAME

    def claims(self, path: Path) -> bool:
        if not path.name.lower().endswith(CLAIMED_SUFFIXES):
            return False
        try:
            with path.open("rb") as handle:
                head = handle.read(_PEEK)
        except OSError:
            return False
        in_workflows = path.parent.name == "workflows" and path.parent.parent.name == ".github"
        return claims_text(path.name, head, in_workflows)

    def collect(self, paths: Sequence[Path], root: Path) -> Inventory:
        # a template another scanned template nests is collected as that stack's child (with
        # the values passed in, under the nesting's addresses), not a second time on its own
        nested = nested_children(paths)
        kept = [p for p in paths if p not in nested] if nested else paths
        return collect_shared(kept, root, collect_file)


def collect_file(path: Path, rel: str, prefix: str = "") -> Inventory:
    """One template's inventory; ``prefix`` keeps logical IDs of several templates apart."""
    text = read_source(path, rel)
    return text if isinstance(text, Inventory) else collect_text(text, rel, prefix, path.parent)


def _collect_child(
    parent: _Template, stack: Resource, location: str, given: Mapping[str, Any]
) -> _Parts:
    """A nested stack's local template as part of its parent; what fails is a gap."""
    rel = child_rel(parent.rel, location)
    where = Location(parent.rel, stack.location.line)

    def gap(reason: str, at: Location = where) -> _Parts:
        return [], Inventory(gaps=(CollectionGap(at, reason, stack.address, "nested_stack"),))

    if parent.base is None:
        return gap(f"nested template {location} cannot be read without the template's folder")
    path = parent.base / location
    if str(path.resolve()) in parent.nesting:
        return gap(f"nested template {location} nests itself; its resources are not analysed")
    text = read_source(path, rel)
    if isinstance(text, Inventory):
        return gap(f"nested template {location}: {text.gaps[0].reason}")
    try:
        child = _built(text, rel, f"{stack.address}/", path.parent, given, parent.nesting)
        resources, own, children = child.parts()
    except LocatedError as exc:
        return gap(f"nested template cannot be collected: {exc.expected}", Location(rel, exc.line))
    return resources, own.merge(children)


def read_source(path: Path, rel: str) -> str | Inventory:
    """A source file's text, or an inventory holding the "file" gap that says why not."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        return Inventory(
            gaps=(CollectionGap(Location(rel), f"cannot read: {exc.strerror}", "", "file"),)
        )
    except UnicodeDecodeError as exc:
        return Inventory(
            gaps=(CollectionGap(Location(rel), f"not UTF-8 text (byte {exc.start})", "", "file"),)
        )


def collect_text(
    text: str,
    rel: str,
    prefix: str = "",
    base: Path | None = None,
    *,
    given: Mapping[str, Any] | None = None,
    nesting: tuple[str, ...] = (),
) -> Inventory:
    """``base`` is the template's folder: files it names (OpenAPI bodies, nested templates)
    are read from there. ``given`` are the parameter values a parent stack passes in and
    ``nesting`` the templates (real paths) this one is nested in."""
    return _built(text, rel, prefix, base, given, nesting).inventory()


def _built(
    text: str,
    rel: str,
    prefix: str,
    base: Path | None,
    given: Mapping[str, Any] | None,
    nesting: tuple[str, ...],
) -> _Template:
    template = decode(text, rel)
    # AWS::LanguageExtensions loops become the resources they generate before anything reads
    # them; the marker's absence from the text spares every other template the walk
    loops = expand_loops(template) if LOOP_MARKER in text else None
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        raise InputError(rel, line_of(template, 1), "expected a Resources mapping")
    built = _Template(template, resources, text, rel, prefix)
    built.base = base
    built.given = given
    here = str((base / posixpath.basename(rel)).resolve()) if base is not None else rel
    built.nesting = (*nesting, here) if nesting else (here,)
    if loops is not None:
        built.written = loops.written
        built.loops = loops.loops
        built.gaps.extend(
            CollectionGap(built.location(p.line), p.reason, built.address(p.loop), "")
            for p in loops.problems
        )
    return built


def collect_compiled(
    template: Mapping[str, Any],
    raws: list[Raw],
    text: str,
    rel: str,
    spans: Mapping[str, tuple[int, int]],
    prefix: str = "",
    base: Path | None = None,
) -> Inventory:
    """The inventory of resources another format compiled to CloudFormation (serverless.yml).

    ``template`` gives ``Resources`` (for ``DependsOn`` and ``Metadata``), ``Parameters`` and
    ``Conditions``; ``raws`` are the compiled resources, each with the line and the ``origin``
    (a key of ``spans``: first and last line of what the user wrote) that suppressions use.
    Without ``Resources`` the written resources are ``raws`` as they are (no ``DependsOn``,
    no ``Metadata``), read from them without a template around them.
    """
    resources = template.get("Resources")
    built = _Template(
        template,
        resources if isinstance(resources, Mapping) else {},
        text,
        rel,
        prefix,
        raws,
        spans,
    )
    built.base = base
    built.written_raws = resources is None
    return built.inventory()


# A nested stack's resolved resources and its gaps, suppressions and sources.
_Parts = tuple[list["Resource"], Inventory]


class _Template:
    def __init__(
        self,
        template: Mapping[str, Any],
        resources: Mapping[str, Any],
        text: str,
        rel: str,
        prefix: str,
        compiled: list[Raw] | None = None,
        spans: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.compiled = compiled
        self.given_spans = spans
        self.template = template
        self.resources = resources
        self.text = text
        self.rel = rel
        self.prefix = prefix
        self.gaps: list[CollectionGap] = []
        # generated by a loop: logical ID -> line of the OutputKey written (see _foreach)
        self.written: Mapping[str, int] = {}
        # each loop's line and what it generated: a comment on or above it covers all of that
        self.loops: Mapping[str, tuple[int, tuple[str, ...]]] = {}
        self.base: Path | None = None  # the template's folder, for the files it names
        self.given: Mapping[str, Any] | None = None  # parameters a parent stack passes in
        self.nesting: tuple[str, ...] = ()  # the templates this one is nested in
        # each written resource's Metadata, by logical ID (read with the rest of the resources)
        self.metadata: dict[Any, Any] = {}
        # the compiled resources are the written ones (``collect_compiled`` without Resources)
        self.written_raws = False

    @functools.cached_property
    def key_lines(self) -> dict[str, int]:
        """Each logical ID's line (worked out on first use: most templates never ask)."""
        return {str(k): line_of(k, line_of(v)) for k, v in self.resources.items()}

    def address(self, logical_id: str) -> str:
        return f"{self.prefix}{logical_id}"

    def location(self, line: int) -> Location:
        return Location(self.rel, line)

    def inventory(self) -> Inventory:
        resources, own, children = self.parts()
        mapper_gaps: list[CollectionGap] = []
        inventory = TemplateMapper(resources, mapper_gaps).build()
        own = Inventory(
            gaps=own.gaps + tuple(mapper_gaps), suppressions=own.suppressions, sources=own.sources
        )
        return inventory.merge(own, children)

    def parts(self) -> tuple[list[Resource], Inventory, Inventory]:
        """The resolved resources (nested stacks' included) to map together, this template's
        gaps, suppressions and source, and its nested stacks' ones."""
        raws = self.compiled if self.compiled is not None else self._expanded()
        # OpenAPI bodies (Body, BodyS3Location, DefinitionBody, DefinitionUri): the words'
        # absence from the text spares every other template the walk, as for loops
        problems: list[BodyProblem] = []
        if "Body" in self.text or "DefinitionUri" in self.text:
            raws, problems = expand_bodies(raws, self.base, self.rel)
        for p in problems:
            location = Location(p.file or self.rel, p.line)
            self.gaps.append(CollectionGap(location, p.reason, self.address(p.logical_id), "body"))
        return self._resolved(raws)

    def _expanded(self) -> list[Raw]:
        self._transforms()
        for logical_id, node in self.resources.items():
            # a function other than Fn::ForEach (expanded by collect_text) in a logical ID's place
            if str(logical_id).startswith("Fn::"):
                self.gaps.append(
                    CollectionGap(
                        self.location(self.key_lines.get(str(logical_id), 0)),
                        f"{str(logical_id).split('::')[1]} is not expanded; "
                        "the resources it generates are not analysed",
                        self.address(str(logical_id)),
                        "",
                    )
                )
                continue
            kind = node.__class__
            # the plain ``get`` for a decoded map (the marked one's differs for a map default)
            rtype = (
                dict.get(node, "Type")
                if kind is dict or kind is MarkedDict
                else node.get("Type")
                if is_mapping(node)
                else None
            )
            if not isinstance(rtype, str):
                raise InputError(
                    self.rel,
                    line_of(node, self.key_lines.get(str(logical_id), 0)),
                    f"expected a Type for resource {logical_id}",
                )
        raws, problems = expand(self.template, self.resources)
        for logical_id, line, reason in problems:
            self.gaps.append(
                CollectionGap(self.location(line), reason, self.address(logical_id), "")
            )
        return raws

    def _resolved(self, raws: list[Raw]) -> tuple[list[Resource], Inventory, Inventory]:
        names, after = _names_of(raws) if self.written_raws else self._read_resources()
        resolver = Resolver(self.template, {r.logical_id: r for r in raws}, names, self.given)
        kept = self._conditional(raws, resolver)
        # the cycle check needs each resource's references, which resolution meets anyway:
        # they are gathered on the way and its gaps go where they belong, before resolution's
        cycle_gaps_at = len(self.gaps)
        mentions: dict[str, set[str]] = {}
        resolved: list[Resource] = []
        prefix = self.prefix
        resolve = resolver.resolve
        # a property's map or list goes straight to where ``resolve`` would send it at depth 0
        resolve_map, resolve_list = resolver._map, resolver._list
        where: dict[int, Location] = {}  # one location per line: they cannot change
        # cross-references carry the file prefix as addresses do: resolution puts it on
        resolver.prefix = prefix
        for raw in kept:
            mentioned = resolver.mentioned = mentions.setdefault(raw.logical_id, set())
            if len(raw.props) == 1 and next(iter(raw.props)) in _LOOKS_INTRINSIC:
                mentioned.update(raw_refs(raw.props))  # the whole map reads as one function
                resolver.mentioned = None
            props: dict[str, Any] = {}
            for key, node in raw.props.items():
                kind = node.__class__
                if kind is str or kind is int or kind is bool:  # as ``resolve`` gives them
                    props[key] = node
                    continue
                if kind is MarkedStr:
                    props[key] = str(node)
                    continue
                if kind is dict or kind is MarkedDict:
                    value = resolve_map(node, 0)
                elif kind is list or kind is MarkedList:
                    value = resolve_list(node, 0)
                else:
                    value = resolve(node)
                if resolver.problems:
                    self._drain(resolver, raw, _FIELDS.get(key, key.lower()))
                if value is not NO_VALUE:
                    props[key] = value
            location = Location(raw.file, raw.line) if raw.file else where.get(raw.line)
            if location is None:
                location = where[raw.line] = self.location(raw.line)
            resolved.append(
                Resource(
                    f"{prefix}{raw.logical_id}",
                    raw.type,
                    props,
                    location,
                    raw.origin,
                    _env_lines(raw.props) if "Environment" in raw.props else None,
                )
            )
        resolver.mentioned = None
        resolver.prefix = ""
        self.gaps[cycle_gaps_at:cycle_gaps_at] = self._cycles(kept, mentions, after)
        children: list[Inventory] = []
        for res in [r for r in resolved if r.type in NESTED_TYPES]:
            nested, found = self._child(res)
            resolved.extend(nested)
            children.append(found)
        own = Inventory(
            gaps=tuple(self.gaps),
            suppressions=tuple(self._suppressions(kept)),
            sources=(self.rel,),
        )
        return resolved, own, Inventory.combine(children) if children else Inventory()

    def _child(self, stack: Resource) -> _Parts:
        child = child_of(stack.type, stack.props)
        if child.location is None:
            reason = child.problem or "nested template not read"
            at = self.location(stack.location.line)
            return [], Inventory(gaps=(CollectionGap(at, reason, stack.address, "nested_stack"),))
        return _collect_child(self, stack, child.location, passed_parameters(stack.props))

    def _transforms(self) -> None:
        """Macros other than SAM run in CloudFormation; what they generate is not seen here."""
        transform = self.template.get("Transform")
        names = transform if isinstance(transform, list) else [transform]
        for name in names:
            if isinstance(name, str) and not name.startswith(_UNDERSTOOD_TRANSFORMS):
                self.gaps.append(
                    CollectionGap(
                        self.location(line_of(transform, 1)),
                        f"transform {name} is not applied; resources it adds are not analysed",
                        "",
                        "",
                    )
                )

    def _read_resources(self) -> tuple[dict[str, str], list[tuple[str, Any]]]:
        """One pass over the written resources: the names their ``!Ref`` stands for (see
        ``_REF_IS_NAME``) and the ``DependsOn`` of those that have one; their ``Metadata``
        is kept for ``_suppressions`` (by logical ID as written)."""
        names: dict[str, str] = {}
        depends: list[tuple[str, Any]] = []
        metadata = self.metadata = {}
        for logical_id, node in self.resources.items():
            kind = node.__class__
            # a decoded or compiled resource: the plain ``get`` (a marked map's own ``get``
            # differs only for a mapping default)
            if kind is dict or kind is MarkedDict:
                rtype = dict.get(node, "Type")
                after = dict.get(node, "DependsOn")
                meta = dict.get(node, "Metadata")
            elif is_mapping(node):
                rtype = node.get("Type")
                after = node.get("DependsOn")
                meta = node.get("Metadata")
            else:
                continue
            if after is not None:  # few resources
                depends.append((str(logical_id), after))
            if meta is not None:  # few resources
                metadata[logical_id] = meta
            # only text names a type of the table (a marked string hashes as its text)
            key = _REF_IS_NAME.get(rtype) if isinstance(rtype, str) else None
            if not key:
                continue
            props: Any = (
                dict.get(node, "Properties")
                if kind is dict or kind is MarkedDict
                else node.get("Properties")
            )
            kind = props.__class__
            value = (
                dict.get(props, key)
                if kind is dict or kind is MarkedDict
                else props.get(key)
                if is_mapping(props)
                else None
            )
            if isinstance(value, str):
                names[str(logical_id)] = str(value)
        return names, depends

    def _drain(self, resolver: Resolver, raw: Raw, field: str) -> None:
        """Resolution problems become gaps on the resource's field (the rest stays usable)."""
        for line, message in resolver.problems:
            location = self.location(line or raw.line)
            self.gaps.append(CollectionGap(location, message, self.address(raw.logical_id), field))
        resolver.problems.clear()

    def _conditional(self, raws: list[Raw], resolver: Resolver) -> list[Raw]:
        kept: list[Raw] = []
        for raw in raws:
            if raw.condition is None:
                kept.append(raw)
                continue
            value = resolver.condition(raw.condition)
            self._drain(resolver, raw, "condition")
            if value is False:
                continue
            if value is None:
                self.gaps.append(
                    CollectionGap(
                        self.location(raw.line),
                        f"condition {raw.condition} depends on deploy-time values; "
                        "the resource is assumed to exist",
                        self.address(raw.logical_id),
                        "condition",
                    )
                )
            kept.append(raw)
        return kept

    def _cycles(
        self, raws: list[Raw], mentions: dict[str, set[str]], after: list[tuple[str, Any]]
    ) -> list[CollectionGap]:
        """Gaps for the dependency cycles among ``raws``; ``mentions``: the logical IDs each
        one's properties name (``raw_refs``), by logical ID (one entry per raw; the sets are
        this check's own and gain the ``DependsOn`` targets), ``after``: (logical ID, its
        ``DependsOn``) of the resources written with one."""
        for logical_id, depends in after:
            targets = (
                depends
                if isinstance(depends, list)
                else [depends]
                if isinstance(depends, str)
                else []
            )
            own = mentions.get(logical_id)
            if own is not None:
                own.update(str(t) for t in targets if str(t) in mentions)
        # a name that is no resource here (a parameter, a pseudo parameter) depends on
        # nothing, so the quick test takes the sets as they are; the search, the rare case,
        # keeps only the resources
        if not may_cycle(mentions):
            return []
        ids = {r.logical_id for r in raws}
        found = cycles({logical_id: targets & ids for logical_id, targets in mentions.items()})
        gaps: list[CollectionGap] = []
        lines = {r.logical_id: r.line for r in raws} if found else {}
        for members in found:
            names = ", ".join(sorted(members))
            gaps.extend(
                CollectionGap(
                    self.location(lines.get(member, 0)),
                    f"circular dependency between {names}: CloudFormation cannot deploy this",
                    self.address(member),
                    "depends_on",
                )
                for member in sorted(members)
            )
        return gaps

    def _suppressions(self, raws: list[Raw]) -> list[Suppression]:
        found = comments(self.text)
        given = self.given_spans
        # a template's own spans (and its logical IDs' lines) are worked out only when a
        # comment or a Metadata ignore asks for them: most templates have neither
        spans = given if given is not None or not found else self._spans()
        owned = assign(found, self.text.splitlines(), spans) if spans and found else {}
        origins = list(given) if given is not None else [*self.resources, *self.loops]
        wanted: list[tuple[str, list[tuple[str, str, int]]]] = []
        written = self.metadata
        for logical_id in origins:
            claimed = owned.get(str(logical_id)) if owned else None
            metadata = written.get(logical_id) if written else None
            if claimed is None and metadata is None:  # most resources
                continue
            origin = str(logical_id)
            entries = [(r, c.reason, c.line) for c in claimed or [] for r in c.rules]
            ignores = metadata_ignores(metadata) if metadata is not None else []
            if ignores:
                if spans is None:
                    spans = self._spans()
                start = self.key_lines.get(origin, spans[origin][0] if origin in spans else 0)
                entries.extend((rule, reason, start) for rule, reason in ignores)
            if entries:
                wanted.append((origin, entries))
        if not wanted:
            return []
        by_origin: dict[str, list[str]] = {}
        for raw in raws:
            by_origin.setdefault(raw.origin, []).append(raw.logical_id)
        for loop, (_, generated) in self.loops.items():
            by_origin[loop] = [t for g in generated for t in by_origin.get(g, [])]
        out: list[Suppression] = []
        for origin, entries in wanted:
            for rule, reason, line in entries:
                out.extend(
                    Suppression(rule, self.address(t), reason, self.location(line))
                    for t in by_origin.get(origin, [])
                )
        return out

    def _spans(self) -> dict[str, tuple[int, int]]:
        """First and last line of each resource (the end as YAML marks it, 1-based)."""
        spans: dict[str, tuple[int, int]] = {}
        for logical_id, node in self.resources.items():
            first = self.written.get(str(logical_id)) or self.key_lines.get(
                str(logical_id), line_of(node)
            )
            end_mark = getattr(node, "end_mark", None)
            last = first
            if end_mark is not None:
                last = int(end_mark.line) + (1 if int(end_mark.column) > 0 else 0)
            spans[str(logical_id)] = (first, max(first, last))
        for loop, (line, _) in self.loops.items():
            spans[loop] = (line, line)
        return spans


def _names_of(raws: list[Raw]) -> tuple[dict[str, str], list[tuple[str, Any]]]:
    """``_read_resources`` for resources written as ``raws`` (each ``{"Type": type,
    "Properties": props}`` under its logical ID, the last of a repeated ID winning)."""
    names: dict[str, str] = {}
    for raw in raws:
        key = _REF_IS_NAME.get(raw.type)
        value = raw.props.get(key) if key else None
        if isinstance(value, str):
            names[raw.logical_id] = str(value)
        elif names:
            names.pop(raw.logical_id, None)
    return names, []


def _env_lines(props: Mapping[str, Any]) -> dict[str, int]:
    env: Any = props.get("Environment")
    kind = env.__class__
    if kind is dict or kind is MarkedDict:
        variables = dict.get(env, "Variables")
    else:
        variables = env.get("Variables") if is_mapping(env) else None
    if not is_mapping(variables):
        return {}
    out: dict[str, int] = {}
    for k in variables:
        if k.__class__ is str:  # a name with no place in the source (compiled)
            continue
        # ``line_of`` inline: the names are many and most are marked
        line = getattr(getattr(k, "start_mark", None), "line", None)
        if isinstance(line, int) and line + 1:
            out[str(k)] = int(line) + 1
    return out


# The prefixing, done by resolution itself now, under the name earlier callers know.
_prefixed = prefixed
