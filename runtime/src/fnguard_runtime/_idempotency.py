"""Idempotency for retried events: key, in-progress lock, expiry, cached result.

The policy lives in `IdempotencyStore` (template method); a backend implements four small
storage operations. The lock is taken with a conditional write that succeeds only when no
live record exists, so two concurrent deliveries of one event never both run the handler.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod

from ._errors import GuardConfigError, IdempotencyInProgress

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ._policy import IdempotencyPolicy

IN_PROGRESS = "INPROGRESS"
COMPLETED = "COMPLETED"
_MISSING = object()


class IdempotencyRecord:
    """One stored key: its status, cached result (JSON text) and deadlines (epoch seconds)."""

    __slots__ = ("data", "expires_at", "lock_until", "status")

    def __init__(self, status: str, data: str | None, expires_at: float, lock_until: float) -> None:
        self.status = status
        self.data = data
        self.expires_at = expires_at
        self.lock_until = lock_until


class IdempotencyStore(ABC):
    """Base of the stores; subclasses implement the four `_` storage methods."""

    @abstractmethod
    def _insert_in_progress(self, key: str, now: float, lock_until: float, expires_at: float) -> bool:
        """Write an IN_PROGRESS record unless a live one exists; True when written.

        A record is live when it is COMPLETED and `expires_at > now`, or IN_PROGRESS and
        `lock_until > now`.
        """

    @abstractmethod
    def _get(self, key: str) -> IdempotencyRecord | None:
        """The stored record, or None."""

    @abstractmethod
    def _save_result(self, key: str, data: str, expires_at: float) -> None:
        """Mark the key COMPLETED with its result and a new expiry."""

    @abstractmethod
    def _delete(self, key: str) -> None:
        """Remove the key."""

    def begin(self, key: str, lock_seconds: float, expires_after: float) -> str | None:
        """Take the key's lock (None) or return the cached result's JSON text.

        Raises IdempotencyInProgress while another invocation holds the lock.
        """
        now = time.time()
        if self._insert_in_progress(key, now, now + lock_seconds, now + expires_after):
            return None
        record = self._get(key)
        if record is None:  # expired and deleted between the two calls: try once more
            if self._insert_in_progress(key, now, now + lock_seconds, now + expires_after):
                return None
            raise IdempotencyInProgress(key)
        if record.status == COMPLETED and record.expires_at > now and record.data is not None:
            return record.data
        raise IdempotencyInProgress(key)

    def complete(self, key: str, data: str, expires_after: float) -> None:
        """Store the result and release the lock."""
        self._save_result(key, data, time.time() + expires_after)

    def release(self, key: str) -> None:
        """Forget the key after a failure so that the retry runs the handler."""
        self._delete(key)


class InMemoryStore(IdempotencyStore):
    """Per-process store: survives warm invocations of one instance, nothing more."""

    def __init__(self) -> None:
        import threading

        self._records: dict[str, IdempotencyRecord] = {}
        self._lock = threading.Lock()

    def _insert_in_progress(self, key: str, now: float, lock_until: float, expires_at: float) -> bool:
        with self._lock:
            record = self._records.get(key)
            if record is not None and _live(record, now):
                return False
            self._records[key] = IdempotencyRecord(IN_PROGRESS, None, expires_at, lock_until)
            return True

    def _get(self, key: str) -> IdempotencyRecord | None:
        return self._records.get(key)

    def _save_result(self, key: str, data: str, expires_at: float) -> None:
        with self._lock:
            self._records[key] = IdempotencyRecord(COMPLETED, data, expires_at, 0.0)

    def _delete(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)


def _live(record: IdempotencyRecord, now: float) -> bool:
    if record.status == COMPLETED:
        return record.expires_at > now
    return record.lock_until > now


# Keys ------------------------------------------------------------------------------------

def compile_path(expression: str) -> Callable[[Any], Any]:
    """Compile `a.b[0].c` into a getter; string values met on the way are parsed as JSON
    (API Gateway bodies, SQS message bodies)."""
    steps: list[str | int] = []
    for part in expression.split("."):
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        for index in filter(None, rest.replace("]", "").split("[")) if rest else ():
            if not index.lstrip("-").isdigit():
                raise GuardConfigError(f"bad index in idempotency key path {expression!r}")
            steps.append(int(index))
        if not name and not rest:
            raise GuardConfigError(f"empty step in idempotency key path {expression!r}")

    def get(event: Any) -> Any:
        value = event
        for step in steps:
            if isinstance(value, (str, bytes)):
                import json

                try:
                    value = json.loads(value)
                except ValueError:
                    return None
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    return get


def key_function(policy: IdempotencyPolicy) -> Callable[[Any], Any] | None:
    if policy.key is None:
        return None
    if callable(policy.key):
        return policy.key
    return compile_path(policy.key)


def hash_key(prefix: str, value: Any) -> str:
    """A stable key: the function name and a SHA-256 of the value's canonical JSON."""
    import hashlib
    import json

    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return f"{prefix}#{hashlib.sha256(text.encode()).hexdigest()}"


def make_store(spec: object) -> IdempotencyStore:
    """A store from its policy spec: an object, "memory", "sqlite:PATH" or "dynamodb:TABLE"."""
    if isinstance(spec, IdempotencyStore):
        return spec
    if spec in (None, "memory"):
        return InMemoryStore()
    if isinstance(spec, str) and spec.startswith("sqlite:"):
        from ._sqlite_store import SQLiteStore

        return SQLiteStore(spec[len("sqlite:"):])
    if isinstance(spec, str) and spec.startswith("dynamodb:"):
        from ._dynamodb_store import DynamoDBStore

        return DynamoDBStore(spec[len("dynamodb:"):])
    raise GuardConfigError(f"unknown idempotency store {spec!r}")
