"""Google Cloud Functions resource views -> inventory objects, with Google's defaults applied.

Gen 1 (``google_cloudfunctions_function``) and gen 2 (``google_cloudfunctions2_function``:
``build_config`` / ``service_config`` / ``event_trigger``) functions, with what decides their
security: the service account they run as (declared, or the default App Engine / compute one)
and the project roles it holds, who may invoke them (function IAM and, for gen 2, the IAM of the
Cloud Run service underneath), their ingress and HTTPS setting, VPC connector, CMEK, environment
and Secret Manager references, event triggers (Pub/Sub, Storage) and deployed source.

Conventions the rules rely on (the model has no GCP-specific fields for them):

- an IAM grant on a function is a ``Permission`` with ``principal`` = the member
  (``allUsers``, ``serviceAccount:...``) and ``action`` = the role;
- a service account is a ``Role`` whose ``arn`` holds its e-mail; roles granted to it on one
  bucket or topic (not the project) are ``Policy`` objects of kind ``RESOURCE`` whose ``arn``
  names that resource and whose document is the IAM policy fragment
  ``{"bindings": [{"role": ..., "members": [...]}]}`` (identity-policy readers skip that kind);
- the HTTP entry of a function is a ``FrontDoor`` of kind ``GCP_HTTP`` at the function's own
  address, ``authorization`` ``"NONE"`` when allUsers / allAuthenticatedUsers may invoke it,
  ``"IAM"`` otherwise, ``None`` when the invoker policy could not be read; ``waf_acl`` names the
  Cloud Armor policy of a load balancer whose serverless NEG targets the function;
- a VPC connector is the one entry of ``VpcConfig.subnet_ids`` (the subnet it attaches from).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from fnguard.collect._shared import package_path
from fnguard.collect.terraform._aws import _bool as _flag
from fnguard.collect.terraform._aws import _int, _is_literal_expr, _unset
from fnguard.collect.terraform._aws import _known_str as _text
from fnguard.collect.terraform._aws import resource_type as _type_of
from fnguard.collect.terraform._eval import Partial, Unknown
from fnguard.collect.terraform._view import MISSING
from fnguard.model import (
    CollectionGap,
    EnvVar,
    FrontDoor,
    FrontDoorKind,
    Function,
    InheritedGrant,
    Inventory,
    InvocationType,
    Location,
    LoggingConfig,
    PackageRef,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
    Trigger,
    TriggerKind,
    VpcConfig,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from fnguard.collect.terraform._view import View

__all__ = ["map_gcp", "memory_mb"]

GEN1 = "google_cloudfunctions_function"
GEN2 = "google_cloudfunctions2_function"
_FUNCTIONS = (GEN1, GEN2)
_SA = "google_service_account"
_BUCKET = "google_storage_bucket"
_TOPIC = "google_pubsub_topic"
# Attribute holding each type's own name: literals elsewhere are matched to addresses by it.
_IDENTITY = {
    GEN1: "name",
    GEN2: "name",
    _SA: "account_id",
    _BUCKET: "name",
    _TOPIC: "name",
    "google_vpc_access_connector": "name",
    "google_kms_crypto_key": "name",
    "google_compute_security_policy": "name",
}
_COMPUTE_SA = re.compile(r"(?:^|:)([^:@]*)-compute@developer\.gserviceaccount\.com$")
_APPSPOT_SA = re.compile(r"(?:^|:)([^:@]*)@appspot\.gserviceaccount\.com$")
_SA_EMAIL = re.compile(
    r"(?:^|:)([a-z][a-z0-9-]{4,28}[a-z0-9])@([^.@]+)\.iam\.gserviceaccount\.com$"
)
_DEFAULT_SA_DATA = {
    "google_compute_default_service_account": "compute",
    "google_app_engine_default_service_account": "appspot",
}
# Gen 1 Pub/Sub and Storage trigger resources name their topic / bucket in these forms.
_TOPIC_PATH = re.compile(r"^projects/[^/]+/topics/([^/]+)$")
_BUCKET_PATH = re.compile(r"^(?:projects/[^/]+/buckets/|gs://)?([^/]+)/?$")
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(k|Ki|M|Mi|G|Gi)?\s*$")
_MEMORY_MB = {None: 1 / (1024 * 1024), "k": 1 / 1024, "Ki": 1 / 1024, "M": 1, "Mi": 1}
_MEMORY_MB |= {"G": 1024, "Gi": 1024}
_SECRET_REF = re.compile(r"google_secret_manager_secret")
_SA_REF = re.compile(r"\$\{(?:[\w.\[\]\"-]*\.)?(google_service_account\.[\w-]+)")
# Grants that let a member call the function (any role but a read-only one does).
# Roles granted above the project reach every project beneath: (resource type prefix, the
# attribute naming where, how findings name it).
_ANCESTORS = (
    ("google_folder_iam", "folder", "folder"),
    ("google_organization_iam", "org_id", "organization"),
)


def _iam_kinds(prefix: str) -> tuple[str, str, str]:
    return (f"{prefix}_member", f"{prefix}_binding", f"{prefix}_policy")


_READ_ONLY_ROLE = re.compile(r"\.viewer$|^roles/browser$")


def map_gcp(views: Sequence[View]) -> Inventory:
    """The Cloud Functions of a configuration and what surrounds them; empty without any."""
    google = [v for v in views if v.type.startswith("google_") or v.type == "archive_file"]
    if not any(v.type in _FUNCTIONS for v in google):
        return Inventory()
    return _GcpMapper(google).build()


def memory_mb(value: Any) -> int | None:
    """Gen 2 ``available_memory`` ("256M", "1Gi", bytes) in MB; ``None`` when unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value / (1024 * 1024))
    text = _text(value)
    match = _MEMORY.match(text) if text else None
    if match is None:
        return None
    return round(float(match.group(1)) * _MEMORY_MB[match.group(2)])


