"""What boto3 objects do when the code calls them: the SDK half of the walker.

Client methods are operations of the service model; ``get_paginator`` / ``get_waiter`` name
the operation they page or poll; resources, sub-resources, collections, batch actions and
waiters follow boto3's resource models; boto3's own helpers (``upload_file``,
``batch_writer``) come from the exceptions table. Each call becomes a ``RawCall``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard.code.sdk._frames import Args, RawCall, Scope, Walk, snake, text_of
from fnguard.code.sdk._resources import (
    Param,
    Request,
    ResourceModel,
    boto3_available,
    service_resources,
)
from fnguard.code.sdk._services import service_info
from fnguard.code.sdk._table import Helper, action_table
from fnguard.code.sdk._values import (
    UNKNOWN,
    Bound,
    Client,
    CollectionVal,
    Dict,
    HelperVal,
    Meta,
    Paginator,
    Resource,
    Session,
    Text,
    Value,
    Waiter,
)

if TYPE_CHECKING:
    import ast

__all__ = ["CREDENTIALS", "SdkSemantics", "resource_model"]

CREDENTIALS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
COLLECTION_CALLS = frozenset({"all", "filter", "limit", "page_size", "pages"})


class SdkSemantics:
    """Records API calls; the walker (a subclass) supplies values and scopes."""

    def __init__(self) -> None:
        self.result = Walk()
        self.seen: set[RawCall] = set()
        self.recording = True

    def record(self, call: RawCall) -> None:
        if self.recording and call not in self.seen:
            self.seen.add(call)
            self.result.calls.append(call)

    def dynamic(self, scope: Scope, node: ast.AST, why: str) -> None:
        if self.recording:
            entry = f"{scope.module.file}:{getattr(node, 'lineno', 0)}: {why}"
            if entry not in self.result.dynamic:
                self.result.dynamic.append(entry)

    def note(self, scope: Scope, node: ast.AST, text: str) -> None:
        if self.recording:
            entry = f"{scope.module.file}:{getattr(node, 'lineno', 0)}: {text}"
            if entry not in self.result.notes:
                self.result.notes.append(entry)

    def _resource_attribute(self, res: Resource, name: str, scope: Scope, node: ast.AST) -> Value:
        if name == "meta":
            return Meta(res)
        model = resource_model(res)
        if model is None:
            return UNKNOWN
        if name in model.collections:
            return CollectionVal(res, name)
        ident = next((i for i in model.identifiers if snake(i) == name), None)
        if ident is not None:
            return res.ident(ident)
        if name in model.actions or name in model.has or name in model.waiters:
            return Bound(res, name)
        models = service_resources(res.service)
        if not res.type and models is not None and name in models.types:
            return Bound(res, name)
        if name in ("load", "reload") or (service_helper(res, name) is not None):
            return Bound(res, name)
        info = service_info(res.service)
        if (
            model.load is not None
            and model.shape
            and info
            and name in info.shape_members(model.shape)
        ):
            self._record_request(res, model.load, Args((), (), False), scope, node, "load")
        return UNKNOWN

    def _boto3_factory(
        self, kind: str, session: Session, args: Args, scope: Scope, node: ast.AST
    ) -> Value:
        foreign = session.foreign or any(args.kw(k) is not None for k in CREDENTIALS)
        region = text_of(args.kw("region_name")) or session.region
        if kind == "Session":
            # Session(aws_access_key_id, aws_secret_access_key, aws_session_token, region_name)
            foreign = foreign or any(args.get(i, k) is not None for i, k in enumerate(CREDENTIALS))
            return Session(foreign, text_of(args.get(3, "region_name")) or region)
        raw = args.get(0, "service_name")
        service = text_of(raw)
        if service is None:
            self.dynamic(
                scope, node, f"boto3 {kind}() with a service name the analysis cannot read"
            )
            return UNKNOWN
        if service_info(service) is None:
            self.note(scope, node, f"{service!r} is not an AWS service botocore knows")
            return UNKNOWN
        if kind == "client":
            return Client(service, foreign, region)
        if not boto3_available():
            self.dynamic(
                scope,
                node,
                f"boto3.resource({service!r}): boto3 is not installed here, "
                "so its resource model cannot be read",
            )
            return UNKNOWN
        if service_resources(service) is None:
            self.note(scope, node, f"boto3 has no resource model for {service!r}")
            return UNKNOWN
        return Resource(service, "", (), foreign, region)

    def _client_call(
        self, client: Client, name: str, args: Args, scope: Scope, node: ast.Call
    ) -> Value:
        info = service_info(client.service)
        if info is None:
            return UNKNOWN
        if name in info.operations:
            self._record(client, info.operations[name], args.keywords, scope, node, "")
            return UNKNOWN
        if name in ("get_paginator", "get_waiter"):
            wanted = text_of(
                args.get(0, "operation_name" if name == "get_paginator" else "waiter_name")
            )
            if wanted is None:
                self.dynamic(scope, node, f"{client.service}.{name}() with a computed name")
                return UNKNOWN
            if name == "get_paginator":
                op = info.operations.get(wanted)
                return Paginator(client, op) if op else UNKNOWN
            waiter = next((o for w, o in info.waiters.items() if snake(w) == wanted), None)
            return Waiter(client, waiter) if waiter else UNKNOWN
        if name == "generate_presigned_url":
            method = text_of(args.get(0, "ClientMethod"))
            if method is None or method not in info.operations:
                self.dynamic(
                    scope, node, "generate_presigned_url() for a method the analysis cannot read"
                )
                return Text(None)
            params = args.get(1, "Params")
            keywords = params.items if isinstance(params, Dict) else ()
            self._record(client, info.operations[method], keywords, scope, node, "presigned URL")
            return Text(None)
        helper = action_table().helpers.get((client.service, "client", name))
        if helper is not None:
            keywords = _positional_params(helper.params, args)
            for op in helper.operations:
                self._record(client, op, keywords, scope, node, name)
            return UNKNOWN
        if name not in ("close", "can_paginate", "meta", "exceptions"):
            self.note(
                scope, node, f"{client.service}.{name}() is not an operation of {client.service}"
            )
        return UNKNOWN

    def _resource_call(
        self, res: Resource, name: str, args: Args, scope: Scope, node: ast.Call
    ) -> Value:
        model = resource_model(res)
        if model is None:
            return UNKNOWN
        if name in model.actions:
            self._record_request(res, model.actions[name], args, scope, node, name)
            return UNKNOWN
        if name in model.has:
            sub = model.has[name]
            return self._sub_resource(res, sub.type, sub.identifiers, args)
        models = service_resources(res.service)
        if not res.type and models is not None and name in models.types:
            # boto3 offers every resource type on the service resource: s3.Object(b, k).
            inputs = tuple(Param(i, "input") for i in models.types[name].identifiers)
            return self._sub_resource(res, name, inputs, args)
        if name in model.waiters:
            req = model.waiters[name]
            info = service_info(res.service)
            op = info.waiters.get(req.operation) if info else None
            if op:
                self._record_request(res, Request(op, req.params), args, scope, node, "waiter")
            return UNKNOWN
        if name in ("load", "reload") and model.load is not None:
            self._record_request(res, model.load, args, scope, node, name)
            return UNKNOWN
        helper = service_helper(res, name)
        if helper is not None:
            ids = _identifier_params(res, model)
            keywords = ids + _positional_params(helper.params, args)
            client = Client(res.service, res.foreign, res.region)
            for op in helper.operations:
                self._record(client, op, keywords, scope, node, name)
            return HelperVal(res, helper.operations)
        return UNKNOWN

    def _sub_resource(
        self, parent: Resource, type_name: str, identifiers: tuple[Param, ...], args: Args | None
    ) -> Resource:
        ids: list[tuple[str, Text]] = []
        position = 0
        for param in identifiers:
            if param.source == "identifier":
                value: Value = parent.ident(param.name)
            elif param.source == "input" and args is not None:
                value = args.get(position, snake(param.target)) or UNKNOWN
                position += 1
            else:
                value = UNKNOWN
            ids.append((param.target, value if isinstance(value, Text) else Text(None)))
        return Resource(parent.service, type_name, tuple(ids), parent.foreign, parent.region)

    def _record_collection(
        self, coll: CollectionVal, name: str, args: Args, scope: Scope, node: ast.AST
    ) -> Value:
        model = resource_model(coll.parent)
        spec = model.collections.get(coll.name) if model else None
        if spec is None or model is None:
            return UNKNOWN
        if name in COLLECTION_CALLS:
            self._record_request(
                coll.parent, spec.request, args, scope, node, f"{coll.name}.{name}"
            )
            return coll
        item = resource_model(Resource(coll.parent.service, spec.item.type))
        if item is not None and name in item.batch_actions:
            self._record_request(coll.parent, spec.request, args, scope, node, f"{coll.name}")
            batch = item.batch_actions[name]
            member = self._sub_resource(coll.parent, spec.item.type, spec.item.identifiers, None)
            self._record_request(
                member, batch, Args((), (), False), scope, node, f"{coll.name}.{name}"
            )
        return UNKNOWN

    def _record_request(
        self, res: Resource, request: Request, args: Args, scope: Scope, node: ast.AST, via: str
    ) -> None:
        keywords: list[tuple[str, Value]] = []
        for param in request.params:
            if "." in param.target or "[" in param.target:
                continue
            if param.source == "identifier":
                keywords.append((param.target, res.ident(param.name)))
            elif param.source in ("string", "integer", "boolean"):
                keywords.append((param.target, Text(param.name)))
        keywords.extend(args.keywords)
        label = f"resource {res.type or res.service}.{via}"
        self._record(
            Client(res.service, res.foreign, res.region),
            request.operation,
            tuple(keywords),
            scope,
            node,
            label,
        )

    def _record(
        self,
        client: Client,
        operation: str,
        keywords: tuple[tuple[str, Value], ...] | list[tuple[str, Value]],
        scope: Scope,
        node: ast.AST,
        via: str,
    ) -> None:
        params = tuple((k, v) for k, v in keywords if isinstance(v, Text | Dict))
        self.record(
            RawCall(
                scope.module.file,
                getattr(node, "lineno", 0),
                client.service,
                operation,
                params,
                client.foreign,
                client.region,
                via,
            )
        )


def _positional_params(names: tuple[str, ...], args: Args) -> tuple[tuple[str, Value], ...]:
    out = [(name, args.get(index, name)) for index, name in enumerate(names)]
    return tuple((k, v) for k, v in out if v is not None)


def _identifier_params(res: Resource, model: ResourceModel) -> tuple[tuple[str, Value], ...]:
    """The request parameters a resource's identifiers fill (from its load request)."""
    if model.load is None:
        return ()
    return tuple(
        (p.target, res.ident(p.name)) for p in model.load.params if p.source == "identifier"
    )


def service_helper(res: Resource, name: str) -> Helper | None:
    return action_table().helpers.get((res.service, res.type, name))


def resource_model(res: Resource) -> ResourceModel | None:
    models = service_resources(res.service)
    return models.types.get(res.type) if models else None
