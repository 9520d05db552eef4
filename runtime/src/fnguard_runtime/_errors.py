"""The guard's one error tree.

    GuardError
    ├── GuardConfigError      a policy, schema or store that cannot be used (also ValueError)
    ├── GuardUnavailable      the audit hook is not live, so block mode cannot be honoured
    ├── GuardViolation        an operation denied in block mode (also PermissionError, so
    │                         code that already handles OSError degrades gracefully)
    ├── ValidationFailed      a non-HTTP event failed input validation (also ValueError)
    └── IdempotencyInProgress another invocation holds the key's lock
"""

from __future__ import annotations


class GuardError(Exception):
    """Base of every error raised by fnguard-runtime."""


class GuardConfigError(GuardError, ValueError):
    """A policy, schema or store that cannot be used; raised at decoration time."""


class GuardUnavailable(GuardError, RuntimeError):
    """The audit hook did not answer its canary: an earlier hook refused it."""


class GuardViolation(GuardError, PermissionError):
    """An operation denied by a feature in block mode."""

    def __init__(self, feature: str, operation: str, target: str, reason: str) -> None:
        super().__init__(f"fnguard blocked {operation} ({feature}): {target}: {reason}")
        self.feature = feature
        self.operation = operation
        self.target = target
        self.reason = reason


class ValidationFailed(GuardError, ValueError):
    """A non-HTTP event did not match the schema or model."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("event failed validation: " + "; ".join(errors))
        self.errors = errors


class IdempotencyInProgress(GuardError):
    """The same idempotency key is being processed by another invocation."""

    def __init__(self, key: str) -> None:
        super().__init__(f"idempotency key {key} is already in progress")
        self.key = key
