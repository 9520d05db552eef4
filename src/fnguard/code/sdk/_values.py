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
    """A value the analysis does not follow or could not resolve: one object (``UNKNOWN``) for all
    of them, so that nothing is concluded from it."""

    pass


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Text:
    """A string as a glob pattern (unknown parts are ``*``), so that a name built at run time still
    narrows the ARN; environment variables read without a known value are listed for the report."""

    pattern: str | None  # glob; None: unknowable
    unset: tuple[str, ...] = ()  # environment variables read but not known, in order

    @property
    def known(self) -> bool:
        return self.pattern is not None and self.pattern.strip("*") != ""


@dataclass(frozen=True)
class Dict:
    """A dict literal with constant keys, so that request parameters passed as one (``**params``,
    ``Params=``, ``RequestItems``) stay readable."""

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
    """A boto3 or botocore session: the clients made from it inherit its region and whether it holds
    credentials other than the role's."""

    foreign: bool = False
    region: str | None = None


@dataclass(frozen=True)
class Client:
    """A boto3 client: each operation called on it is recorded as an SDK call (those made with
    credentials other than the role's are reported apart)."""

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
    """A resource collection reached from a resource (``bucket.objects``): iterating or calling it
    records its listing request, and any batch action."""

    parent: Resource
    name: str


@dataclass(frozen=True)
class Meta:
    """``resource.meta``: its ``.client`` is a client of the same service."""

    of: Resource


@dataclass(frozen=True)
class Paginator:
    """``client.get_paginator(name)``: paginating records the operation it pages through."""

    client: Client
    operation: str


@dataclass(frozen=True)
class Waiter:
    """``client.get_waiter(name)``: waiting records the operation the waiter polls."""

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
    """A local module used as a value (``import helpers``): its attributes are that module's
    globals, so that a client made there is followed here."""

    name: str


@dataclass(frozen=True)
class FuncRef:
    """A function by module and qualified name: one of the program's (walked with each call's
    arguments) or a boto3 / os factory the walker interprets itself."""

    module: str
    qualname: str


@dataclass(frozen=True)
class ClassRef:
    """A class of the program: calling it makes an ``Instance`` (running ``__init__``); its
    attributes come from its body and its ``self.x = ...`` assignments."""

    module: str
    qualname: str


@dataclass(frozen=True)
class Instance:
    """An object of a program class: ``self.client`` and method calls resolve through the class's
    attributes and methods."""

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
