"""`guard()`: the decorator that wraps a handler with the policy's features.

Everything that can be prepared is prepared at decoration time (the schema compiled, the
allow-lists parsed, the hook installed), so an invocation only looks things up. The
handler runs with the audit hook enforcing; the guard's own steps before and after it
(idempotency store, S3 metadata lookup, audit output) run with enforcement suspended.
"""

from __future__ import annotations

import os
import sys
import time

from . import _events, _hook
from ._audit import AuditLog
from ._errors import (
    GuardConfigError,
    GuardViolation,
    IdempotencyInProgress,
    ValidationFailed,
)
from ._hook import Enforcing
from ._policy import Mode, Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from contextvars import Token
    from typing import Any, TypeVar

    from ._hook import Check
    from ._idempotency import IdempotencyStore
    from ._process import ProcessGuard
    from ._recursion import Propagator

    F = TypeVar("F", bound=Callable[..., Any])

__version__ = "0.1.0"
ENV_VAR = "FNGUARD_POLICY"
_PROCEED = object()
_ASYNC_FLAGS = 0x80 | 0x100 | 0x200  # CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR


class Invocation(Enforcing):
    """One running invocation, as the audit hook sees it."""

    __slots__ = ("depth", "process", "request_id", "runtime")

    def __init__(self, runtime: Runtime, request_id: str | None) -> None:
        self.table = runtime.table
        self.runtime = runtime
        self.process = runtime.process
        self.request_id = request_id
        self.depth: int | None = None

    def deny(self, feature: str, mode: Mode, operation: str, target: str, reason: str) -> None:
        self.runtime.audit.emit(
            "blocked" if mode is Mode.BLOCK else "alerted",
            feature=feature, operation=operation, target=target, reason=reason,
            request_id=self.request_id, depth=self.depth,
        )
        if mode is Mode.BLOCK:
            raise GuardViolation(feature, operation, target, reason)


def _request_id(where: str, args: tuple[Any, ...]) -> str | None:
    if where == _events.GCP_HTTP:
        found = args[0].headers.get("Function-Execution-Id") or args[0].headers.get(
            "X-Cloud-Trace-Context")
        return None if found is None else str(found)
    if where == _events.GCP_CLOUDEVENT:
        try:
            return str(args[0]["id"])
        except (KeyError, TypeError):
            return None
    context = args[1] if len(args) > 1 else None
    return getattr(context, "aws_request_id", None)


