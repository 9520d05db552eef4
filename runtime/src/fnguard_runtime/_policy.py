"""The policy: frozen, per-feature settings, each feature in block, alert or off mode.

A policy is built in code (`Policy(network=NetworkPolicy(allow=("api.example.com:443",)))`)
or from the JSON document in `FNGUARD_POLICY`; `Policy.from_mapping` is the one parser of that
document and `Policy.merge` lets the environment override code without a redeploy.
"""

from __future__ import annotations

from ._errors import GuardConfigError
from ._frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any, ClassVar, Union

    from ._idempotency import IdempotencyStore

    KeySource = Union[str, Callable[[Any], Any], None]
    StoreSpec = Union["IdempotencyStore", str, None]


class Mode(str):
    """What a feature does when it sees a denied operation: BLOCK, ALERT or OFF.

    Three interned str singletons rather than an `enum.Enum`: `enum` and what it imports cost
    about 3 ms, half of the guard's import budget. `Mode("block") is Mode.BLOCK` holds, and
    `.value` is the string, as with an enum.
    """

    __slots__ = ()
    BLOCK: ClassVar[Mode]
    ALERT: ClassVar[Mode]
    OFF: ClassVar[Mode]
    _members: ClassVar[dict[str, Mode]] = {}

    def __new__(cls, value: object) -> Mode:
        member = cls._members.get(str(value).lower())
        if member is None:
            raise ValueError(f"{value!r} is not a valid Mode")
        return member

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Mode.{self.upper()}"

    def __reduce__(self) -> tuple[type[Mode], tuple[str]]:
        return (Mode, (self.value,))


for _name in ("block", "alert", "off"):
    Mode._members[_name] = str.__new__(Mode, _name)
    setattr(Mode, _name.upper(), Mode._members[_name])


DEFAULT_SECRET_ENV_PATTERN = (
    r"(?i)(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)"
)


def _mode(value: object, where: str) -> Mode:
    try:
        return value if isinstance(value, Mode) else Mode(str(value).lower())
    except ValueError:
        raise GuardConfigError(f"{where}.mode must be block, alert or off, not {value!r}") from None


