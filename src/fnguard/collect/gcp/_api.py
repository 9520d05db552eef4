"""One place that calls Google Cloud: the client libraries over REST, retries, and gaps.

Every call is named by the IAM permission it needs (``cloudfunctions.functions.getIamPolicy``),
so a refusal becomes a ``CollectionGap`` whose reason says which permission the scan lacked,
and the summary can list them. Answers are returned as the documented REST JSON (camelCase
keys), whatever transport produced them, so the mapping reads the shapes Google documents.

The REST transport is used everywhere: it is what the tests' loopback server speaks, so the
path a real scan takes is the path the tests take, and it goes through HTTP proxies.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "FOLDERS_LIST",
    "FUNCTION_POLICY",
    "LIST_FUNCTIONS",
    "PERMISSIONS",
    "PROJECT_GET",
    "PROJECT_POLICY",
    "SERVICES",
    "SERVICE_POLICY",
    "Api",
    "Clients",
    "Page",
    "as_dict",
    "failure_reason",
]

_T = TypeVar("_T")
# Services whose endpoint a caller may override (tests point them at 127.0.0.1).
SERVICES = ("cloudfunctions", "run", "cloudresourcemanager")

# The IAM permissions the calls need: all a least-privilege scanning identity is granted
# (predefined roles holding them: roles/cloudfunctions.viewer for the listing,
# roles/iam.securityReviewer for the IAM policies, roles/browser for projects and folders).
LIST_FUNCTIONS = "cloudfunctions.functions.list"
FUNCTION_POLICY = "cloudfunctions.functions.getIamPolicy"
SERVICE_POLICY = "run.services.getIamPolicy"
PROJECT_POLICY = "resourcemanager.projects.getIamPolicy"
PROJECT_GET = "resourcemanager.projects.get"
FOLDERS_LIST = "resourcemanager.folders.list"
PERMISSIONS = (
    LIST_FUNCTIONS,
    FUNCTION_POLICY,
    SERVICE_POLICY,
    PROJECT_POLICY,
    PROJECT_GET,
    FOLDERS_LIST,
)


@dataclass(frozen=True)
class Page:
    """A listing: every item over all pages, and the locations Google could not reach."""

    items: tuple[dict[str, Any], ...]
    unreachable: tuple[str, ...] = ()


def as_dict(message: Any) -> dict[str, Any]:
    """A proto-plus or protobuf message as its REST JSON (camelCase, enums by name)."""
    raw = getattr(message, "_pb", message)
    result: dict[str, Any] = _json_format().MessageToDict(raw)
    return result


def _json_format() -> Any:
    """protobuf's JSON module, imported by name: protobuf ships no type hints, and typing it
    through a stubs package would make the type check depend on one more install."""
    return importlib.import_module("google.protobuf.json_format")


def failure_reason(permission: str, exc: BaseException) -> str:
    """The gap text the summary parses: ``<permission> answered <code> <kind>``."""
    code = getattr(exc, "code", None)
    status = f"{code} " if isinstance(code, int) else ""
    return f"{permission} answered {status}{type(exc).__name__}"


class Api:
    """The calls of one project (or of the organisation walk) and the gaps they left."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self._lock = threading.Lock()
        self._gaps: list[CollectionGap] = []

    @property
    def gaps(self) -> tuple[CollectionGap, ...]:
        with self._lock:
            return tuple(self._gaps)

    def gap(self, where: Location, reason: str, resource: str, field: str) -> None:
        with self._lock:
            self._gaps.append(CollectionGap(where, reason, resource, field))

    def attempt(
        self, permission: str, run: Callable[[], _T], *, disabled: _T | None = None
    ) -> tuple[_T | None, str]:
        """Run one call: its answer, or ``None`` and why. ``disabled`` is the answer when the
        API is not enabled in the project (nothing of that API can exist there)."""
        from google.api_core.exceptions import GoogleAPIError
        from google.auth.exceptions import GoogleAuthError
        from requests import RequestException

        parse_error: type[Exception] = _json_format().ParseError
        try:
            return run(), ""
        except (GoogleAPIError, GoogleAuthError, RequestException, parse_error) as exc:
            if disabled is not None and getattr(exc, "reason", None) == "SERVICE_DISABLED":
                return disabled, ""
            return None, failure_reason(permission, exc)

    def guarded(
        self,
        permission: str,
        run: Callable[[], _T],
        *,
        where: Location,
        resource: str,
        fields: Iterable[str],
    ) -> _T | None:
        """One call; on failure ``None`` and a gap on each field of ``resource`` it hid."""
        answer, reason = self.attempt(permission, run)
        if answer is None:
            for field in fields:
                self.gap(where, reason, resource, field)
        return answer