class Runtime:
    """A policy compiled for one handler."""

    def __init__(self, policy: Policy, handler: Callable[..., Any]) -> None:
        self.policy = policy
        self.name: str = (os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("K_SERVICE")
                          or os.environ.get("FUNCTION_TARGET")
                          or str(getattr(handler, "__qualname__", "handler")))
        self.audit = AuditLog(policy.audit, self.name)
        self.cold = True
        self.table: dict[str, Check] = {}
        self.process: ProcessGuard | None = None
        self._network = False
        self._compile_protection(policy)
        self._compile_features(policy, handler)

    def _compile_protection(self, policy: Policy) -> None:
        if policy.process.mode is not Mode.OFF:
            from ._process import ProcessGuard

            self.process = ProcessGuard(policy.process)
            self.table.update(self.process.table())
        self._path_cache: dict[Any, str] | None = None
        if policy.filesystem.mode is not Mode.OFF:
            from ._filesystem import FilesystemGuard, resolved_cache

            self.table.update(FilesystemGuard(policy.filesystem).table())
            self._path_cache = resolved_cache
        if policy.network.mode is not Mode.OFF:
            from ._network import NetworkGuard

            self.table.update(NetworkGuard(policy.network).table())
            self._network = True
        if policy.dynamic_code.mode is not Mode.OFF:
            from ._dyncode import DynamicCodeGuard

            self.table.update(DynamicCodeGuard(policy.dynamic_code).table())
        if self.table:
            _hook.install(self.table)

    def _compile_features(self, policy: Policy, handler: Callable[..., Any]) -> None:
        self.validate: Callable[[Any], list[str]] | None = None
        validation = policy.validation
        if validation.mode is not Mode.OFF and validation.schema is not None:
            from ._schema import validator

            self.validate = validator(validation.schema)
        elif validation.mode is not Mode.OFF and validation.model is not None:
            self.validate = _model_validator(validation.model)
        self.masking = policy.masking.enabled
        if self.masking:
            from . import _masking

            _masking.REGISTRY.configure(policy.masking)
            self._masking = _masking
        self.propagator: Propagator | None = None
        if policy.recursion.mode is not Mode.OFF:
            from . import _recursion

            self.propagator = _recursion.Propagator(getattr(handler, "__globals__", {}))
            self._recursion = _recursion
        if policy.timeout.enabled:
            from ._timeout import Alarm

            self._alarm = Alarm
        self.key_of: Callable[[Any], Any] | None = None
        self.store: IdempotencyStore | None = None
        if policy.idempotency.key is not None:
            from ._idempotency import key_function, make_store

            self.key_of = key_function(policy.idempotency)
            self.store = make_store(policy.idempotency.store)
        self.timeout_s = policy.timeout.timeout_s
        if self.timeout_s is None and os.environ.get("FUNCTION_TIMEOUT_SEC", "").isdigit():
            self.timeout_s = float(os.environ["FUNCTION_TIMEOUT_SEC"])

    # -- one invocation ---------------------------------------------------------------

    def call(self, handler: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        where = _events.kind(args)
        inv = Invocation(self, _request_id(where, args))
        if self.cold:
            self.cold = False
            self._cold_start()
        masked: list[str] | None = None
        depth_token: Token[int | None] | None = None
        try:
            with _hook.suspended():
                if self.masking:
                    masked = self._mask_request(where, args)
                early, depth_token, key = self._before(inv, where, args)
            if early is not _PROCEED:
                return early
            return self._run(inv, handler, args, kwargs, key)
        finally:
            self._finish(masked, depth_token)

    def _run(self, inv: Invocation, handler: Callable[..., Any], args: tuple[Any, ...],
             kwargs: dict[str, Any], key: str | None) -> Any:
        """The handler itself, enforced, then the result cached and the duration reported."""
        alarm = self._arm_timeout(inv, args) if self.policy.timeout.enabled else None
        if self._path_cache:
            self._path_cache.clear()  # changes made between invocations are not seen
        started = time.perf_counter()
        token = _hook.enter(inv)
        try:
            result = handler(*args, **kwargs)
        except BaseException:
            if key is not None and self.store is not None:
                with _hook.suspended():
                    self.store.release(key)
            raise
        finally:
            _hook.leave(token, inv)
            if alarm is not None:
                alarm.cancel()
        with _hook.suspended():
            if key is not None:
                self._remember(inv, key, result)
            if self.audit.invocations:
                self.audit.emit("invocation", request_id=inv.request_id, depth=inv.depth,
                                duration_ms=round((time.perf_counter() - started) * 1000, 3))
        return result

    def _finish(self, masked: list[str] | None, depth_token: Token[int | None] | None) -> None:
        if masked:
            self._masking.REGISTRY.remove_dynamic(masked)
        if depth_token is not None:
            self._recursion.current_depth.reset(depth_token)

    def _cold_start(self) -> None:
        p = self.policy
        self.audit.emit(
            "cold_start",
            version=__version__,
            python=sys.version.split()[0],
            hook_live=_hook.is_live(),
            modes={"process": p.process.mode.value, "filesystem": p.filesystem.mode.value,
                   "network": p.network.mode.value, "dynamic_code": p.dynamic_code.mode.value,
                   "validation": p.validation.mode.value, "recursion": p.recursion.mode.value},
        )

    def _mask_request(self, where: str, args: tuple[Any, ...]) -> list[str] | None:
        masking = self._masking
        masking.install_outputs()
        if where in (_events.AWS_HTTP, _events.AWS_ALB):
            secrets = masking.header_secrets(args[0])
        elif where == _events.GCP_HTTP:
            secrets = [v for k, v in _events.headers(args[0], where).items()
                       if k in masking.SECRET_HEADERS]
        else:
            return None
        return masking.REGISTRY.add_dynamic(secrets) if secrets else None

    def _before(
        self, inv: Invocation, where: str, args: tuple[Any, ...]
    ) -> tuple[Any, Token[int | None] | None, str | None]:
        """Validation, depth, idempotency: returns (early answer or _PROCEED, token, key)."""
        if self.validate is not None:
            early = self._check_input(inv, where, args)
            if early is not _PROCEED:
                return early, None, None
        depth_token = None
        if self.propagator is not None:
            event = args[0] if args else None
            context = args[1] if len(args) > 1 else None
            depth, offenders = self._recursion.read_depth(event, context, where)
            inv.depth = depth
            limit = self.policy.recursion.max_depth
            if depth > limit:
                self.audit.emit("depth_exceeded", feature="recursion", request_id=inv.request_id,
                                depth=depth, max_depth=limit, records=offenders or None,
                                mode=self.policy.recursion.mode.value)
                if self.policy.recursion.mode is Mode.BLOCK:
                    return self._stopped(where, depth, limit), None, None
            self.propagator.refresh()
        key = None
        if self.key_of is not None and self.store is not None:
            early, key = self._idempotent(inv, where, args)
            if early is not _PROCEED:
                return early, None, None
        if inv.depth is not None:
            depth_token = self._recursion.current_depth.set(inv.depth)
        return _PROCEED, depth_token, key

    def _check_input(self, inv: Invocation, where: str, args: tuple[Any, ...]) -> Any:
        assert self.validate is not None
        event = args[0] if args else None
        http = where in (_events.AWS_HTTP, _events.AWS_ALB, _events.GCP_HTTP)
        target = self.policy.validation.target
        try:
            if (http and target != "event") or where == _events.GCP_CLOUDEVENT or target == "body":
                data = _events.body(event, where if where != _events.AWS_OTHER else _events.AWS_HTTP)
            else:
                data = event
        except _events.BodyError as exc:
            errors = [str(exc)]
        else:
            errors = self.validate(data)
        if not errors:
            return _PROCEED
        mode = self.policy.validation.mode
        self.audit.emit("validation_failed", feature="validation", request_id=inv.request_id,
                        errors=errors[:20], mode=mode.value)
        if mode is not Mode.BLOCK:
            return _PROCEED
        if http:
            return _events.error_response(where, 400, "Invalid request", errors[:20])
        raise ValidationFailed(errors)

    def _stopped(self, where: str, depth: int, limit: int) -> Any:
        if where in (_events.AWS_HTTP, _events.AWS_ALB, _events.GCP_HTTP):
            return _events.error_response(where, 508, "Recursive invocation stopped",
                                          [f"execution depth {depth} exceeds {limit}"])
        return None

    def _idempotent(self, inv: Invocation, where: str, args: tuple[Any, ...]) -> tuple[Any, str | None]:
        assert self.key_of is not None and self.store is not None
        from ._idempotency import hash_key

        value = self.key_of(args[0] if args else None)
        if value is None:
            self.audit.emit("idempotency_key_missing", feature="idempotency",
                            request_id=inv.request_id)
            return _PROCEED, None
        key = hash_key(self.name, value)
        policy = self.policy.idempotency
        lock = policy.lock_timeout_s
        if lock is None:
            lock = self._remaining_s(args) or 900.0
        try:
            cached = self.store.begin(key, lock, policy.expires_after_s)
        except IdempotencyInProgress:
            self.audit.emit("idempotency_in_progress", feature="idempotency",
                            request_id=inv.request_id, key=key)
            if where in (_events.AWS_HTTP, _events.AWS_ALB, _events.GCP_HTTP):
                return _events.error_response(where, 409, "Request already in progress", []), None
            raise
        if cached is None:
            return _PROCEED, key
        import json

        self.audit.emit("idempotent_replay", feature="idempotency", request_id=inv.request_id,
                        key=key)
        return json.loads(cached), None

    def _remember(self, inv: Invocation, key: str, result: Any) -> None:
        assert self.store is not None
        import json

        try:
            data = json.dumps(result)
        except (TypeError, ValueError):
            self.store.release(key)
            self.audit.emit("error", feature="idempotency", request_id=inv.request_id,
                            reason="result is not JSON serialisable; not cached")
            return
        self.store.complete(key, data, self.policy.idempotency.expires_after_s)

    def _remaining_s(self, args: tuple[Any, ...]) -> float | None:
        context = args[1] if len(args) > 1 else None
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is not None:
            return float(remaining()) / 1000.0
        return self.timeout_s

    def _arm_timeout(self, inv: Invocation, args: tuple[Any, ...]) -> Any:
        remaining = self._remaining_s(args)
        if remaining is None:
            return None
        margin = self.policy.timeout.margin_ms / 1000.0
        deadline = time.monotonic() + remaining

        def warn() -> None:
            self.audit.emit("timeout_warning", feature="timeout", request_id=inv.request_id,
                            remaining_ms=round((deadline - time.monotonic()) * 1000),
                            depth=inv.depth)

        return self._alarm(remaining - margin, warn)

    def network_refresh(self) -> None:
        if self._network and "socket" in sys.modules:
            from ._network import ensure_wrappers

            ensure_wrappers()
            self._network = False


def _model_validator(model: Any) -> Callable[[Any], list[str]]:
    """Validation by a pydantic model class (v2 `model_validate` or v1 `parse_obj`)."""
    parse = getattr(model, "model_validate", None) or getattr(model, "parse_obj", None)
    if parse is None:
        raise GuardConfigError("validation.model must be a pydantic model class")

    def validate(data: Any) -> list[str]:
        try:
            parse(data)
        except Exception as exc:
            details = getattr(exc, "errors", None)
            if not callable(details):
                raise
            return [f"{'.'.join(str(p) for p in e.get('loc', ())) or '$'}: {e.get('msg')}"
                    for e in details()]
        return []

    return validate


def load_policy(policy: Policy | None, env_var: str | None) -> Policy:
    """The code policy with the environment's JSON document (if any) merged over it."""
    result = policy if policy is not None else Policy()
    document = os.environ.get(env_var) if env_var else None
    if document:
        import json

        try:
            parsed = json.loads(document)
        except ValueError as exc:
            raise GuardConfigError(f"{env_var} is not valid JSON: {exc}") from None
        result = result.merge(parsed)
    return result


def guard(policy: Policy | None = None, *, env_var: str | None = ENV_VAR) -> Callable[[F], F]:
    """Wrap a handler (Lambda, or functions-framework HTTP / CloudEvent) with `policy`.

    The JSON document in the environment variable `env_var` (FNGUARD_POLICY) is merged over
    `policy`, so operators can tighten a deployed function without a code change.
    """

    def decorate(handler: F) -> F:
        code = getattr(handler, "__code__", None)
        if code is not None and code.co_flags & _ASYNC_FLAGS:
            # The guard would end before the coroutine runs: refuse rather than guard nothing.
            raise GuardConfigError("guard() wraps synchronous handlers; this one is async")
        runtime = Runtime(load_policy(policy, env_var), handler)
        call = runtime.call
        refresh = runtime.network_refresh

        def guarded(*args: Any, **kwargs: Any) -> Any:
            refresh()
            return call(handler, args, kwargs)

        for name in ("__module__", "__name__", "__qualname__", "__doc__"):
            try:
                setattr(guarded, name, getattr(handler, name))
            except AttributeError:
                pass
        guarded.__dict__.update(getattr(handler, "__dict__", {}))
        guarded.__wrapped__ = handler  # type: ignore[attr-defined]
        guarded.fnguard_runtime = runtime  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