class _GcpMapper:
    def __init__(self, views: Sequence[View]) -> None:
        self.by_address = {v.address: v for v in views}
        self.by_type: dict[str, list[View]] = {}
        for view in views:
            self.by_type.setdefault(view.type, []).append(view)
        self.identity: dict[tuple[str, str], str] = {}
        for view in views:
            attr = _IDENTITY.get(view.type)
            name = _text(view.get(attr)) if attr else None
            if name:
                self.identity.setdefault((view.type, name), view.address)
        self.gaps: list[CollectionGap] = []
        self.roles: dict[str, Role] = {}  # service accounts, by address

    # ------------------------------------------------------------------ helpers

    def of(self, rtype: str) -> list[View]:
        return self.by_type.get(rtype, [])

    def gap(self, view: View, field: str, value: Any, attr: str) -> None:
        expr = view.expr(attr) or (value.expr if isinstance(value, Unknown) else "")
        reason = f"{expr} cannot be resolved offline" if expr else "value computed at apply time"
        self.gaps.append(CollectionGap(view.location, reason, view.address, field))

    def _existing(self, address: str) -> str | None:
        if address in self.by_address:
            return address
        prefix = address + "["
        return next((a for a in self.by_address if a.startswith(prefix)), None)

    def ref(self, view: View, attr: str, types: Sequence[str]) -> str | None:
        """The address of a declared resource of ``types`` the attribute refers to or names."""
        for ref in view.refs(attr):
            if _type_of(ref) in types:
                found = self._existing(ref)
                if found:
                    return found
        value = view.get(attr)
        if isinstance(value, Unknown) and value.address and _type_of(value.address) in types:
            return self._existing(value.address)
        literal = _text(value)
        if literal:
            tail = literal.rstrip("/").rsplit("/", 1)[-1]
            for rtype in types:
                found = self.identity.get((rtype, literal)) or self.identity.get((rtype, tail))
                if found:
                    return found
        return None

    def ref_or_text(self, view: View, attr: str, types: Sequence[str], field: str) -> str | None:
        """A declared resource's address, else the literal, else ``None`` (a gap if set)."""
        found = self.ref(view, attr, types)
        if found:
            return found
        value = view.get(attr)
        literal = _text(value)
        if literal is None and not _unset(value):
            self.gap(view, field, value, attr)
        return literal

    def scalar(self, view: View | None, attr: str, field: str, default: Any, kind: str) -> Any:
        if view is None:
            return default
        value = view.get(attr)
        if _unset(value):
            return default
        known = _flag(value) if kind == "flag" else _text(value) if kind == "text" else _int(value)
        if known is None:
            self.gap(view, field, value, attr)
        return known

    def first(self, view: View | None, name: str) -> View | None:
        if view is None:
            return None
        blocks = view.blocks(name)
        return blocks[0] if blocks else None

    def members(self, view: View, attr: str) -> list[str] | None:
        """``member`` (one) or ``members`` (a list) as text; ``None`` when not readable."""
        value = view.get(attr)
        items = value if isinstance(value, list) else [value]
        out = [m for m in (str(i) if isinstance(i, str) else None for i in items) if m]
        return out if len(out) == len(items) else None

    # ------------------------------------------------------------------ inventory

    def build(self) -> Inventory:
        for view in self.of(_SA):
            self.roles[view.address] = self._account(view)
        grants = self._function_grants()
        functions: list[Function] = []
        triggers: list[Trigger] = []
        doors: list[FrontDoor] = []
        permissions: list[Permission] = []
        armor = self._armor()
        for gen, rtype in ((1, GEN1), (2, GEN2)):
            for view in self.of(rtype):
                fn, http = self._function(view, gen)
                functions.append(fn)
                perms, unread = grants.get(view.address, ([], False))
                permissions.extend(perms)
                triggers.extend(self._event_triggers(view, fn, gen))
                if http:
                    doors.append(self._door(fn, perms, unread, armor.get(view.address)))
                    triggers.append(
                        Trigger(
                            address=fn.address,
                            kind=TriggerKind.GCP_HTTP,
                            function=fn.address,
                            invocation=InvocationType.SYNC,
                            location=fn.location,
                            source=fn.address,
                            front_door=fn.address,
                        )
                    )
        roles = self._with_grants(list(self.roles.values()))
        return Inventory(
            functions=tuple(functions),
            roles=tuple(roles),
            triggers=tuple(triggers),
            front_doors=tuple(doors),
            permissions=tuple(permissions),
            gaps=tuple(self.gaps),
        )

    # ------------------------------------------------------------------ functions

    def _function(self, v: View, gen: int) -> tuple[Function, bool]:
        """The function, and whether it has an HTTP trigger."""
        build: View | None = v
        service: View | None = v
        if gen == 1:
            memory = self.scalar(v, "available_memory_mb", "memory_mb", 256, "int")
            timeout = self.scalar(v, "timeout", "timeout_s", 60, "int")
            max_attr, env_attr = "max_instances", "environment_variables"
            http = bool(self.scalar(v, "trigger_http", "triggers", False, "flag"))
            level = None
            if http:  # unset: SECURE_OPTIONAL, the Cloud Functions v1 API default
                level = self.scalar(
                    v,
                    "https_trigger_security_level",
                    "https_security_level",
                    "SECURE_OPTIONAL",
                    "text",
                )
        else:
            build = self.first(v, "build_config")
            service = self.first(v, "service_config")
            memory = self._gen2_memory(service)
            timeout = self.scalar(service, "timeout_seconds", "timeout_s", 60, "int")
            max_attr, env_attr = "max_instance_count", "environment_variables"
            http = not v.blocks("event_trigger")
            # Gen 2 functions are Cloud Run services: served over HTTPS only.
            level = "SECURE_ALWAYS" if http else None
        name = self.scalar(v, "name", "name", None, "text")
        fn = Function(
            address=v.address,
            provider=Provider.GCP,
            location=v.location,
            name=name,
            runtime=self.scalar(build, "runtime", "runtime", None, "text"),
            memory_mb=memory,
            timeout_s=timeout,
            handler=self.scalar(build, "entry_point", "handler", None, "text"),
            environment=self._environment(v, service, env_attr),
            kms_key_arn=self.ref_or_text(
                v, "kms_key_name", ("google_kms_crypto_key",), "kms_key_arn"
            ),
            role=self._function_account(v, service, gen),
            vpc=self._vpc(v, service),
            tracing_mode=None,
            recursive_loop=None,
            logging=LoggingConfig(),
            package=self._package(v, build, gen),
            tags=self._labels(v),
            gcp_generation=gen,
            gcp_ingress=self.scalar(service, "ingress_settings", "ingress", "ALLOW_ALL", "text"),
            gcp_https_security_level=level,
            max_instances=self._max_instances(service, max_attr),
        )
        return fn, http

    def _gen2_memory(self, service: View | None) -> int | None:
        value = service.get("available_memory") if service is not None else MISSING
        if _unset(value):
            return 256  # "256M", the documented default
        mb = memory_mb(value)
        if mb is None and service is not None:
            self.gap(service, "memory_mb", value, "available_memory")
        return mb

    def _max_instances(self, service: View | None, attr: str) -> int | None:
        count = self.scalar(service, attr, "max_instances", None, "int")
        return count if count else None  # 0 or unset: no limit of the user's

    def _labels(self, v: View) -> Mapping[str, str]:
        labels = v.get("labels")
        if not isinstance(labels, dict):
            return {}
        return {k: s for k, val in labels.items() if (s := _text(val)) is not None}

    def _environment(self, owner: View, v: View | None, attr: str) -> tuple[EnvVar, ...]:
        if v is None:
            return ()
        out = list(self._plain_env(owner, v, attr))
        for block in v.blocks("secret_environment_variables"):
            key = _text(block.get("key"))
            if key is None:
                self.gap(block, "environment", block.get("key"), "key")
                continue
            secret = _text(block.get("secret")) or block.expr("secret") or "?"
            project = _text(block.get("project_id")) or "PROJECT"
            version = _text(block.get("version")) or "latest"
            out.append(
                EnvVar(
                    name=key,
                    value=f"projects/{project}/secrets/{secret}/versions/{version}",
                    is_reference=True,
                    location=block.location,
                    source_expr=None,
                )
            )
        return tuple(out)

    def _plain_env(self, owner: View, v: View, attr: str) -> Iterator[EnvVar]:
        variables = v.get(attr)
        if _unset(variables):
            return
        if not isinstance(variables, dict):
            self.gap(v, "environment", variables, attr)
            return
        item_exprs = getattr(v, "item_exprs", None)
        exprs: Mapping[str, tuple[str, list[str], int]] = item_exprs(attr) if item_exprs else {}
        for key, value in variables.items():
            expr, refs, line = exprs.get(key, (None, [], v.location.line))
            literal = str(value).lower() if isinstance(value, bool) else _text(value)
            is_literal = expr is not None and _is_literal_expr(expr)
            is_reference = bool(refs) or bool(expr and _SECRET_REF.search(expr))
            if literal is None and not is_reference:
                self.gaps.append(
                    CollectionGap(
                        v.location,
                        # Not the expression: its literal parts may hold a secret.
                        f"environment variable {key} is computed at apply time",
                        owner.address,
                        "environment",
                    )
                )
            yield EnvVar(
                name=key,
                value=literal,
                is_reference=is_reference,
                location=Location(v.location.file, line),
                source_expr=None if is_literal else expr,
            )

    def _vpc(self, v: View, service: View | None) -> VpcConfig | None:
        holder = service if service is not None else v
        value = holder.get("vpc_connector")
        if _unset(value):
            return None
        connector = self.ref_or_text(
            holder, "vpc_connector", ("google_vpc_access_connector",), "vpc"
        )
        if connector is None:
            return None
        return VpcConfig(subnet_ids=(connector,))

    def _package(self, v: View, build: View | None, gen: int) -> PackageRef:
        if gen == 1:
            holder: View | None = v
            obj_attr = "source_archive_object"
        else:
            source = self.first(build, "source")
            holder = self.first(source, "storage_source")
            obj_attr = "object"
        if holder is None:
            return PackageRef()
        obj = self.ref(holder, obj_attr, ("google_storage_bucket_object",))
        obj_view = self.by_address.get(obj) if obj else None
        if obj_view is None:
            return PackageRef()
        path = _text(obj_view.get("source"))
        source_dir: str | None = None
        for ref in obj_view.refs("source"):
            if _type_of(ref) == "archive_file":
                archive = self.by_address.get(self._existing(ref) or "")
                if archive is not None:
                    source_dir = _text(archive.get("source_dir")) or _text(
                        archive.get("source_file")
                    )
        base = getattr(v, "cwd", ".")
        # An object named after the archive's hash is redeployed when (and only when) it changes.
        name_expr = obj_view.expr("name") or ""
        hashed = any(h in name_expr for h in ("output_md5", "output_sha", "output_base64sha"))
        return PackageRef(
            path=package_path(base, path) if path else None,
            hash_declared=hashed or obj_view.expr("source_md5hash") is not None,
            source_dir=package_path(base, source_dir) if source_dir else None,
        )

    # ------------------------------------------------------------------ service accounts

    def _account(self, v: View) -> Role:
        account = _text(v.get("account_id"))
        project = _text(v.get("project"))
        email = f"{account}@{project}.iam.gserviceaccount.com" if account and project else None
        return Role(
            address=v.address,
            provider=Provider.GCP,
            location=v.location,
            name=account,
            arn=email,
        )

    def _function_account(self, v: View, service: View | None, gen: int) -> str | None:
        holder = service if service is not None else v
        value = holder.get("service_account_email")
        if _unset(value):
            return self._default_account(v, "appspot" if gen == 1 else "compute")
        declared = self.ref(holder, "service_account_email", (_SA,))
        if declared:
            return declared
        for ref in holder.refs("service_account_email"):
            kind = _DEFAULT_SA_DATA.get(_type_of(ref) or "")
            if kind:
                return self._default_account(v, kind)
        text = _text(value) or (value if isinstance(value, Partial) else None)
        if text:
            kind = _default_kind(text)
            if kind:
                return self._default_account(v, kind, text)
            match = _SA_EMAIL.search(text)
            found = self.identity.get((_SA, match.group(1))) if match else None
            if found:
                return found
        if text and not isinstance(text, Partial):
            self.gaps.append(
                CollectionGap(
                    v.location,
                    f"service account {text} is not declared in the scanned configuration",
                    v.address,
                    "role",
                )
            )
            return text
        self.gap(holder, "role", value, "service_account_email")
        return None

    def _default_account(self, v: View, kind: str, email: str | None = None) -> str:
        """The project's default service account (one Role per project and kind)."""
        if email is None or isinstance(email, Partial) or "${" in email:
            project = _text(v.get("project"))
            email = (
                f"{project or 'PROJECT_ID'}@appspot.gserviceaccount.com"
                if kind == "appspot"
                else "PROJECT_NUMBER-compute@developer.gserviceaccount.com"
            )
        if email not in self.roles:
            self.roles[email] = Role(
                address=email,
                provider=Provider.GCP,
                location=v.location,
                name=email.split("@", 1)[0],
                arn=email,
                is_default_service_account=True,
            )
        return email

    def _account_of_member(self, view: View, attr: str, member: str) -> str | None:
        """The service account (Role address) a ``serviceAccount:`` member names, if known."""
        if not member.startswith("serviceAccount:"):
            return None
        kind = _default_kind(member)
        if kind:
            known = [r.address for r in self.roles.values() if r.is_default_service_account]
            wanted = "@appspot." if kind == "appspot" else "-compute@"
            return next((a for a in known if wanted in a), None)
        refs = [r for r in view.refs(attr) if _type_of(r) == _SA]
        named = _SA_REF.search(member)
        if named:  # "serviceAccount:${google_service_account.fn.email}" among several members
            refs = [r for r in refs if r.endswith(named.group(1))] or refs
        if len(refs) == 1 or (named and refs):
            return self._existing(refs[0])
        match = _SA_EMAIL.search(member)
        if match:
            return self.identity.get((_SA, match.group(1)))
        for role in self.roles.values():
            if role.arn and member.endswith(":" + role.arn):
                return role.address
        return None

    def _with_grants(self, roles: list[Role]) -> list[Role]:
        """Project roles (``gcp_roles``), folder and organisation roles (``gcp_inherited``) and
        bucket / topic grants held by each account."""
        project: dict[str, list[str]] = {}
        above: dict[str, list[InheritedGrant]] = {}
        scoped: dict[str, list[Policy]] = {}
        for view, role, members, attr in self._bindings(_iam_kinds("google_project_iam")):
            for member in members:
                account = self._account_of_member(view, attr, member)
                if account:
                    project.setdefault(account, []).append(role)
        for rtype, target_attr, label in _ANCESTORS:
            for view, role, members, attr in self._bindings(_iam_kinds(rtype)):
                where = _text(view.get(target_attr))
                scope = f"{label} {where}" if where else f"{label} ({view.expr(target_attr)})"
                for member in members:
                    account = self._account_of_member(view, attr, member)
                    if account:
                        grant = InheritedGrant(role, scope, view.location)
                        above.setdefault(account, []).append(grant)
        for rtype, target_types, target_attr in (
            ("google_storage_bucket_iam", (_BUCKET,), "bucket"),
            ("google_pubsub_topic_iam", (_TOPIC,), "topic"),
        ):
            for view, role, members, attr in self._bindings(_iam_kinds(rtype)):
                target = self.ref(view, target_attr, target_types) or _text(view.get(target_attr))
                if target is None:
                    continue
                for member in members:
                    account = self._account_of_member(view, attr, member)
                    if account:
                        document = {"bindings": [{"role": role, "members": [member]}]}
                        policy = Policy(
                            f"{target} IAM", PolicyKind.RESOURCE, document, target, view.location
                        )
                        scoped.setdefault(account, []).append(policy)
        return [
            replace(
                account,
                gcp_roles=tuple(dict.fromkeys(project.get(account.address, ()))),
                gcp_inherited=tuple(dict.fromkeys(above.get(account.address, ()))),
                policies=account.policies + tuple(scoped.get(account.address, ())),
            )
            for account in roles
        ]

    # ------------------------------------------------------------------ IAM bindings

    def _bindings(self, types: Sequence[str]) -> Iterator[tuple[View, str, list[str], str]]:
        """(resource, role, members, attribute the members came from) of IAM resources."""
        for rtype in types:
            for view in self.of(rtype):
                if rtype.endswith("_policy"):
                    bindings = self._policy_bindings(view)
                    for role, members in bindings or ():
                        yield view, role, members, "policy_data"
                    continue
                granted = _text(view.get("role"))
                attr = "member" if rtype.endswith("_member") else "members"
                listed = self.members(view, attr)
                if granted is not None and listed is not None:
                    yield view, granted, listed, attr

    def _policy_bindings(self, view: View) -> list[tuple[str, list[str]]] | None:
        """Bindings of an ``_iam_policy`` resource (a ``google_iam_policy`` data source or JSON)."""
        value = view.get("policy_data")
        for ref in view.refs("policy_data"):
            data = self.by_address.get(self._existing(ref) or "")
            if data is not None and data.type == "google_iam_policy":
                out: list[tuple[str, list[str]]] = []
                for binding in data.blocks("binding"):
                    role = _text(binding.get("role"))
                    members = self.members(binding, "members")
                    if role is None or members is None:
                        return None
                    out.append((role, members))
                return out
        document: Any = value
        if isinstance(value, str):  # unknown pieces of a Partial sit inside JSON strings
            try:
                document = json.loads(value)
            except ValueError:
                return None
        if not isinstance(document, dict) or not isinstance(document.get("bindings"), list):
            return None
        pairs: list[tuple[str, list[str]]] = []
        for binding in document["bindings"]:
            if not isinstance(binding, dict):
                return None
            role = _text(binding.get("role"))
            members = binding.get("members")
            if role is None or not isinstance(members, list):
                return None
            pairs.append((role, [str(m) for m in members]))
        return pairs

    def _function_grants(self) -> dict[str, tuple[list[Permission], bool]]:
        """Per function: its IAM grants as permissions, and whether some policy was unreadable."""
        out: dict[str, tuple[list[Permission], bool]] = {}
        sources = (
            ("google_cloudfunctions_function_iam", "cloud_function", _FUNCTIONS),
            ("google_cloudfunctions2_function_iam", "cloud_function", _FUNCTIONS),
            ("google_cloud_run_service_iam", "service", (GEN2,)),
            ("google_cloud_run_v2_service_iam", "name", (GEN2,)),
        )
        for prefix, attr, types in sources:
            for suffix in ("_member", "_binding", "_policy"):
                for view in self.of(prefix + suffix):
                    fn = self.ref(view, attr, types)
                    if fn is None:
                        continue  # a function or service this configuration does not declare
                    perms, _ = out.setdefault(fn, ([], False))
                    readable = self._grants(view, suffix, fn, perms)
                    if not readable:
                        out[fn] = (perms, True)
                        self.gaps.append(
                            CollectionGap(
                                view.location,
                                f"invoker policy {view.address} cannot be read offline",
                                fn,
                                "permissions",
                            )
                        )
        return out

    def _grants(self, view: View, suffix: str, fn: str, perms: list[Permission]) -> bool:
        if suffix == "_policy":
            bindings = self._policy_bindings(view)
        else:
            role = _text(view.get("role"))
            members = self.members(view, "member" if suffix == "_member" else "members")
            bindings = None if role is None or members is None else [(role, members)]
        if bindings is None:
            return False
        perms.extend(
            Permission(
                address=view.address,
                function=fn,
                location=view.location,
                action=role,
                principal=member,
            )
            for role, members in bindings
            for member in members
        )
        return True

    # ------------------------------------------------------------------ entries

    def _door(
        self, fn: Function, perms: list[Permission], unread: bool, armor: str | None
    ) -> FrontDoor:
        public_invoker = any(
            (p.principal or "").lower() in ("allusers", "allauthenticatedusers")
            and not _READ_ONLY_ROLE.search(p.action)
            for p in perms
        )
        authorization = "NONE" if public_invoker else None if unread else "IAM"
        return FrontDoor(
            address=fn.address,
            kind=FrontDoorKind.GCP_HTTP,
            location=fn.location,
            functions=(fn.address,),
            authorization=authorization,
            public=fn.gcp_ingress != "ALLOW_INTERNAL_ONLY",
            waf_acl=armor,
        )

    def _armor(self) -> dict[str, str]:
        """Function address -> Cloud Armor policy of a backend service whose serverless NEG
        targets it (the load balancer path ALLOW_INTERNAL_AND_GCLB admits)."""
        negs: dict[str, str] = {}
        for rtype in ("google_compute_region_network_endpoint_group",):
            for neg in self.of(rtype):
                for block, attr, types in (
                    (self.first(neg, "cloud_function"), "function", _FUNCTIONS),
                    (self.first(neg, "cloud_run"), "service", (GEN2,)),
                ):
                    fn = self.ref(block, attr, types) if block is not None else None
                    if fn:
                        negs[neg.address] = fn
        out: dict[str, str] = {}
        for rtype in ("google_compute_backend_service", "google_compute_region_backend_service"):
            for backend in self.of(rtype):
                policy = self.ref(backend, "security_policy", ("google_compute_security_policy",))
                if policy is None:
                    continue
                for block in backend.blocks("backend"):
                    for ref in block.refs("group"):
                        fn = negs.get(self._existing(ref) or "")
                        if fn:
                            out.setdefault(fn, policy)
        return out

    def _event_triggers(self, v: View, fn: Function, gen: int) -> Iterator[Trigger]:
        for block in v.blocks("event_trigger"):
            event = _text(block.get("event_type"))
            if event is None:
                self.gap(block, "triggers", block.get("event_type"), "event_type")
                continue
            source = self._event_source(block, event, gen)
            yield Trigger(
                address=fn.address,
                kind=TriggerKind.GCP_EVENT,
                function=fn.address,
                invocation=InvocationType.ASYNC,
                location=block.location,
                source=source,
                filters=(("event", event),),
            )

    def _event_source(self, block: View, event: str, gen: int) -> str | None:
        storage = "storage" in event
        types = (_BUCKET,) if storage else (_TOPIC,) if "pubsub" in event else ()
        if gen == 1:
            found = self.ref(block, "resource", types) if types else None
            literal = _text(block.get("resource"))
            if found or literal is None:
                return found
            pattern = _BUCKET_PATH if storage else _TOPIC_PATH
            match = pattern.match(literal)
            return match.group(1) if match and types else literal
        if "pubsub" in event:
            return self.ref(block, "pubsub_topic", types) or _text(block.get("pubsub_topic"))
        for flt in block.blocks("event_filters"):
            if _text(flt.get("attribute")) == "bucket":
                return self.ref(flt, "value", types) or _text(flt.get("value"))
        return None


def _default_kind(email: str) -> str | None:
    """Which default account an e-mail (or a member naming its data source) is, if any."""
    if _COMPUTE_SA.search(email):
        return "compute"
    if _APPSPOT_SA.search(email):
        return "appspot"
    return next((kind for dtype, kind in _DEFAULT_SA_DATA.items() if dtype + "." in email), None)
