"""fnguard-runtime: the in-function guard for AWS Lambda and Google Cloud Functions.

    from fnguard_runtime import guard, Policy, NetworkPolicy

    @guard(Policy(network=NetworkPolicy(allow=("api.example.com:443",))))
    def handler(event, context): ...

Standard library only; importing it loads neither boto3 nor the fnguard scanner, and the
heavier parts (json, re, ipaddress, sqlite3, socket) are imported only by the features that
need them.
"""

from __future__ import annotations

from ._errors import (
    GuardConfigError,
    GuardError,
    GuardUnavailable,
    GuardViolation,
    IdempotencyInProgress,
    ValidationFailed,
)
from ._guard import ENV_VAR, __version__, guard, load_policy
from ._idempotency import IdempotencyRecord, IdempotencyStore, InMemoryStore
from ._policy import (
    AuditPolicy,
    DynamicCodePolicy,
    FilesystemPolicy,
    IdempotencyPolicy,
    MaskingPolicy,
    Mode,
    NetworkPolicy,
    Policy,
    ProcessPolicy,
    RecursionPolicy,
    TimeoutPolicy,
    ValidationPolicy,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._dynamodb_store import DynamoDBStore
    from ._masking import MaskingFilter, MaskingStream
    from ._sqlite_store import SQLiteStore

__all__ = [
    "ENV_VAR",
    "AuditPolicy",
    "DynamicCodePolicy",
    "DynamoDBStore",
    "FilesystemPolicy",
    "GuardConfigError",
    "GuardError",
    "GuardUnavailable",
    "GuardViolation",
    "IdempotencyInProgress",
    "IdempotencyPolicy",
    "IdempotencyRecord",
    "IdempotencyStore",
    "InMemoryStore",
    "MaskingFilter",
    "MaskingPolicy",
    "MaskingStream",
    "Mode",
    "NetworkPolicy",
    "Policy",
    "ProcessPolicy",
    "RecursionPolicy",
    "SQLiteStore",
    "TimeoutPolicy",
    "ValidationFailed",
    "ValidationPolicy",
    "__version__",
    "guard",
    "load_policy",
    "mask",
    "track_boto3",
]

_LAZY = {
    "DynamoDBStore": "._dynamodb_store",
    "SQLiteStore": "._sqlite_store",
    "MaskingFilter": "._masking",
    "MaskingStream": "._masking",
}


def __getattr__(name: str) -> Any:
    """Load the optional parts (stores that import sqlite3, masking that imports re) on use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fnguard_runtime' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module, __name__), name)


def mask(text: str) -> str:
    """`text` with every secret known to the guard replaced by the mask."""
    from ._masking import REGISTRY

    return REGISTRY.apply(text)


def track_boto3(client_or_session: Any) -> None:
    """Propagate execution depth on this boto3 client, resource or session (clients made
    before the first invocation and not in the handler's module globals need this)."""
    from ._recursion import track

    track(client_or_session)
