"""One place that calls AWS: bounded concurrency per service, pagination, and gaps.

Every call names the resource and the model field it feeds, so a refusal (AccessDenied, a
throttle that outlived the retries, an API the endpoint does not serve) becomes a
``CollectionGap`` on exactly what it hid. "Not found" answers that mean "not configured"
(no resource policy, no function URL) are passed in as ``absent`` and read as empty.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

from fnguard.model import CollectionGap, Location

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["Api", "ClientFactory", "gap_reason"]

# Calls in flight per service and region: enough to overlap latency, polite to the API.
_PER_SERVICE = 8
# Answers that mean "this endpoint does not serve the operation at all" (an API missing in a
# region or an AWS-compatible endpoint, a bare 404): the same for every resource, so the
# operation is asked once per shard and the rest get the same gap.
_UNSERVED = frozenset({"404", "UnknownOperationException", "InvalidAction", "NotImplemented"})


class ClientFactory(Protocol):
    """Makes a botocore client for a service (tests inject Stubber-wrapped ones)."""

    def __call__(self, service: str) -> Any: ...


def gap_reason(service: str, operation: str, code: str) -> str:
    """The gap text the CLI summary parses: ``<service>:<Operation> answered <code>``."""
    return f"{service}:{operation} answered {code}"


class Api:
    """Calls for one shard (an account and a region); thread-safe, records gaps."""

    def __init__(self, clients: ClientFactory) -> None:
        self._factory = clients
        self._clients: dict[str, Any] = {}
        self._limits: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._gaps: list[CollectionGap] = []
        self._unserved: dict[tuple[str, str], str] = {}  # (service, operation) -> gap reason
        self._first: dict[tuple[str, str], threading.Event] = {}  # set once answered

    @property
    def gaps(self) -> tuple[CollectionGap, ...]:
        with self._lock:
            return tuple(self._gaps)

    def unserved(self, service: str, operation: str) -> bool:
        """Whether the endpoint answered that it does not serve ``operation`` at all."""
        with self._lock:
            return (service, operation) in self._unserved

    def gap(self, location: Location, reason: str, resource: str, field: str) -> None:
        with self._lock:
            self._gaps.append(CollectionGap(location, reason, resource, field))

    def _client(self, service: str) -> tuple[Any, threading.BoundedSemaphore]:
        with self._lock:  # sessions are not thread-safe; clients are
            if service not in self._clients:
                self._clients[service] = self._factory(service)
                self._limits[service] = threading.BoundedSemaphore(_PER_SERVICE)
            return self._clients[service], self._limits[service]

    def call(
        self,
        service: str,
        operation: str,
        *,
        where: Location,
        resource: str,
        fields: Iterable[str],
        absent: Iterable[str] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """One call; ``{}`` when the answer means "not configured", ``None`` plus gaps on error."""
        return self._guarded(
            service,
            operation,
            where,
            resource,
            fields,
            absent,
            lambda client: getattr(client, _snake(operation))(**params),
        )

    def pages(
        self,
        service: str,
        operation: str,
        key: str,
        *,
        where: Location,
        resource: str,
        fields: Iterable[str],
        absent: Iterable[str] = (),
        **params: Any,
    ) -> list[Any] | None:
        """Every item of ``key`` over all pages; ``None`` plus gaps when a page fails."""
        answer = self.pages_of(
            service,
            operation,
            (key,),
            where=where,
            resource=resource,
            fields=fields,
            absent=absent,
            **params,
        )
        return None if answer is None else answer[key]

    def pages_of(
        self,
        service: str,
        operation: str,
        keys: tuple[str, ...],
        *,
        where: Location,
        resource: str,
        fields: Iterable[str],
        absent: Iterable[str] = (),
        **params: Any,
    ) -> dict[str, list[Any]] | None:
        """The items of several list keys over one pass through the pages."""
        run = _pager(operation, keys, params)
        answer = self._guarded(service, operation, where, resource, fields, absent, run)
        if answer is None:
            return None
        return {key: list(answer.get(key) or ()) for key in keys}

    def answer(self, service: str, operation: str, **params: Any) -> dict[str, Any] | str:
        """One call's answer, or the failure reason for the caller to decide what it hid."""
        found, reason = self._attempt(
            service, operation, (), lambda client: getattr(client, _snake(operation))(**params)
        )
        return reason if found is None else found

    def listing(self, service: str, operation: str, key: str, **params: Any) -> list[Any] | str:
        """All items of ``key``, or the failure reason for the caller to put on its users."""
        answer, reason = self._attempt(service, operation, (), _pager(operation, (key,), params))
        return reason if answer is None else list(answer.get(key) or ())

    def _guarded(
        self,
        service: str,
        operation: str,
        where: Location,
        resource: str,
        fields: Iterable[str],
        absent: Iterable[str],
        run: Callable[[Any], dict[str, Any]],
    ) -> dict[str, Any] | None:
        answer, reason = self._attempt(service, operation, absent, run)
        if answer is None:
            for field in fields:
                self.gap(where, reason, resource, field)
        return answer

    def _attempt(
        self,
        service: str,
        operation: str,
        absent: Iterable[str],
        run: Callable[[Any], dict[str, Any]],
    ) -> tuple[dict[str, Any] | None, str]:

        key = (service, operation)
        with self._lock:
            first = self._first.get(key)
            leading = first is None
            if first is None:
                first = self._first[key] = threading.Event()
        if not leading:
            first.wait()  # the first call of an operation tells whether it is served at all
            unserved = self._unserved.get(key)
            if unserved is not None:  # not served here: asking again is impolite
                return None, unserved
        try:
            return self._ask(service, operation, absent, run)
        finally:
            if leading:
                first.set()

    def _ask(
        self,
        service: str,
        operation: str,
        absent: Iterable[str],
        run: Callable[[Any], dict[str, Any]],
    ) -> tuple[dict[str, Any] | None, str]:
        from botocore.exceptions import BotoCoreError, ClientError

        client, limit = self._client(service)
        try:
            with limit:
                return run(client), ""
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code") or "error")
            if code in set(absent):
                return {}, ""
            reason = gap_reason(service, operation, code)
            if code in _UNSERVED:
                self._unserved[(service, operation)] = reason
            return None, reason
        except BotoCoreError as exc:
            return None, gap_reason(service, operation, type(exc).__name__)


def _pager(
    operation: str, keys: tuple[str, ...], params: dict[str, Any]
) -> Callable[[Any], dict[str, Any]]:
    def run(client: Any) -> dict[str, Any]:
        items: dict[str, list[Any]] = {key: [] for key in keys}
        for page in client.get_paginator(_snake(operation)).paginate(**params):
            for key in keys:
                items[key].extend(page.get(key) or ())
        return items

    return run


def _snake(operation: str) -> str:
    """``GetFunctionUrlConfig`` -> ``get_function_url_config`` (botocore's method names)."""
    from botocore import xform_name

    name: str = xform_name(operation)
    return name
