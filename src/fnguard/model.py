"""The normalised inventory: what every collector produces and every rule reads.

Collectors resolve each format's quirks (Terraform variables and defaults, SAM Globals,
serverless.yml provider settings) before building these objects, so a rule sees one shape
whatever the source. All objects are frozen: a rule can never change what another rule sees.

Conventions:
- ``address`` is a stable, human-readable identity (a Terraform address such as
  ``aws_lambda_function.api["eu"]``, a CloudFormation logical ID, an ARN for live resources).
  Cross-references between objects use addresses (``Function.role`` names a ``Role.address``).
- ``None`` means *unknown* (a value computed at deploy time, or a source that could not be read);
  the collector has already applied the provider's defaults for values the source leaves unset.
  Rules that need an unknown value report ``FindingStatus.UNKNOWN``, never a pass.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from fnmatch import fnmatchcase
from functools import total_ordering
from typing import Any, TypeVar

from fnguard._kept import kept

_T = TypeVar("_T")

__all__ = [
    "Advisory",
    "Architecture",
    "ArtifactKind",
    "Bucket",
    "CodeIssue",
    "CodeSigningConfig",
    "CollectionGap",
    "Dependency",
    "EgressRule",
    "ElfFile",
    "EnvVar",
    "Evidence",
    "FileIssue",
    "FileIssueKind",
    "Finding",
    "FindingStatus",
    "FlowStep",
    "FoundSecret",
    "FrontDoor",
    "FrontDoorKind",
    "Function",
    "HandlerCode",
    "InheritedGrant",
    "Inventory",
    "InvocationType",
    "KmsKey",
    "Layer",
    "Location",
    "LogGroup",
    "LoggingConfig",
    "Package",
    "PackageRef",
    "PackageType",
    "Permission",
    "Policy",
    "PolicyKind",
    "Provider",
    "Queue",
    "Remediation",
    "Role",
    "SdkCall",
    "SecurityGroup",
    "Severity",
    "Subnet",
    "Suppression",
    "Trail",
    "Trigger",
    "TriggerKind",
    "VpcConfig",
    "VpcEndpoint",
    "WheelTag",
]


class Provider(enum.StrEnum):
    AWS = "aws"
    GCP = "gcp"


class Architecture(enum.StrEnum):
    X86_64 = "x86_64"
    ARM64 = "arm64"


class PackageType(enum.StrEnum):
    ZIP = "Zip"
    IMAGE = "Image"


@total_ordering
class Severity(enum.Enum):
    """Bands of the 1-10 impact scale; ordered so that ``a >= b`` means "at least as bad"."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5

    @classmethod
    def from_impact(cls, impact: int) -> Severity:
        try:  # the ten valid impacts: one lookup (asked for every finding)
            return _BAND_OF_IMPACT[impact]
        except (KeyError, TypeError):  # out of range or an odd value: judged below
            pass
        if not 1 <= impact <= 10:
            raise ValueError(f"impact must be 1-10, got {impact}")
        return _band(impact)

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.value < other.value

    def __ge__(self, other: object) -> bool:  # the threshold test: spelled out, no detour
        if not isinstance(other, Severity):
            return NotImplemented
        return self.value >= other.value


def _band(impact: int) -> Severity:
    """The band of an impact already known to be in 1-10."""
    if impact >= 9:
        return Severity.CRITICAL
    if impact >= 7:
        return Severity.HIGH
    if impact >= 5:
        return Severity.MEDIUM
    if impact >= 3:
        return Severity.LOW
    return Severity.INFO


def _sha256(data: bytes) -> Any:
    """``hashlib.sha256``, imported at the first fingerprint: OpenSSL's start-up (~3 ms) is then
    paid where the rules load, beside a forked collector, not before it."""
    global _sha256
    from hashlib import sha256

    _sha256 = sha256  # type: ignore[assignment]  # later calls go straight to OpenSSL's
    return sha256(data)


#: impact -> its band, for 1-10 (``from_impact`` asks it first: one lookup per finding)
_BAND_OF_IMPACT: dict[object, Severity] = {impact: _band(impact) for impact in range(1, 11)}