class Clients:
    """The Google client libraries of one scan, built on first use and shared by the project
    units (they are thread-safe); each method is one call that raises on failure."""

    def __init__(
        self, credentials: Any, endpoints: Mapping[str, str], retry_timeout_s: float
    ) -> None:
        self._credentials = credentials
        self._endpoints = dict(endpoints)
        self._retry_timeout_s = retry_timeout_s
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _client(self, key: str, service: str, make: Callable[..., Any]) -> Any:
        with self._lock:
            if key not in self._clients:
                options: dict[str, str] = {}
                endpoint = self._endpoints.get(service) or self._endpoints.get("*")
                if endpoint:
                    options["api_endpoint"] = endpoint
                self._clients[key] = make(
                    credentials=self._credentials, transport="rest", client_options=options
                )
            return self._clients[key]

    def _options(self) -> dict[str, Any]:
        """Retries for throttling and transient errors, bounded in time; a per-call timeout."""
        from google.api_core import exceptions, retry

        transient = retry.if_exception_type(
            exceptions.TooManyRequests,
            exceptions.ServiceUnavailable,
            exceptions.InternalServerError,
        )
        timeout = self._retry_timeout_s
        policy = retry.Retry(
            predicate=transient, initial=0.5, maximum=8.0, multiplier=2.0, timeout=timeout
        )
        return {"retry": policy, "timeout": max(timeout, 1.0)}

    def _listing(self, pager: Any, key: str) -> Page:
        items: list[dict[str, Any]] = []
        unreachable: list[str] = []
        for page in pager.pages:
            items.extend(as_dict(item) for item in getattr(page, key))
            unreachable.extend(getattr(page, "unreachable", ()))
        return Page(tuple(items), tuple(unreachable))

    # ------------------------------------------------------------------ clients

    def functions_v1(self) -> Any:
        from google.cloud import functions_v1

        return self._client(
            "functions_v1", "cloudfunctions", functions_v1.CloudFunctionsServiceClient
        )

    def functions_v2(self) -> Any:
        from google.cloud import functions_v2

        return self._client("functions_v2", "cloudfunctions", functions_v2.FunctionServiceClient)

    def run_services(self) -> Any:
        from google.cloud import run_v2

        return self._client("run_v2", "run", run_v2.ServicesClient)

    def projects(self) -> Any:
        from google.cloud import resourcemanager_v3

        return self._client("projects", "cloudresourcemanager", resourcemanager_v3.ProjectsClient)

    def folders(self) -> Any:
        from google.cloud import resourcemanager_v3

        return self._client("folders", "cloudresourcemanager", resourcemanager_v3.FoldersClient)

    # ------------------------------------------------------------------ calls (raise on failure)

    def list_functions(self, version: int, project: str) -> Page:
        """Every function of the project in every location (``locations/-``)."""
        client = self.functions_v1() if version == 1 else self.functions_v2()
        request = {"parent": f"projects/{project}/locations/-"}
        return self._listing(client.list_functions(request=request, **self._options()), "functions")

    def function_policy(self, version: int, name: str) -> dict[str, Any]:
        client = self.functions_v1() if version == 1 else self.functions_v2()
        return as_dict(client.get_iam_policy(request={"resource": name}, **self._options()))

    def service_policy(self, name: str) -> dict[str, Any]:
        client = self.run_services()
        return as_dict(client.get_iam_policy(request={"resource": name}, **self._options()))

    def project_policy(self, project: str) -> dict[str, Any]:
        request = {"resource": f"projects/{project}", "options": {"requested_policy_version": 3}}
        return as_dict(self.projects().get_iam_policy(request=request, **self._options()))

    def project(self, project: str) -> dict[str, Any]:
        return as_dict(self.projects().get_project(name=f"projects/{project}", **self._options()))

    def search_projects(self, parent: str) -> Page:
        pager = self.projects().search_projects(query=f"parent:{parent}", **self._options())
        return self._listing(pager, "projects")

    def list_folders(self, parent: str) -> Page:
        pager = self.folders().list_folders(parent=parent, **self._options())
        return self._listing(pager, "folders")
