"""OpenAPI bodies of API Gateway APIs lowered to the methods / routes a template would declare.

An API defined by an OpenAPI document (``AWS::ApiGateway::RestApi`` / ``AWS::ApiGatewayV2::Api``
``Body`` or ``BodyS3Location``, SAM ``DefinitionBody`` / ``DefinitionUri``) reaches its functions
through ``x-amazon-apigateway-integration`` on each operation. Each such operation becomes the
``AWS::ApiGateway::Method`` (REST) or ``AWS::ApiGatewayV2::Integration`` + ``Route`` (HTTP) that
SAM's ``Events: Api`` produce, so the mapper gives both forms the same triggers and front doors.
The decoded template node is read directly: it keeps line numbers, which a separate OpenAPI
parser would drop. A body that cannot be read or resolved is a problem (a gap), never a pass.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation._decode import decode, line_of
from fnguard.collect.cloudformation._resource import Raw
from fnguard.errors import LocatedError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DEFAULT_AUTH", "BodyProblem", "expand_bodies"]

# Carries a SAM API's default authorisation from the SAM expansion to the body's operations.
DEFAULT_AUTH = "Fnguard::DefaultAuthorization"

_REST = "AWS::ApiGateway::RestApi"
_HTTP = "AWS::ApiGatewayV2::Api"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_ANY = "x-amazon-apigateway-any-method"
_INTEGRATION = "x-amazon-apigateway-integration"
_LAMBDA_TYPES = ("AWS_PROXY", "AWS")
# x-amazon-apigateway-authtype / x-amazon-apigateway-authorizer.type -> AuthorizationType
_AUTH_TYPES = {
    "awssigv4": "AWS_IAM",
    "cognito_user_pools": "COGNITO_USER_POOLS",
    "token": "CUSTOM",
    "request": "CUSTOM",
    "custom": "CUSTOM",
    "jwt": "JWT",
}


@dataclass(frozen=True)
class BodyProblem:
    """Why (part of) a body is not analysed: ``file``/``line`` point at the construct."""

    logical_id: str
    file: str | None
    line: int
    reason: str


@dataclass
class _Body:
    """An API's OpenAPI document, inline or from a local file, with the file its line numbers belong
    to."""

    document: Mapping[str, Any]
    file: str | None  # None: the template itself


@dataclass
class _Expansion:
    """What the expansion of one template's API bodies shares: where included files are read from
    and how they are reported, and the problems met on the way."""

    base: Path | None
    rel: str
    problems: list[BodyProblem] = field(default_factory=list)


def expand_bodies(
    raws: list[Raw], base: Path | None, rel: str
) -> tuple[list[Raw], list[BodyProblem]]:
    """``raws`` with every API body replaced by the resources its operations stand for.

    ``base`` is the template's folder (local files are read from there; ``None``: none can be),
    ``rel`` the template's path as reported.
    """
    if not any(r.type in (_REST, _HTTP) and _has_body(r.props) for r in raws):
        return raws, []
    state = _Expansion(base, rel)
    out: list[Raw] = []
    for raw in raws:
        if raw.type not in (_REST, _HTTP) or not _has_body(raw.props):
            out.append(raw)
            continue
        props = dict(raw.props)
        default_auth = props.pop(DEFAULT_AUTH, None)
        node = props.pop("Body", None)
        where = "Body"
        if node is None:
            node, where = props.pop("BodyS3Location", None), "BodyS3Location"
        else:
            props.pop("BodyS3Location", None)
        api = Raw(raw.logical_id, raw.type, props, raw.line, raw.origin, raw.condition)
        out.append(api)
        key = next((k for k in raw.props if k == where), None)  # the written key keeps a line
        body = _load(state, raw, node, where, line_of(key, line_of(node, raw.line)))
        if body is None:
            continue
        if raw.type == _REST:
            out.extend(_rest(api, body, default_auth))
        else:
            out.extend(_http(api, body, default_auth))
    return out, state.problems


def _has_body(props: Mapping[str, Any]) -> bool:
    return props.get("Body") is not None or props.get("BodyS3Location") is not None


def _load(state: _Expansion, raw: Raw, node: Any, where: str, line: int) -> _Body | None:
    if isinstance(node, Mapping) and list(node) == ["Fn::Transform"]:
        spec = node["Fn::Transform"]
        params = spec.get("Parameters") if isinstance(spec, Mapping) else None
        name = spec.get("Name") if isinstance(spec, Mapping) else None
        location = params.get("Location") if isinstance(params, Mapping) else None
        if name != "AWS::Include" or not isinstance(location, str):
            return _problem(
                state,
                raw,
                None,
                line,
                f"{where}: only an AWS::Include of a "
                "literal Location is read; the API's routes are not analysed",
            )
        return _file(state, raw, location, line_of(location, line), where)
    if isinstance(node, str):
        return _file(state, raw, node, line, where)
    if isinstance(node, Mapping) and ("Bucket" in node or "Key" in node):
        return _problem(
            state,
            raw,
            None,
            line,
            f"{where}: an OpenAPI body in S3 is not read; the API's routes are not analysed",
        )
    if isinstance(node, Mapping) and isinstance(node.get("paths"), Mapping):
        return _Body(node, None)
    return _problem(
        state,
        raw,
        None,
        line,
        f"{where}: not an OpenAPI document with paths "
        "(computed at deploy time?); the API's routes are not analysed",
    )


def _file(state: _Expansion, raw: Raw, location: str, line: int, where: str) -> _Body | None:
    if "://" in location or location.startswith("s3:"):
        return _problem(
            state,
            raw,
            None,
            line,
            f"{where}: remote OpenAPI body {location} is not read; "
            "the API's routes are not analysed",
        )
    if state.base is None:
        return _problem(
            state,
            raw,
            None,
            line,
            f"{where}: {location} cannot be read without the "
            "template's folder; the API's routes are not analysed",
        )
    shown = posixpath.normpath(posixpath.join(posixpath.dirname(state.rel), location))
    try:
        text = (state.base / location).read_bytes().decode("utf-8")
    except OSError as exc:
        reason = f"{where}: cannot read {location}: {exc.strerror}"
        return _problem(state, raw, None, line, f"{reason}; the API's routes are not analysed")
    except UnicodeDecodeError:
        reason = f"{where}: {location} is not UTF-8 text"
        return _problem(state, raw, None, line, f"{reason}; the API's routes are not analysed")
    try:
        document = decode(text, shown)
    except LocatedError as exc:
        return _problem(
            state,
            raw,
            shown,
            exc.line or 1,
            f"OpenAPI body cannot be decoded: {exc.expected}; the API's routes are not analysed",
        )
    if not isinstance(document.get("paths"), Mapping):
        return _problem(
            state, raw, shown, 1, "OpenAPI body has no paths; the API's routes are not analysed"
        )
    return _Body(document, shown)


def _problem(state: _Expansion, raw: Raw, file: str | None, line: int, reason: str) -> _Body | None:
    """Record why a body is not analysed; ``None`` for the caller to return."""
    state.problems.append(BodyProblem(raw.logical_id, file, line, reason))
    return None


def _operations(body: _Body) -> list[tuple[str, str, Mapping[str, Any], int]]:
    """``(METHOD, path, operation, line)`` for each operation under ``paths``."""
    out: list[tuple[str, str, Mapping[str, Any], int]] = []
    for path, item in body.document["paths"].items():
        if not isinstance(item, Mapping):
            continue
        for key, operation in item.items():
            verb = "ANY" if key == _ANY else str(key).upper() if key in _METHODS else None
            if verb is not None and isinstance(operation, Mapping):
                out.append((verb, str(path), operation, line_of(key, line_of(operation))))
    return out


def _schemes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    components = document.get("components")
    found = components.get("securitySchemes") if isinstance(components, Mapping) else None
    if not isinstance(found, Mapping):
        found = document.get("securityDefinitions")  # Swagger 2.0
    return found if isinstance(found, Mapping) else {}


def _authorization(body: _Body, operation: Mapping[str, Any], default_auth: Any) -> Any:
    """The operation's AuthorizationType from its (or the global) ``security`` requirements.

    Requirements are alternatives: one that is empty (or only an API key) lets a caller in with
    no authoriser, so the route reads as "NONE", as an event with no ``Auth`` does. A SAM API's
    ``Auth.DefaultAuthorizer`` (``default_auth``) applies where the operation names no security,
    as the SAM transform writes it into every path.
    """
    if "security" not in operation and default_auth is not None:
        return default_auth
    security = operation.get("security", body.document.get("security"))
    if not isinstance(security, list) or not security:
        return "NONE"
    schemes = _schemes(body.document)
    kinds: list[str] = []
    for requirement in security:
        if not isinstance(requirement, Mapping):
            return {"Unresolved": "security requirement is not a mapping"}
        found = "NONE"
        for name in requirement:
            # the SAM transform writes Auth: {Authorizer: NONE} as an undeclared "NONE" scheme
            kind = "NONE" if name == "NONE" and name not in schemes else None
            kind = kind or _scheme_kind(schemes.get(name))
            if kind is None:
                return {"Unresolved": f"security scheme {name} is not declared or not understood"}
            if kind != "NONE":
                found = kind
        kinds.append(found)
    return "NONE" if "NONE" in kinds else kinds[0]


def _scheme_kind(scheme: Any) -> str | None:
    if not isinstance(scheme, Mapping):
        return None
    authorizer = scheme.get("x-amazon-apigateway-authorizer")
    if isinstance(authorizer, Mapping):
        return _AUTH_TYPES.get(str(authorizer.get("type", "")).lower())
    authtype = scheme.get("x-amazon-apigateway-authtype")
    if isinstance(authtype, str):
        return _AUTH_TYPES.get(authtype.lower())
    if scheme.get("type") == "apiKey":
        return "NONE"  # a usage-plan key identifies a client, it does not authorise one
    return None


def _integration(operation: Mapping[str, Any]) -> tuple[Mapping[str, Any], str] | None:
    integ = operation.get(_INTEGRATION)
    if not isinstance(integ, Mapping):
        return None
    kind = str(integ.get("type", "")).upper()
    return (integ, kind) if kind in _LAMBDA_TYPES and integ.get("uri") is not None else None


def _id(api: Raw, verb: str, path: str) -> str:
    tail = "".join(c for c in path.title() if c.isalnum()) or "Root"
    return f"{api.logical_id}{verb.title()}{tail}"


def _rest(api: Raw, body: _Body, default_auth: Any) -> list[Raw]:
    out: list[Raw] = []
    policy = body.document.get("x-amazon-apigateway-policy")
    if policy is not None and "Policy" not in api.props:
        api.props["Policy"] = policy  # the RestApi's resource policy, as the property says it
    for verb, path, operation, line in _operations(body):
        found = _integration(operation)
        if found is None:
            continue
        integ, kind = found
        integration: dict[str, Any] = {"Type": kind, "Uri": integ["uri"]}
        if "timeoutInMillis" in integ:
            integration["TimeoutInMillis"] = integ["timeoutInMillis"]
        method: dict[str, Any] = {
            "RestApiId": {"Ref": api.logical_id},
            "HttpMethod": verb,
            "ResourceId": path,
            "AuthorizationType": _authorization(body, operation, default_auth),
            "Integration": integration,
        }
        out.append(_raw(api, body, "AWS::ApiGateway::Method", method, _id(api, verb, path), line))
    return out


def _http(api: Raw, body: _Body, default_auth: Any) -> list[Raw]:
    out: list[Raw] = []
    api.props.setdefault("ProtocolType", "HTTP")  # an API imported from OpenAPI is an HTTP API
    cors = body.document.get("x-amazon-apigateway-cors")
    if isinstance(cors, Mapping) and "CorsConfiguration" not in api.props:
        api.props["CorsConfiguration"] = {"AllowOrigins": cors.get("allowOrigins", [])}
    for verb, path, operation, line in _operations(body):
        found = _integration(operation)
        if found is None:
            continue
        integ, _ = found
        logical_id = _id(api, verb, path)
        integration: dict[str, Any] = {
            "ApiId": {"Ref": api.logical_id},
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": integ["uri"],
            "PayloadFormatVersion": integ.get("payloadFormatVersion", "2.0"),
        }
        if "timeoutInMillis" in integ:
            integration["TimeoutInMillis"] = integ["timeoutInMillis"]
        route: dict[str, Any] = {
            "ApiId": {"Ref": api.logical_id},
            "RouteKey": "$default" if path == "$default" else f"{verb} {path}",
            "Target": {"Fn::Sub": f"integrations/${{{logical_id}Integration}}"},
            "AuthorizationType": _authorization(body, operation, default_auth),
        }
        kind = "AWS::ApiGatewayV2::Integration"
        out.append(_raw(api, body, kind, integration, f"{logical_id}Integration", line))
        out.append(_raw(api, body, "AWS::ApiGatewayV2::Route", route, f"{logical_id}Route", line))
    return out


def _raw(
    api: Raw, body: _Body, rtype: str, props: dict[str, Any], logical_id: str, line: int
) -> Raw:
    return Raw(logical_id, rtype, props, line, api.origin, api.condition, body.file)