@dataclass(frozen=True, order=True)
class Location:
    """Where something is declared. ``line`` is 1-based; 0 means the file as a whole."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


# --------------------------------------------------------------------------- policies


class PolicyKind(enum.StrEnum):
    INLINE = "inline"
    MANAGED = "managed"  # customer-managed, declared in the source
    AWS_MANAGED = "aws-managed"
    BOUNDARY = "boundary"
    TRUST = "trust"
    RESOURCE = "resource"


@dataclass(frozen=True)
class Policy:
    """An IAM policy document as written (parsed JSON), with where it came from.

    ``document`` is ``None`` when the policy exists but its text is unknown (an AWS-managed
    policy fnguard has no copy of, a computed value); a gap is recorded alongside.
    """

    name: str
    kind: PolicyKind
    document: Mapping[str, Any] | None
    arn: str | None = None
    location: Location | None = None

    @kept
    def statements(self) -> tuple[Mapping[str, Any], ...]:
        """The Statement element as a tuple, whether the source wrote a list or one object
        (kept: rules read one role's statements many times)."""
        if self.document is None:
            return ()
        raw = self.document.get("Statement", ())
        if isinstance(raw, Mapping):
            return (raw,)
        if isinstance(raw, list | tuple):
            return tuple(s for s in raw if isinstance(s, Mapping))
        return ()


@dataclass(frozen=True)
class InheritedGrant:
    """A GCP role held on a folder or the organisation above the project: the project, and
    so the function's service account there, inherits it."""

    role: str  # "roles/owner"
    scope: str  # where it is granted, as declared: "folder folders/123", "organization 456"
    location: Location | None = None


@dataclass(frozen=True)
class Role:
    """An AWS execution role or a GCP service account."""

    address: str
    provider: Provider
    location: Location
    name: str | None = None
    arn: str | None = None
    trust_policy: Policy | None = None
    policies: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    # GCP: project-level roles held by the service account ("roles/editor", ...).
    gcp_roles: tuple[str, ...] = ()
    # GCP: roles held on a folder or the organisation, inherited by the project.
    gcp_inherited: tuple[InheritedGrant, ...] = ()
    is_default_service_account: bool = False

    def gcp_roles_held(self) -> tuple[tuple[str, str], ...]:
        """(role, where) of every project-wide role, granted on the project or inherited."""
        return (
            *((r, "the project") for r in self.gcp_roles),
            *((g.role, f"{g.scope} (inherited by the project)") for g in self.gcp_inherited),
        )


# --------------------------------------------------------------------------- functions


@dataclass(frozen=True)
class EnvVar:
    """One environment variable. ``value`` is ``None`` when computed at deploy time.

    ``is_reference`` is true when the value points at a secret store or another resource
    (an SSM / Secrets Manager ARN or dynamic reference, a Terraform reference to another
    resource's attribute) rather than being a literal written in the source.
    """

    name: str
    value: str | None
    is_reference: bool = False
    location: Location | None = None
    # The source expression when the value is not a literal ("aws_db_instance.main.address",
    # "{{resolve:ssm:/app/db}}"): rules read intent from it (NET001 private resources).
    source_expr: str | None = None


@dataclass(frozen=True)
class VpcConfig:
    """A function's VPC attachment as declared: its subnets and security groups are named by id or
    address, and the NET rules look them up in the inventory."""

    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoggingConfig:
    """How a function logs (Lambda's logging configuration): LOG002 reads which log group it writes
    to, and whether in JSON."""

    log_format: str | None = None  # "Text" | "JSON"
    log_group: str | None = None  # name of the log group the function writes to
    application_log_level: str | None = None
    system_log_level: str | None = None


@dataclass(frozen=True)
class PackageRef:
    """Where the deployed code comes from, and the hash the source recorded for it."""

    path: str | None = None  # local zip, folder or image archive
    recorded_hash: str | None = None  # e.g. Terraform source_code_hash (base64 SHA-256)
    hash_declared: bool = False  # the source records a hash, even if its value is computed
    s3_bucket: str | None = None
    s3_key: str | None = None
    s3_object_version: str | None = None
    image_uri: str | None = None
    source_dir: str | None = None  # handler source folder, for code analysis


@dataclass(frozen=True)
class Layer:
    """A Lambda layer version declared in the source; ``Function.layers`` names it.

    Layers only referenced by ARN (another account's, or a live one) have no ``Layer``
    object unless a live scan read them.
    """

    address: str
    location: Location
    name: str | None = None
    arn: str | None = None
    package: PackageRef = field(default_factory=PackageRef)
    compatible_runtimes: tuple[str, ...] = ()
    compatible_architectures: tuple[Architecture, ...] = ()


@dataclass(frozen=True)
class Function:
    """A Lambda function or GCP Cloud Function, with the provider's defaults applied: what most
    rules start from."""

    address: str
    provider: Provider
    location: Location
    name: str | None = None
    runtime: str | None = None
    package_type: PackageType = PackageType.ZIP
    architectures: tuple[Architecture, ...] = (Architecture.X86_64,)
    memory_mb: int | None = 128
    timeout_s: int | None = 3
    handler: str | None = None
    environment: tuple[EnvVar, ...] = ()
    kms_key_arn: str | None = None
    role: str | None = None  # Role.address
    vpc: VpcConfig | None = None
    tracing_mode: str | None = "PassThrough"  # "Active" | "PassThrough"
    dead_letter_target: str | None = None
    on_failure_destination: str | None = None
    reserved_concurrency: int | None = None  # None: unreserved (account pool)
    layers: tuple[str, ...] = ()
    code_signing_config: str | None = None  # CodeSigningConfig.address or ARN
    recursive_loop: str | None = "Terminate"  # "Allow" | "Terminate"
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    package: PackageRef = field(default_factory=PackageRef)
    tags: Mapping[str, str] = field(default_factory=dict)
    # GCP specifics
    gcp_generation: int | None = None
    gcp_ingress: str | None = None  # ALLOW_ALL | ALLOW_INTERNAL_ONLY | ALLOW_INTERNAL_AND_GCLB
    gcp_https_security_level: str | None = None
    max_instances: int | None = None


class TriggerKind(enum.StrEnum):
    S3 = "s3"
    SQS = "sqs"
    SNS = "sns"
    EVENTBRIDGE = "eventbridge"
    SCHEDULE = "schedule"
    API_REST = "api-rest"
    API_HTTP = "api-http"
    FUNCTION_URL = "function-url"
    DYNAMODB_STREAM = "dynamodb-stream"
    KINESIS = "kinesis"
    ALB = "alb"
    GCP_HTTP = "gcp-http"
    GCP_EVENT = "gcp-event"


class InvocationType(enum.StrEnum):
    SYNC = "sync"
    ASYNC = "async"
    POLL = "poll"  # event source mapping: Lambda polls the source


@dataclass(frozen=True)
class Trigger:
    """Something that invokes a function.

    ``source`` is the address or ARN of the bucket / queue / topic / stream / rule / API.
    ``filters`` holds the format-independent filter pairs: for S3 ``("prefix", "in/")``,
    ``("suffix", ".csv")``, ``("event", "s3:ObjectCreated:*")``; for event source mappings
    ``("pattern", <json>)``.
    """

    address: str
    kind: TriggerKind
    function: str  # Function.address
    invocation: InvocationType
    location: Location
    source: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    front_door: str | None = None  # FrontDoor.address for API / URL triggers
    batch_size: int | None = None
    batching_window_s: int | None = None
    enabled: bool = True


class FrontDoorKind(enum.StrEnum):
    API_REST = "api-rest"
    API_HTTP = "api-http"
    FUNCTION_URL = "function-url"
    GCP_HTTP = "gcp-http"


@dataclass(frozen=True)
class FrontDoor:
    """A public or private HTTP entry in front of functions.

    ``integration_timeout_ms`` is the effective timeout (the collector fills the documented
    defaults: 29,000 for REST, 30,000 for HTTP APIs). ``authorization`` is the method's
    authoriser kind: "NONE", "AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "JWT".
    """

    address: str
    kind: FrontDoorKind
    location: Location
    functions: tuple[str, ...] = ()  # Function.address values it integrates with
    integration_timeout_ms: int | None = None
    authorization: str | None = "NONE"
    public: bool = True  # reachable from the internet (not a PRIVATE endpoint / internal ingress)
    waf_acl: str | None = None  # WAF web ACL address/ARN associated with the stage
    stages: tuple[str, ...] = ()
    # REST APIs: the declared stage resources (address, location) a WAF web ACL is associated
    # with, so a finding can point there. Empty when no stage resource is declared.
    stage_resources: tuple[tuple[str, Location], ...] = ()
    throttling_rate_limit: float | None = None
    throttling_burst_limit: int | None = None
    cors_allow_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Permission:
    """One statement of a function's resource policy (``aws_lambda_permission``)."""

    address: str
    function: str  # Function.address
    location: Location
    action: str = "lambda:InvokeFunction"
    principal: str | None = None  # "*", an account, an ARN or a service principal
    source_arn: str | None = None
    source_account: str | None = None
    principal_org_id: str | None = None
    function_url_auth_type: str | None = None
    event_source_token: str | None = None
    # The second statement AWS requires for public function URLs: it only admits calls that
    # arrive through the URL, so it is judged with the URL's auth type, not as "anyone".
    invoked_via_function_url: bool = False

    def as_statement(self) -> dict[str, Any]:
        """The equivalent resource-policy statement, for the IAM evaluator."""
        principal: Any
        if self.principal in (None, "*"):
            principal = "*"
        elif self.principal.endswith(".amazonaws.com"):
            principal = {"Service": self.principal}
        else:
            principal = {"AWS": self.principal}
        stmt: dict[str, Any] = {
            "Sid": self.address,
            "Effect": "Allow",
            "Principal": principal,
            "Action": self.action,
            "Resource": "*",
        }
        cond: dict[str, dict[str, str]] = {}
        if self.source_arn:
            cond.setdefault("ArnLike", {})["AWS:SourceArn"] = self.source_arn
        if self.source_account:
            cond.setdefault("StringEquals", {})["AWS:SourceAccount"] = self.source_account
        if self.principal_org_id:
            cond.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = self.principal_org_id
        if self.function_url_auth_type:
            cond.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = (
                self.function_url_auth_type
            )
        if self.event_source_token:
            cond.setdefault("StringEquals", {})["lambda:EventSourceToken"] = self.event_source_token
        if self.invoked_via_function_url:
            cond.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true"
        if cond:
            stmt["Condition"] = cond
        return stmt


# --------------------------------------------------------------------------- neighbours


@dataclass(frozen=True)
class Subnet:
    """A subnet, so that the NET rules can tell which VPC and Availability Zone a function's subnet
    ids stand for (NET002 counts the zones)."""

    address: str
    location: Location
    subnet_id: str | None = None
    vpc_id: str | None = None
    availability_zone: str | None = None
    cidr_block: str | None = None


@dataclass(frozen=True)
class EgressRule:
    """One outbound rule of a security group: NET004 looks for one letting all traffic out to the
    internet."""

    protocol: str  # "-1" for all
    from_port: int | None
    to_port: int | None
    cidr_blocks: tuple[str, ...] = ()
    ipv6_cidr_blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecurityGroup:
    """A security group, so that NET004 can judge a VPC function's egress; egress rules fnguard
    could not read make that unknown rather than a pass."""

    address: str
    location: Location
    group_id: str | None = None
    vpc_id: str | None = None
    egress: tuple[EgressRule, ...] = ()
    egress_known: bool = True  # False when rules come from resources fnguard could not read


@dataclass(frozen=True)
class VpcEndpoint:
    """A VPC endpoint, so that NET003 can tell whether a VPC function reaches an AWS service without
    leaving the VPC."""

    address: str
    location: Location
    service_name: str | None = None  # com.amazonaws.<region>.<service>
    vpc_id: str | None = None
    endpoint_type: str | None = None  # Interface | Gateway

    @property
    def service(self) -> str | None:
        """The short service name ("kms", "s3", ...)."""
        if not self.service_name:
            return None
        return self.service_name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class LogGroup:
    """A CloudWatch log group, so that LOG002 can check the retention and encryption of the group a
    function writes to."""

    address: str
    location: Location
    name: str | None = None
    retention_days: int | None = None  # None: never expires
    kms_key_id: str | None = None


@dataclass(frozen=True)
class KmsKey:
    """A KMS key, so that SEC002 can tell a customer-managed key from an AWS-managed one (and the
    SDK analysis can resolve references to it)."""

    address: str
    location: Location
    arn: str | None = None
    rotation_enabled: bool | None = False
    customer_managed: bool = True


@dataclass(frozen=True)
class Queue:
    """An SQS queue, so that LIM004 can compare its visibility timeout with the timeout of the
    function polling it."""

    address: str
    location: Location
    name: str | None = None
    arn: str | None = None
    visibility_timeout_s: int | None = 30
    fifo: bool = False


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket, so rules can turn a trigger's source address into a name and ARN."""

    address: str
    location: Location
    name: str | None = None
    arn: str | None = None


@dataclass(frozen=True)
class CodeSigningConfig:
    """A Lambda code signing configuration, so that PKG008 can tell whether unsigned code is refused
    (``Enforce``) or only logged (``Warn``)."""

    address: str
    location: Location
    arn: str | None = None
    untrusted_artifact_on_deployment: str | None = "Warn"  # "Warn" | "Enforce"


@dataclass(frozen=True)
class Trail:
    """A CloudTrail trail and whether it records Lambda invocations (data events).

    ``lambda_functions`` has one entry per selector recording Lambda Invoke data events:
    space-separated ARN patterns (``*`` wildcards; ``*`` alone is every function), where a
    leading ``!`` excludes; a function is recorded when one entry matches it. ``scope`` is the
    ``aws://<account>/<region>`` label the collector read the trail in, so LOG003 can tell
    "no trail" (read, none found) from "not read".
    """

    address: str
    location: Location
    scope: str
    multi_region: bool = False
    home_region: str | None = None
    logging: bool | None = None
    lambda_functions: tuple[str, ...] = ()

    def records_invocations_of(self, function_arn: str) -> bool:
        for selector in self.lambda_functions:
            patterns = selector.split()
            if any(fnmatchcase(function_arn, p[1:]) for p in patterns if p.startswith("!")):
                continue
            if any(
                fnmatchcase(function_arn, p) or function_arn.startswith(p + ":")
                for p in patterns
                if not p.startswith("!")
            ):
                return True
        return False


# --------------------------------------------------------------------------- packages (issue 5)


class ArtifactKind(enum.StrEnum):
    ZIP = "zip"
    FOLDER = "folder"
    IMAGE = "image"  # an OCI layout or a ``docker save`` tar


class FileIssueKind(enum.StrEnum):
    SETUID = "setuid"
    SETGID = "setgid"
    WORLD_WRITABLE = "world-writable"
    LINK_ESCAPES = "link-escapes"  # a symlink whose target leaves the package
    UNSAFE_PATH = "unsafe-path"  # absolute or ``..`` member name (zip-slip)
    SPECIAL = "special"  # device, fifo or socket


@dataclass(frozen=True)
class ElfFile:
    """A native binary inside a package, as the ELF header and version needs describe it."""

    path: str  # member path inside the package
    machine: str  # "x86_64", "arm64", or the ELF e_machine name of anything else
    glibc: tuple[int, int] | None = None  # newest GLIBC_x.y symbol version it needs


@dataclass(frozen=True)
class WheelTag:
    """A ``*.dist-info/WHEEL`` record: which platforms an installed wheel was built for."""

    path: str
    distribution: str
    tags: tuple[str, ...]  # e.g. ("cp311-cp311-macosx_11_0_arm64",)


@dataclass(frozen=True)
class FileIssue:
    """A risky member of a package (setuid, world-writable, a link leaving the package, ...),
    reported by PKG005."""

    path: str
    kind: FileIssueKind
    detail: str = ""  # e.g. the link target or the octal mode


@dataclass(frozen=True)
class Dependency:
    """A third-party package the function ships or pins, named as OSV names it."""

    ecosystem: str  # OSV ecosystem: "PyPI", "npm"
    name: str
    version: str
    manifest: str  # where it was declared: a member path, or a file on disk
    line: int = 0


@dataclass(frozen=True)
class Advisory:
    """A known vulnerability affecting one ``Dependency`` (from OSV data)."""

    id: str  # "GHSA-..." / "PYSEC-..."
    ecosystem: str
    name: str
    version: str  # the affected version found
    summary: str
    impact: int  # 1-10, from the advisory's severity (CVSS score or database severity)
    aliases: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()  # versions that fix it, when the advisory says


@dataclass(frozen=True)
class FoundSecret:
    """A secret found in a file. ``masked`` is already masked: the secret itself is never kept."""

    path: str  # member path inside the package, or a file on disk
    line: int
    kind: str  # detector name ("AWS access key", "private key", ".env file", ...)
    masked: str


@dataclass(frozen=True)
class Package:
    """A deployment artifact (function code or a layer), read without extracting it.

    ``errors`` lists integrity problems (bad CRC, truncation, unreadable members): a package
    that is there but damaged has ``errors`` (PKG004). One fnguard may not read at all
    (permissions, a limit) is a ``CollectionGap`` with ``field="package"``; one that is not on
    disk (not built) is a gap with ``field="package-source"``, which the rules leave be.
    """

    address: str  # "package:<path as given>"
    location: Location  # the artifact file itself
    path: str
    kind: ArtifactKind
    functions: tuple[str, ...] = ()  # Function.address of every function deploying it
    is_layer: bool = False
    sha256_hex: str | None = None  # of the archive bytes (zip / image); None for folders
    compressed_size: int | None = None
    uncompressed_size: int = 0
    file_count: int = 0
    largest: tuple[tuple[str, int], ...] = ()  # biggest members, biggest first
    elf_files: tuple[ElfFile, ...] = ()
    wheels: tuple[WheelTag, ...] = ()
    file_issues: tuple[FileIssue, ...] = ()
    errors: tuple[str, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    secrets: tuple[FoundSecret, ...] = ()


# --------------------------------------------------------------------------- handler code (issue 5)


@dataclass(frozen=True)
class FlowStep:
    """One hop of a taint flow, from the event to the sink."""

    location: Location
    note: str  # "event['body'] read", "passed to run(cmd)", ...


@dataclass(frozen=True)
class CodeIssue:
    """Something the handler analysis found, for the catalog rule ``rule_id`` to report.

    The analysis decides only what the code does (a flow, a call); the rule owns the
    metadata, severity and wording of the finding.
    """

    rule_id: str  # "INJ001".."INJ006", "SEC003", "SEC004", "SEC005", "RUN002", "RUN003"
    function: str  # Function.address
    location: Location  # the sink (or the offending line)
    message: str
    steps: tuple[FlowStep, ...] = ()
    sink: str = ""  # "subprocess.run(shell=True)"


@dataclass(frozen=True)
class SdkCall:
    """An AWS SDK call the handler makes, with the IAM actions and resources it needs."""

    function: str  # Function.address
    location: Location
    service: str  # botocore service name: "s3", "dynamodb"
    operation: str  # API operation: "ListObjectsV2"
    actions: tuple[str, ...]  # IAM actions: ("s3:ListBucket",)
    resources: tuple[str, ...] = ("*",)  # ARNs (patterns) when resolvable, else "*"


@dataclass(frozen=True)
class HandlerCode:
    """Which function's code was analysed, and how completely.

    ``dynamic_sdk_use`` marks calls the analysis could not resolve (``getattr(client, name)``,
    a service name from a variable): IAM007 must not call the rest of the role unused then.
    """

    function: str  # Function.address
    language: str  # "python", "javascript", "typescript"
    entry: Location  # the handler definition
    files: tuple[str, ...] = ()
    dynamic_sdk_use: bool = False


# --------------------------------------------------------------------------- gaps and suppressions


@dataclass(frozen=True)
class CollectionGap:
    """Something fnguard could not read or resolve. Rules needing it report "unknown".

    ``resource`` is the address affected (empty for a whole file); ``field`` names the
    attribute that is unknown ("role", "environment", "file"), so rules can tell whether the
    gap concerns them.
    """

    location: Location
    reason: str
    resource: str = ""
    field: str = ""


@dataclass(frozen=True)
class Suppression:
    """An inline ``fnguard:ignore[RULE] reason`` found on a resource."""

    rule_id: str
    resource: str
    reason: str
    location: Location


# --------------------------------------------------------------------------- inventory


def _group(items: Iterable[_T], keys: Callable[[_T], Iterable[str]]) -> dict[str, list[_T]]:
    """Index items under each of their keys, keeping the inventory's order."""
    index: dict[str, list[_T]] = {}
    for item in items:
        for key in keys(item):
            index.setdefault(key, []).append(item)
    return index


# Inventory fields whose items have no ``address`` of their own.
_UNADDRESSED = frozenset(
    {"gaps", "suppressions", "sources", "advisories", "handlers", "code_issues", "sdk_calls"}
)


@dataclass(frozen=True)
class Inventory:
    """Everything collected from one or more sources. Merge pieces with ``merge``."""

    functions: tuple[Function, ...] = ()
    roles: tuple[Role, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    front_doors: tuple[FrontDoor, ...] = ()
    permissions: tuple[Permission, ...] = ()
    subnets: tuple[Subnet, ...] = ()
    security_groups: tuple[SecurityGroup, ...] = ()
    vpc_endpoints: tuple[VpcEndpoint, ...] = ()
    log_groups: tuple[LogGroup, ...] = ()
    kms_keys: tuple[KmsKey, ...] = ()
    queues: tuple[Queue, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    code_signing_configs: tuple[CodeSigningConfig, ...] = ()
    layers: tuple[Layer, ...] = ()
    trails: tuple[Trail, ...] = ()
    packages: tuple[Package, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    handlers: tuple[HandlerCode, ...] = ()
    code_issues: tuple[CodeIssue, ...] = ()
    sdk_calls: tuple[SdkCall, ...] = ()
    gaps: tuple[CollectionGap, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    sources: tuple[str, ...] = ()  # files read

    def merge(self, *others: Inventory) -> Inventory:
        """Concatenate pieces (shards, files, formats); order is kept, nothing is dropped."""
        if not others:
            return self
        values: dict[str, tuple[Any, ...]] = {}
        for f in fields(self):
            combined: list[Any] = list(getattr(self, f.name))
            for other in others:
                combined.extend(getattr(other, f.name))
            values[f.name] = tuple(combined)
        return replace(self, **values)

    @classmethod
    def combine(cls, pieces: Iterable[Inventory]) -> Inventory:
        return cls().merge(*pieces)

    # Lookups (computed once per inventory; ``kept`` works on frozen dataclasses).

    @kept
    def _roles_by_key(self) -> dict[str, Role]:
        index: dict[str, Role] = {}
        for role in self.roles:
            for key in (role.address, role.arn, role.name):
                if key:
                    index.setdefault(key, role)
        return index

    def role_of(self, fn: Function) -> Role | None:
        return self._roles_by_key.get(fn.role) if fn.role else None

    @kept
    def _functions_by_role(self) -> dict[str, list[Function]]:
        def role_key(fn: Function) -> tuple[str, ...]:
            role = self.role_of(fn)
            key = role.address if role else fn.role
            return (key,) if key else ()

        return _group(self.functions, role_key)

    def functions_using_role(self, role_address: str) -> tuple[Function, ...]:
        return tuple(self._functions_by_role.get(role_address, ()))

    @kept
    def _triggers_by_function(self) -> dict[str, list[Trigger]]:
        return _group(self.triggers, lambda t: (t.function,))

    def triggers_of(self, fn: Function) -> tuple[Trigger, ...]:
        return tuple(self._triggers_by_function.get(fn.address, ()))

    @kept
    def _permissions_by_function(self) -> dict[str, list[Permission]]:
        return _group(self.permissions, lambda p: (p.function,))

    def permissions_of(self, fn: Function) -> tuple[Permission, ...]:
        return tuple(self._permissions_by_function.get(fn.address, ()))

    @kept
    def _front_doors_by_function(self) -> dict[str, list[FrontDoor]]:
        return _group(self.front_doors, lambda d: d.functions)

    def front_doors_of(self, fn: Function) -> tuple[FrontDoor, ...]:
        return tuple(self._front_doors_by_function.get(fn.address, ()))

    @kept
    def _packages_by_function(self) -> dict[str, list[Package]]:
        return _group(self.packages, lambda p: p.functions)

    def packages_of(self, fn: Function) -> tuple[Package, ...]:
        """The function's own code package first, then its layers (as collected)."""
        return tuple(self._packages_by_function.get(fn.address, ()))

    @kept
    def _code_by_function(
        self,
    ) -> tuple[dict[str, list[HandlerCode]], dict[str, list[CodeIssue]], dict[str, list[SdkCall]]]:
        return (
            _group(self.handlers, lambda h: (h.function,)),
            _group(self.code_issues, lambda i: (i.function,)),
            _group(self.sdk_calls, lambda c: (c.function,)),
        )

    def handler_of(self, fn: Function) -> HandlerCode | None:
        found = self._code_by_function[0].get(fn.address)
        return found[0] if found else None

    def code_issues_of(self, fn: Function, rule_id: str | None = None) -> tuple[CodeIssue, ...]:
        issues = self._code_by_function[1].get(fn.address, ())
        return tuple(i for i in issues if rule_id is None or i.rule_id == rule_id)

    def sdk_calls_of(self, fn: Function) -> tuple[SdkCall, ...]:
        return tuple(self._code_by_function[2].get(fn.address, ()))

    @kept
    def _advisories_by_dependency(self) -> dict[str, list[Advisory]]:
        return _group(self.advisories, lambda a: (f"{a.ecosystem}|{a.name}|{a.version}",))

    def advisories_for(self, dep: Dependency) -> tuple[Advisory, ...]:
        key = f"{dep.ecosystem}|{dep.name}|{dep.version}"
        return tuple(self._advisories_by_dependency.get(key, ()))

    @kept
    def _by_address(self) -> dict[str, object]:
        index: dict[str, object] = {}
        for f in fields(self):
            if f.name in _UNADDRESSED:
                continue
            for item in getattr(self, f.name):
                index.setdefault(item.address, item)
        return index

    def get(self, address: str) -> object | None:
        return self._by_address.get(address)

    @kept
    def _by_kind(self) -> dict[type, list[object]]:
        """The objects ``_by_address`` holds, by exact type, in its order."""
        grouped: dict[type, list[object]] = {}
        for item in self._by_address.values():
            found = grouped.get(type(item))
            if found is None:
                grouped[type(item)] = [item]
            else:
                found.append(item)
        return grouped

    @kept
    def _aliases(self) -> dict[type, dict[str, object]]:
        """Each kind's objects by ARN, id or name, indexed when ``lookup`` first asks for that
        kind: a scan asks about a few kinds (queues, buckets, keys, subnets), and indexing
        every function and log group as well cost ~3 ms on 1,000 functions."""
        return {}

    def _alias_index(self, kind: type) -> dict[str, object]:
        index = self._aliases.get(kind)
        if index is None:
            index = self._aliases[kind] = {}
            for item in self._by_kind.get(kind, ()):
                for attr in ("arn", "subnet_id", "group_id", "name"):
                    value = getattr(item, attr, None)
                    if isinstance(value, str) and value:
                        index.setdefault(value, item)
        return index

    def lookup(self, kind: type[_T], key: str | None) -> _T | None:
        """Find an object of ``kind`` by address, id, ARN or name (collectors vary in which).
        By id, ARN or name, only an object of exactly that type is found (the first in
        address order)."""
        if not key:
            return None
        item = self._by_address.get(key)
        if isinstance(item, kind):
            return item
        alias = self._alias_index(kind).get(key)
        return alias if isinstance(alias, kind) else None

    @kept
    def _gaps_by_resource(self) -> dict[str, list[CollectionGap]]:
        return _group(self.gaps, lambda g: (g.resource,))

    def gaps_for(self, address: str, field_name: str = "") -> tuple[CollectionGap, ...]:
        """Gaps concerning ``address`` (optionally one field of it)."""
        return tuple(
            g
            for g in self._gaps_by_resource.get(address, ())
            if not field_name or g.field in ("", field_name)
        )


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Remediation:
    """How to fix a finding: prose plus ready-to-adapt snippets per tool."""

    text: str
    terraform: str = ""
    cloudformation: str = ""
    cli: str = ""


class FindingStatus(enum.StrEnum):
    FAIL = "fail"
    UNKNOWN = "unknown"  # the rule needed data that a collection gap made unavailable


@dataclass(frozen=True, init=False)
class Evidence:
    """A fact behind a finding. Secrets are masked before they get here (see ``secrets.mask``)."""

    label: str
    value: str

    def __init__(self, label: str, value: str) -> None:
        # ``@dataclass``'s, minus its ``object.__setattr__`` calls (~1.4 made per finding)
        values = self.__dict__
        values["label"] = label
        values["value"] = value


@dataclass(frozen=True, init=False)
class Finding:
    """One rule's verdict on one resource, a failure or an unknown (a gap hid the facts): what
    reports show and baselines match by fingerprint; failures decide the exit code."""

    rule_id: str
    title: str
    impact: int
    resource: str  # address of the resource at fault
    location: Location | None
    message: str
    remediation: Remediation
    evidence: tuple[Evidence, ...] = ()
    function: str | None = None  # Function.address the finding concerns, for grouping
    status: FindingStatus = FindingStatus.FAIL
    provider: Provider = Provider.AWS
    severity_override: Severity | None = None

    def __init__(
        self,
        rule_id: str,
        title: str,
        impact: int,
        resource: str,
        location: Location | None,
        message: str,
        remediation: Remediation,
        evidence: tuple[Evidence, ...] = (),
        function: str | None = None,
        status: FindingStatus = FindingStatus.FAIL,
        provider: Provider = Provider.AWS,
        severity_override: Severity | None = None,
    ) -> None:
        # What ``@dataclass`` writes, minus its ``object.__setattr__`` call per field (a scan
        # makes thousands of findings). Same signature and fields, in order (tested).
        values = self.__dict__
        values["rule_id"] = rule_id
        values["title"] = title
        values["impact"] = impact
        values["resource"] = resource
        values["location"] = location
        values["message"] = message
        values["remediation"] = remediation
        values["evidence"] = evidence
        values["function"] = function
        values["status"] = status
        values["provider"] = provider
        values["severity_override"] = severity_override
        if severity_override is None and type(impact) is int and 0 < impact < 11:
            values["severity"] = _BAND_OF_IMPACT[impact]  # what ``severity`` would keep

    @kept
    def severity(self) -> Severity:
        """Asked by every sort, count and report of a finding: kept once computed."""
        return self.severity_override or Severity.from_impact(self.impact)

    @kept
    def order(self) -> tuple[object, ...]:
        """Where the finding sorts in every report: severity (worst first), rule, resource,
        file, line (findings with no location after located ones); status and message break
        ties. Kept once computed, as a forked rules worker computes it with the finding: the
        sort of thousands after the rules is then comparisons only."""
        loc = self.location
        return (
            -self.severity._value_,  # the plain attribute ``.value`` reads (a Python property)
            self.rule_id,
            self.resource,
            (0, loc.file, loc.line) if loc is not None else (1, "", 0),
            self.status is not FindingStatus.FAIL,
            self.message,
        )

    @property
    def key(self) -> str:
        """Stable identity across runs (baselines): rule, resource and the message's subject."""
        return f"{self.rule_id}|{self.resource}|{self.message}"

    @kept
    def fingerprint(self) -> str:
        """Short stable hash of ``key``: what baselines store and SARIF/JSON report (asked
        three times per finding: kept once computed)."""
        # the first 8 bytes as hex: ``hexdigest()[:16]`` without writing the other 48 digits
        # (``key`` written out: one Python call less per finding)
        key = f"{self.rule_id}|{self.resource}|{self.message}"
        digest: bytes = _sha256(key.encode("utf-8", "surrogatepass")).digest()
        return digest[:8].hex()