def _strings(value: Iterable[str] | None, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise GuardConfigError(f"{where} must be a list of strings")
    return tuple(value)


class ProcessPolicy(Frozen):
    """Child processes and shells; `allow` holds absolute paths or bare executable names."""

    __slots__ = ("allow", "allow_fork", "mode")
    mode: Mode
    allow: tuple[str, ...]
    allow_fork: bool

    def __init__(
        self, mode: Mode | str = Mode.BLOCK, allow: Iterable[str] = (), allow_fork: bool = False
    ) -> None:
        self._init(mode=_mode(mode, "process"), allow=_strings(allow, "process.allow"),
                   allow_fork=bool(allow_fork))


class FilesystemPolicy(Frozen):
    """Writes (create, truncate, rename, remove, chmod, chown, link) outside `allow_write`.

    Paths are resolved with realpath, so a symlink inside an allowed folder that points
    outside it is judged by its target. An empty `allow_write` makes the whole filesystem
    read-only, including /tmp.
    """

    __slots__ = ("allow_write", "mode")
    mode: Mode
    allow_write: tuple[str, ...]

    def __init__(
        self, mode: Mode | str = Mode.BLOCK, allow_write: Iterable[str] = ("/tmp", "/dev/null")
    ) -> None:
        self._init(mode=_mode(mode, "filesystem"),
                   allow_write=_strings(allow_write, "filesystem.allow_write"))


class NetworkPolicy(Frozen):
    """Outbound connections and name lookups.

    `allow` is None for "any destination except the metadata and credential endpoints", or a
    list of rules: `host`, `*.suffix`, an IP, a CIDR, each optionally followed by `:port` or
    `:port1,port2` (IPv6 in brackets: `[fd00::1]:443`). The metadata endpoints are denied
    unless `allow_metadata` is true or a rule names them exactly.
    """

    __slots__ = ("allow", "allow_metadata", "mode")
    mode: Mode
    allow: tuple[str, ...] | None
    allow_metadata: bool

    def __init__(
        self,
        mode: Mode | str = Mode.BLOCK,
        allow: Iterable[str] | None = None,
        allow_metadata: bool = False,
    ) -> None:
        self._init(mode=_mode(mode, "network"),
                   allow=None if allow is None else _strings(allow, "network.allow"),
                   allow_metadata=bool(allow_metadata))


class DynamicCodePolicy(Frozen):
    """`compile`/`exec`/`eval` of source text and `ctypes` library loading.

    Alert by default: blocking breaks libraries that generate code (namedtuple, dataclasses),
    so callers in `allow_modules` (module name prefixes) are never reported.
    """

    __slots__ = ("allow_modules", "mode")
    mode: Mode
    allow_modules: tuple[str, ...]

    def __init__(
        self,
        mode: Mode | str = Mode.ALERT,
        allow_modules: Iterable[str] = (
            "importlib", "collections", "dataclasses", "typing", "enum", "functools",
            "string", "pydantic", "attr", "botocore", "boto3", "flask", "werkzeug", "jinja2",
        ),
    ) -> None:
        self._init(mode=_mode(mode, "dynamic_code"),
                   allow_modules=_strings(allow_modules, "dynamic_code.allow_modules"))


class ValidationPolicy(Frozen):
    """Input validation by a JSON-Schema subset or a pydantic model class.

    `target` is "auto" (the JSON body for HTTP events, the event otherwise), "event" or "body".
    """

    __slots__ = ("mode", "model", "schema", "target")
    mode: Mode
    schema: Mapping[str, Any] | None
    model: Any
    target: str

    def __init__(
        self,
        schema: Mapping[str, Any] | None = None,
        model: Any = None,
        mode: Mode | str = Mode.BLOCK,
        target: str = "auto",
    ) -> None:
        if target not in ("auto", "event", "body"):
            raise GuardConfigError("validation.target must be auto, event or body")
        if schema is not None and not isinstance(schema, dict):
            raise GuardConfigError("validation.schema must be a JSON object")
        self._init(mode=_mode(mode, "validation"), schema=schema, model=model, target=target)


class MaskingPolicy(Frozen):
    """Secret masking in logs, stdout and stderr.

    Secret values come from environment variables whose name matches `env_pattern` or is in
    `env_names`, plus cloud keys, JWTs and private keys found by pattern, plus the event's
    Authorization / API key / Cookie headers for the length of the invocation.
    """

    __slots__ = ("enabled", "env_names", "env_pattern", "mask", "min_length")
    enabled: bool
    env_names: tuple[str, ...]
    env_pattern: str
    mask: str
    min_length: int

    def __init__(
        self,
        enabled: bool = True,
        env_names: Iterable[str] = (),
        env_pattern: str = DEFAULT_SECRET_ENV_PATTERN,
        mask: str = "****",
        min_length: int = 6,
    ) -> None:
        self._init(enabled=bool(enabled), env_names=_strings(env_names, "masking.env_names"),
                   env_pattern=str(env_pattern), mask=str(mask), min_length=int(min_length))


class RecursionPolicy(Frozen):
    """Execution-depth tracking across S3, SQS, SNS, EventBridge, HTTP and Lambda hops."""

    __slots__ = ("max_depth", "mode")
    mode: Mode
    max_depth: int

    def __init__(self, mode: Mode | str = Mode.BLOCK, max_depth: int = 10) -> None:
        if int(max_depth) < 1:
            raise GuardConfigError("recursion.max_depth must be at least 1")
        self._init(mode=_mode(mode, "recursion"), max_depth=int(max_depth))


class IdempotencyPolicy(Frozen):
    """Idempotency for retried events; off while `key` is None.

    `key` is a path expression (`body.orderId`, `Records[0].messageId`) or a callable taking
    the event. `store` is a store object or "memory", "sqlite:PATH", "dynamodb:TABLE".
    """

    __slots__ = ("expires_after_s", "key", "lock_timeout_s", "store")
    key: KeySource
    store: StoreSpec
    expires_after_s: float
    lock_timeout_s: float | None

    def __init__(
        self,
        key: KeySource = None,
        store: StoreSpec = "memory",
        expires_after_s: float = 3600.0,
        lock_timeout_s: float | None = None,
    ) -> None:
        self._init(key=key, store=store, expires_after_s=float(expires_after_s),
                   lock_timeout_s=None if lock_timeout_s is None else float(lock_timeout_s))


class TimeoutPolicy(Frozen):
    """An audit event `margin_ms` before the invocation's deadline.

    On Lambda the deadline comes from the context; elsewhere from `timeout_s` or the
    FUNCTION_TIMEOUT_SEC environment variable (Cloud Functions).
    """

    __slots__ = ("enabled", "margin_ms", "timeout_s")
    enabled: bool
    margin_ms: int
    timeout_s: float | None

    def __init__(
        self, enabled: bool = True, margin_ms: int = 1000, timeout_s: float | None = None
    ) -> None:
        self._init(enabled=bool(enabled), margin_ms=int(margin_ms),
                   timeout_s=None if timeout_s is None else float(timeout_s))


class AuditPolicy(Frozen):
    """Where audit events go: JSON lines on stdout, RFC 5424 syslog, or both.

    `address` is `udp://host:port` or `tcp://host:port`. `invocations` adds one event per
    invocation with its duration (off by default: it costs a write per call).
    """

    __slots__ = ("address", "app_name", "facility", "invocations", "sink")
    sink: str
    address: str | None
    app_name: str
    facility: int
    invocations: bool

    def __init__(
        self,
        sink: str = "stdout",
        address: str | None = None,
        app_name: str = "fnguard",
        facility: int = 16,
        invocations: bool = False,
    ) -> None:
        if sink not in ("stdout", "syslog", "both"):
            raise GuardConfigError("audit.sink must be stdout, syslog or both")
        if sink != "stdout" and not address:
            raise GuardConfigError("audit.address is required for syslog (udp://h:p, tcp://h:p)")
        if not 0 <= int(facility) <= 23:
            raise GuardConfigError("audit.facility must be 0-23")
        self._init(sink=sink, address=address, app_name=str(app_name),
                   facility=int(facility), invocations=bool(invocations))


_SECTIONS: dict[str, type[Frozen]] = {
    "process": ProcessPolicy,
    "filesystem": FilesystemPolicy,
    "network": NetworkPolicy,
    "dynamic_code": DynamicCodePolicy,
    "validation": ValidationPolicy,
    "masking": MaskingPolicy,
    "recursion": RecursionPolicy,
    "idempotency": IdempotencyPolicy,
    "timeout": TimeoutPolicy,
    "audit": AuditPolicy,
}


class Policy(Frozen):
    """The whole guard policy: one frozen section per feature."""

    __slots__ = tuple(sorted(_SECTIONS))
    process: ProcessPolicy
    filesystem: FilesystemPolicy
    network: NetworkPolicy
    dynamic_code: DynamicCodePolicy
    validation: ValidationPolicy
    masking: MaskingPolicy
    recursion: RecursionPolicy
    idempotency: IdempotencyPolicy
    timeout: TimeoutPolicy
    audit: AuditPolicy

    def __init__(
        self,
        process: ProcessPolicy | None = None,
        filesystem: FilesystemPolicy | None = None,
        network: NetworkPolicy | None = None,
        dynamic_code: DynamicCodePolicy | None = None,
        validation: ValidationPolicy | None = None,
        masking: MaskingPolicy | None = None,
        recursion: RecursionPolicy | None = None,
        idempotency: IdempotencyPolicy | None = None,
        timeout: TimeoutPolicy | None = None,
        audit: AuditPolicy | None = None,
    ) -> None:
        self._init(
            process=process or ProcessPolicy(),
            filesystem=filesystem or FilesystemPolicy(),
            network=network or NetworkPolicy(),
            dynamic_code=dynamic_code or DynamicCodePolicy(),
            validation=validation or ValidationPolicy(),
            masking=masking or MaskingPolicy(),
            recursion=recursion or RecursionPolicy(),
            idempotency=idempotency or IdempotencyPolicy(),
            timeout=timeout or TimeoutPolicy(),
            audit=audit or AuditPolicy(),
        )

    def merge(self, document: Mapping[str, Any]) -> Policy:
        """Return this policy with the sections and fields named in `document` replaced."""
        if not isinstance(document, dict):
            raise GuardConfigError("a guard policy document must be a JSON object")
        changes: dict[str, Frozen] = {}
        for name, fields in document.items():
            cls = _SECTIONS.get(name)
            if cls is None:
                raise GuardConfigError(f"unknown policy section {name!r}")
            if not isinstance(fields, dict):
                raise GuardConfigError(f"policy section {name!r} must be an object")
            current = getattr(self, name)
            unknown = set(fields) - set(cls.__slots__)
            if unknown:
                raise GuardConfigError(f"unknown field(s) in {name}: {sorted(unknown)}")
            merged = {slot: getattr(current, slot) for slot in cls.__slots__}
            merged.update(fields)
            try:
                changes[name] = cls(**merged)
            except TypeError as exc:
                raise GuardConfigError(f"policy section {name!r}: {exc}") from None
        return self.replace(**changes)

    @classmethod
    def from_mapping(cls, document: Mapping[str, Any]) -> Policy:
        """Build a policy from its JSON document (the README documents the schema)."""
        return cls().merge(document)
