"""What the analysis knows about a Python value: enough to follow SDK clients and strings.

Strings are glob patterns (an f-string ``f"daily/{day}.csv"`` is ``daily/*.csv``); ``None``
means nothing is known. SDK objects carry the service, the region when the code names one,
and whether they use credentials other than the execution role's (``foreign``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "UNKNOWN",
    "Boto3",
    "Bound",
    "ClassRef",
    "Client",
    "CollectionVal",
    "Dict",
    "Environ",
    "Event",
    "FuncRef",
    "HelperVal",
    "Instance",
    "Meta",
    "ModuleRef",
    "Paginator",
    "Resource",
    "Session",
    "Text",
    "Unknown",
    "Value",
    "Waiter",
]


@dataclass(frozen=True)
class Unknown:
    pass


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Text:
    pattern: str | None  # glob; None: unknowable
    unset: tuple[str, ...] = ()  # environment variables read but not known, in order

    @property
    def known(self) -> bool:
        return self.pattern is not None and self.pattern.strip("*") != ""


@dataclass(frozen=True)
class Dict:
    items: tuple[tuple[str, Value], ...]

    def get(self, key: str) -> Value:
        return next((v for k, v in self.items if k == key), UNKNOWN)


@dataclass(frozen=True)
class Boto3:
    """The ``boto3`` module or ``boto3.session``; with ``botocore``, ``botocore(.session)``."""

    botocore: bool = False


@dataclass(frozen=True)
class Environ:
    """``os.environ`` (or the ``os`` module: ``os.getenv``, ``os.environ``)."""

    is_os: bool = False


@dataclass(frozen=True)
class Session:
    foreign: bool = False
    region: str | None = None


@dataclass(frozen=True)
class Client:
    service: str
    foreign: bool = False
    region: str | None = None


@dataclass(frozen=True)
class Resource:
    """A boto3 resource; ``type`` ``""`` is the service resource (``boto3.resource("s3")``)."""

    service: str
    type: str
    ids: tuple[tuple[str, Text], ...] = ()
    foreign: bool = False
    region: str | None = None

    def ident(self, name: str) -> Text:
        return next((v for k, v in self.ids if k == name), Text(None))


@dataclass(frozen=True)
class CollectionVal:
    parent: Resource
    name: str


@dataclass(frozen=True)
class Meta:
    """``resource.meta``: its ``.client`` is a client of the same service."""

    of: Resource


@dataclass(frozen=True)
class Paginator:
    client: Client
    operation: str


@dataclass(frozen=True)
class Waiter:
    client: Client
    operation: str


@dataclass(frozen=True)
class HelperVal:
    """An object a boto3 helper returns (``table.batch_writer()``): its methods are calls."""

    owner: Resource
    operations: tuple[str, ...]


@dataclass(frozen=True)
class Bound:
    """``obj.name`` of an SDK object, a module or an instance, waiting to be called."""

    obj: Value
    name: str


@dataclass(frozen=True)
class Event:
    """The handler's ``event`` or a part of it: ``("Records", "[]", "s3", "bucket", "name")``."""

    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleRef:
    name: str


@dataclass(frozen=True)
class FuncRef:
    module: str
    qualname: str


@dataclass(frozen=True)
class ClassRef:
    module: str
    qualname: str


@dataclass(frozen=True)
class Instance:
    cls: ClassRef


Value = (
    Unknown
    | Text
    | Dict
    | Boto3
    | Bound
    | Environ
    | Event
    | Session
    | Client
    | Resource
    | CollectionVal
    | Meta
    | Paginator
    | Waiter
    | HelperVal
    | ModuleRef
    | FuncRef
    | ClassRef
    | Instance
)
