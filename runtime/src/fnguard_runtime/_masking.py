"""Secret masking for everything the function writes: logging records, stdout and stderr.

One process-wide registry holds the secret values (every guarded function adds its own),
so a single stdout wrapper and a single log-record factory serve all of them. Values come
from environment variables chosen by name, from patterns (AWS access keys, JWTs, private
keys, Google API keys), and, for the length of an invocation, from the event's credential
headers.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import logging
    import re
    from collections.abc import Iterable
    from typing import Any, TextIO

    from ._policy import MaskingPolicy

_PATTERNS = (
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
    r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
    r"\bAIza[0-9A-Za-z_-]{35}\b",
    r"(?i:aws_secret_access_key)[\s\"']*[=:][\s\"']*[A-Za-z0-9/+=]{40}",
)
SECRET_HEADERS = frozenset(("authorization", "proxy-authorization", "x-api-key", "cookie",
                            "x-amz-security-token"))


class MaskRegistry:
    """The secret values and patterns every masking wrapper applies."""

    __slots__ = ("_dynamic", "_pattern", "literals", "mask")

    def __init__(self) -> None:
        self.literals: tuple[str, ...] = ()
        self.mask = "****"
        self._pattern: re.Pattern[str] | None = None
        self._dynamic: dict[str, int] = {}

    def configure(self, policy: MaskingPolicy, environ: dict[str, str] | None = None) -> None:
        """Add the secrets `policy` names (read from the environment now) and the patterns."""
        import re

        env = os.environ if environ is None else environ
        by_name = re.compile(policy.env_pattern)
        found = set(self.literals)
        for name, value in env.items():
            if (name in policy.env_names or by_name.search(name)) and len(value) >= policy.min_length:
                found.add(value)
        # Longest first, so a secret containing another is masked whole.
        self.literals = tuple(sorted(found, key=len, reverse=True))
        self.mask = policy.mask
        if self._pattern is None:
            self._pattern = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))

    def add_dynamic(self, values: Iterable[str]) -> list[str]:
        """Mask `values` until `remove_dynamic`; returns what was added."""
        added = []
        for value in values:
            if len(value) >= 6:
                self._dynamic[value] = self._dynamic.get(value, 0) + 1
                added.append(value)
                token = value.split(" ", 1)[-1]  # "Bearer abc..." -> also mask "abc..."
                if token != value and len(token) >= 6:
                    self._dynamic[token] = self._dynamic.get(token, 0) + 1
                    added.append(token)
        return added

    def remove_dynamic(self, values: Iterable[str]) -> None:
        for value in values:
            count = self._dynamic.get(value, 0) - 1
            if count > 0:
                self._dynamic[value] = count
            else:
                self._dynamic.pop(value, None)

    def apply(self, text: str) -> str:
        """`text` with every known secret replaced by the mask."""
        mask = self.mask
        for secret in self.literals:
            if secret in text:
                text = text.replace(secret, mask)
        if self._dynamic:
            for secret in sorted(self._dynamic, key=len, reverse=True):
                if secret in text:
                    text = text.replace(secret, mask)
        if self._pattern is not None:
            text = self._pattern.sub(mask, text)
        return text


REGISTRY = MaskRegistry()


class MaskingStream:
    """A text stream wrapper that masks secrets in everything written to it.

    Writes through `.buffer` or the file descriptor bypass it (see the README).
    """

    def __init__(self, stream: TextIO, registry: MaskRegistry = REGISTRY) -> None:
        self._stream = stream
        self._registry = registry

    def write(self, text: str) -> int:
        if isinstance(text, str):
            self._stream.write(self._registry.apply(text))
            return len(text)
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class MaskingFilter:
    """A logging filter (attach to any handler) that masks the formatted message and traceback."""

    def __init__(self, registry: MaskRegistry = REGISTRY) -> None:
        self._registry = registry

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record, self._registry)
        return True


def mask_record(record: logging.LogRecord, registry: MaskRegistry = REGISTRY) -> None:
    """Replace the record's message (args merged in) and traceback text with masked copies."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's error to report, not ours
        return
    record.msg = registry.apply(message)
    record.args = None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        import logging

        record.exc_text = registry.apply(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = registry.apply(record.stack_info)


_factory_installed = False


def install_outputs() -> None:
    """Wrap sys.stdout / sys.stderr (again, if someone replaced them) and, once logging is
    loaded, the log-record factory, so every logger and handler sees masked records."""
    global _factory_installed
    if not isinstance(sys.stdout, MaskingStream) and sys.stdout is not None:
        sys.stdout = MaskingStream(sys.stdout)
    if not isinstance(sys.stderr, MaskingStream) and sys.stderr is not None:
        sys.stderr = MaskingStream(sys.stderr)
    if not _factory_installed and "logging" in sys.modules:
        import logging

        _factory_installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            mask_record(record)
            return record

        logging.setLogRecordFactory(factory)


def header_secrets(event: object) -> list[str]:
    """Credential header values of an HTTP event (API Gateway, function URL, ALB)."""
    if not isinstance(event, dict):
        return []
    found: list[str] = []
    headers = event.get("headers")
    if isinstance(headers, dict):
        found.extend(v for k, v in headers.items()
                     if isinstance(v, str) and str(k).lower() in SECRET_HEADERS)
    multi = event.get("multiValueHeaders")
    if isinstance(multi, dict):
        for k, values in multi.items():
            if str(k).lower() in SECRET_HEADERS and isinstance(values, list):
                found.extend(v for v in values if isinstance(v, str))
    return found
