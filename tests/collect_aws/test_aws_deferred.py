"""Questions asked only where a rule can use the answer, and region-wide listings.

- ``_deferred.needs``: each near miss (a URL with IAM auth, a public resource policy, a polled
  trigger, a role trusting its own account) is not asked; each hit, and everything an unread
  answer could hide, is.
- Soundness: over generated inventories, whenever a question is not asked, every rule's
  verdicts are the same whatever its answer would have been.
- A tripwire: the readers of the two fields are the known ones, so a new rule reading them
  fails here until ``_deferred`` learns about it.
- Against moto: the calls made, with and without ``every_answer`` and ``--incremental``.
- Code signing from ListCodeSigningConfigs / ListFunctionsByCodeSigningConfig (Stubber), and
  per function when a listing fails; AWS-managed policies from GetPolicy / GetPolicyVersion.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard.collect.aws import Access, AwsOptions, LiveSettings, collect_aws
from fnguard.collect.aws._api import Api
from fnguard.collect.aws._deferred import Deferred, _names_other_accounts, _unread_for_all, needs
from fnguard.collect.aws._lambda import _signing_configs
from fnguard.collect.aws._names import Shard
from fnguard.collect.aws._session import client_factory
from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import (
    CollectionGap,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    Location,
    Permission,
    Policy,
    PolicyKind,
    Provider,
    Role,
    Trigger,
    TriggerKind,
)
from fnguard.rules import RuleContext, all_rules

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_seed import Seeded

    from fnguard.collect.aws import Unit
    from fnguard.collect.aws._api import ClientFactory

ACCOUNT = "123456789012"
OTHER = "999999999999"
INSIGHTS = "580247275435"  # publishes LambdaInsightsExtension (data/aws_layer_publishers.json)
FN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:api"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/api"
HERE = Location(f"aws://{ACCOUNT}/us-east-1/lambda/api", 0)
SRC = Path(__file__).resolve().parents[2] / "src" / "fnguard"


def _fn(**changes: Any) -> Function:
    return replace(
        Function(address=FN, provider=Provider.AWS, location=HERE, name="api", role=ROLE),
        **changes,
    )


def _role(trusted: str = "lambda.amazonaws.com") -> Role:
    principal = {"Service": trusted} if trusted.endswith(".com") else {"AWS": trusted}
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    logs = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
    return Role(
        address=ROLE,
        provider=Provider.AWS,
        location=HERE,
        name="api",
        arn=ROLE,
        trust_policy=Policy("trust", PolicyKind.TRUST, trust),
        policies=(Policy("inline", PolicyKind.INLINE, {"Statement": [logs]}),),
    )


def _door(kind: FrontDoorKind, auth: str, **extra: Any) -> FrontDoor:
    return FrontDoor(
        f"{FN}#door/{kind.value}/{auth}", kind, HERE, (FN,), authorization=auth, **extra
    )


def _perm(principal: str, **extra: Any) -> Permission:
    return Permission(f"{FN}#policy/{principal}", FN, HERE, principal=principal, **extra)


def _trigger(kind: TriggerKind, invocation: InvocationType, enabled: bool = True) -> Trigger:
    return Trigger(f"{FN}#{kind.value}", kind, FN, invocation, HERE, source="src", enabled=enabled)


def _gap(resource: str, field: str) -> CollectionGap:
    return CollectionGap(HERE, f"x:Y answered AccessDenied ({field})", resource, field)


def _needs(inv: Inventory, every: bool = False) -> Deferred:
    return needs(inv, inv.functions[0], _unread_for_all(inv), every_destination=every)


def _inv(*things: Any, role: Role | None = None) -> Inventory:
    kinds = {
        FrontDoor: "front_doors",
        Permission: "permissions",
        Trigger: "triggers",
        CollectionGap: "gaps",
        Function: "functions",
    }
    grouped: dict[str, list[Any]] = {"functions": [], "roles": [role or _role()]}
    for thing in things:
        grouped.setdefault(kinds[type(thing)], []).append(thing)
    if not grouped["functions"]:
        grouped["functions"].append(_fn())
    return Inventory(**{k: tuple(v) for k, v in grouped.items()})


# --------------------------------------------------------------------------- needs()


def test_a_function_nothing_points_at_is_asked_nothing() -> None:
    assert _needs(_inv()) == Deferred(concurrency=False, destination=False)


@pytest.mark.parametrize(
    ("door", "asked"),
    [
        (_door(FrontDoorKind.FUNCTION_URL, "NONE"), True),
        (_door(FrontDoorKind.FUNCTION_URL, "AWS_IAM"), False),  # near miss: signed calls only
        (_door(FrontDoorKind.API_REST, "NONE", throttling_rate_limit=10.0), True),  # superset
        (_door(FrontDoorKind.API_REST, "NONE", public=False), False),  # near miss: private API
        (_door(FrontDoorKind.API_HTTP, "JWT"), False),
    ],
)
def test_concurrency_is_asked_for_open_front_doors(door: FrontDoor, asked: bool) -> None:
    assert _needs(_inv(door)).concurrency is asked


def test_concurrency_and_permissions() -> None:
    url_grant = _perm("*", function_url_auth_type="NONE")
    assert _needs(_inv(url_grant)).concurrency
    assert _needs(_inv(_perm("111111111111", function_url_auth_type="NONE"))).concurrency
    # Near miss: a public resource policy is EXP001's; LIM005 counts URL grants only.
    assert not _needs(_inv(_perm("*"))).concurrency


@pytest.mark.parametrize(
    ("thing", "asked"),
    [
        (_trigger(TriggerKind.S3, InvocationType.ASYNC), True),
        (_trigger(TriggerKind.SNS, InvocationType.ASYNC, enabled=False), True),  # superset
        (_trigger(TriggerKind.SQS, InvocationType.POLL), False),  # near miss: polled
        (_trigger(TriggerKind.FUNCTION_URL, InvocationType.SYNC), False),
        (_perm("s3.amazonaws.com"), True),
        (_perm("scheduler.amazonaws.com"), True),
        (_perm(f"arn:aws:iam::{ACCOUNT}:root"), False),  # near miss: an account may call sync
        (_perm("*"), False),
    ],
)
def test_destination_is_asked_for_asynchronous_sources(thing: Any, asked: bool) -> None:
    assert _needs(_inv(thing)).destination is asked


def test_unread_inputs_mean_asking() -> None:
    # The function's own policy unread: both questions.
    assert _needs(_inv(_gap(FN, "permissions"))) == Deferred(True, True)
    # Its URL unread: the limit; a bucket's notifications unread: every destination.
    assert _needs(_inv(_gap(FN, "front_doors"))) == Deferred(True, False)
    assert _needs(_inv(_gap("arn:aws:s3:::b", "triggers"))) == Deferred(False, True)
    assert _needs(_inv(_gap("aws://1/us-east-1", "front_doors"))) == Deferred(True, False)
    # A whole unit unreachable (field ""): everything.
    assert _needs(_inv(_gap("aws://1/global", ""))) == Deferred(True, True)
    # Near miss: a gap on another field, or on another function's policy.
    other = FN.replace(":api", ":other")
    neighbour = _fn(address=other, name="other")
    inv = _inv(_fn(), neighbour, _gap(FN, "recursive_loop"), _gap(other, "permissions"))
    assert _needs(inv) == Deferred(False, False)


def test_every_destination_when_asked_to() -> None:
    assert _needs(_inv(), every=True) == Deferred(concurrency=False, destination=True)


def test_other_accounts_named_make_every_destination_matter() -> None:
    assert not _names_other_accounts(_inv())
    assert not _names_other_accounts(_inv(role=_role(f"arn:aws:iam::{ACCOUNT}:root")))
    assert _names_other_accounts(_inv(role=_role(f"arn:aws:iam::{OTHER}:root")))
    # Near miss: a role no function uses (IAM006 judges execution roles only).
    unused = replace(_role(f"arn:aws:iam::{OTHER}:root"), address="r", arn="r", name="r")
    assert not _names_other_accounts(replace(_inv(), roles=(_role(), unused)))
    layer = f"arn:aws:lambda:us-east-1:{OTHER}:layer:l:1"
    assert _names_other_accounts(_inv(_fn(layers=(layer,))))
    # Near miss: a layer AWS publishes (Lambda Insights), which EXP007 never flags.
    insights = f"arn:aws:lambda:us-east-1:{INSIGHTS}:layer:LambdaInsightsExtension:49"
    assert not _names_other_accounts(_inv(_fn(layers=(insights,))))


# --------------------------------------------------------------------------- soundness


def _verdicts(inv: Inventory) -> list[tuple[str, str, str, str]]:
    context = RuleContext(Thresholds(), default_checker(), dt.date(2026, 11, 26))
    return sorted(
        (f.rule_id, f.resource, f.status.value, f.message)
        for rule in _RULES
        for f in rule.check(inv, context)
    )


_RULES = all_rules()
_THINGS = st.lists(
    st.sampled_from(
        [
            _door(FrontDoorKind.FUNCTION_URL, "NONE"),
            _door(FrontDoorKind.FUNCTION_URL, "AWS_IAM"),
            _door(FrontDoorKind.API_REST, "NONE", throttling_rate_limit=5.0),
            _door(FrontDoorKind.API_REST, "NONE", public=False),
            _perm("*"),
            _perm("*", function_url_auth_type="NONE"),
            _perm("*", function_url_auth_type="NONE", invoked_via_function_url=True),
            _perm(f"arn:aws:iam::{ACCOUNT}:root"),
            _perm(f"arn:aws:iam::{OTHER}:root"),
            _perm("s3.amazonaws.com"),
            _perm("apigateway.amazonaws.com"),
            _trigger(TriggerKind.S3, InvocationType.ASYNC),
            _trigger(TriggerKind.SNS, InvocationType.ASYNC, enabled=False),
            _trigger(TriggerKind.SQS, InvocationType.POLL),
            _trigger(TriggerKind.SCHEDULE, InvocationType.ASYNC),
            _gap(FN, "permissions"),
            _gap(FN, "front_doors"),
            _gap("arn:aws:s3:::b", "triggers"),
        ]
    ),
    max_size=4,
    unique=True,
)
_TRUSTED = st.sampled_from(
    ["lambda.amazonaws.com", f"arn:aws:iam::{ACCOUNT}:root", f"arn:aws:iam::{OTHER}:root"]
)
_LAYERS = st.sampled_from(
    [
        (),
        (f"arn:aws:lambda:us-east-1:{INSIGHTS}:layer:LambdaInsightsExtension:49",),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:l:1",),
        (f"arn:aws:lambda:us-east-1:{OTHER}:layer:l:1",),
    ]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(things=_THINGS, trusted=_TRUSTED, layers=_LAYERS, spare=st.booleans())
def test_a_question_not_asked_cannot_change_a_verdict(
    things: list[Any], trusted: str, layers: tuple[str, ...], spare: bool
) -> None:
    base = _inv(_fn(layers=layers), *things, role=_role(trusted))
    if spare:  # a role no function uses, trusting another account
        other = replace(_role(f"arn:aws:iam::{OTHER}:root"), address="r", arn="r", name="r")
        base = replace(base, roles=(*base.roles, other))
    need = needs(
        base,
        base.functions[0],
        _unread_for_all(base),
        every_destination=_names_other_accounts(base),
    )
    verdicts = _verdicts(base)
    answers: list[dict[str, Any]] = []
    if not need.concurrency:
        answers += [{"reserved_concurrency": 0}, {"reserved_concurrency": 5}]
    if not need.destination:
        answers += [
            {"on_failure_destination": f"arn:aws:sqs:us-east-1:{OTHER}:failures"},
            {"on_failure_destination": f"arn:aws:sns:us-east-1:{ACCOUNT}:failures"},
        ]
    for answer in answers:
        changed = replace(base, functions=(replace(base.functions[0], **answer),))
        assert _verdicts(changed) == verdicts, answer


# --------------------------------------------------------------------------- tripwire

# Who reads each deferred answer (paths under src/fnguard, collectors and the model aside).
_READERS = {
    r"\.reserved_concurrency\b": {"rules/limits.py"},
    r"\.on_failure_destination\b": {
        "rules/limits.py",
        "rules/_iam_accounts.py",
        "code/sdk/_platform.py",
    },
    r"\bown_accounts\(": {"rules/_iam_accounts.py", "rules/iam.py", "rules/exposure.py"},
    r"\bplatform_needs\(": {"code/sdk/_platform.py", "rules/_iam_unused.py"},
}


@pytest.mark.parametrize("pattern", sorted(_READERS))
def test_the_readers_of_deferred_answers_are_the_known_ones(pattern: str) -> None:
    found = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if not str(path.relative_to(SRC)).startswith(("collect/", "model.py"))
        and re.search(pattern, path.read_text(encoding="utf-8"))
    }
    assert found == _READERS[pattern], (
        "a new reader of a deferred answer: teach fnguard/collect/aws/_deferred.py when it "
        "must be asked, then list the reader here"
    )


# --------------------------------------------------------------------------- against moto


def _counting(calls: Counter[str]) -> Callable[[Unit], ClientFactory]:
    """Counts ``"<Operation> <function name>"`` (Lambda) and ``"<service>:<Operation> "``."""

    def note(model: Any, params: dict[str, Any], **_: Any) -> None:
        service = model.service_model.service_name
        operation = model.name if service == "lambda" else f"{service}:{model.name}"
        calls.update([f"{operation} {str(params.get('FunctionName', '')).rsplit(':', 1)[-1]}"])

    def for_unit(unit: Unit) -> ClientFactory:
        make = client_factory(unit.access, unit.client_region)

        def client(service: str) -> Any:
            made = make(service)
            made.meta.events.register("before-parameter-build.*.*", note)
            return made

        return client

    return for_unit


def _asked(seeded: Seeded, settings: LiveSettings) -> tuple[Inventory, dict[str, set[str]]]:
    calls: Counter[str] = Counter()
    options = AwsOptions(
        access=Access(endpoint_url=seeded.endpoint), regions=("us-east-1",), settings=settings
    )
    inventory = collect_aws(options, clients=_counting(calls))
    asked: dict[str, set[str]] = {}
    for key in calls:
        operation, _, name = key.partition(" ")
        asked.setdefault(operation, set()).add(name)
    return inventory, asked


def test_moto_account_asks_only_where_rules_read(aws_account: Seeded, tmp_path: Path) -> None:
    inventory, asked = _asked(aws_account, LiveSettings())
    every = {fn.name for fn in inventory.functions}
    assert every == {"public-api", "queue-worker", "thumbnailer", "hardened"}
    assert asked["GetPolicy"] == asked["GetFunctionUrlConfig"] == every
    # The open URL (auth NONE) only; hardened's URL needs signed calls.
    assert asked["GetFunctionConcurrency"] == {"public-api"}
    # The function S3 notifies (and may invoke); the queue worker is polled.
    assert asked["ListFunctionEventInvokeConfigs"] == {"thumbnailer"}
    public = next(fn for fn in inventory.functions if fn.name == "public-api")
    assert public.reserved_concurrency is None
    assert not inventory.gaps_for(public.address, "reserved_concurrency")

    _, asked = _asked(aws_account, LiveSettings(every_answer=True))
    assert asked["ListFunctionEventInvokeConfigs"] == every
    assert asked["GetFunctionConcurrency"] == {"public-api"}

    _, asked = _asked(aws_account, LiveSettings(incremental=True, cache_dir=str(tmp_path)))
    assert asked["ListFunctionEventInvokeConfigs"] == asked["GetFunctionConcurrency"] == every


def test_moto_serves_no_code_signing_configs_so_no_function_has_one(aws_account: Seeded) -> None:
    inventory, asked = _asked(aws_account, LiveSettings())
    assert asked["ListCodeSigningConfigs"] == {""}
    assert "GetFunctionCodeSigningConfig" not in asked
    assert all(fn.code_signing_config is None for fn in inventory.functions)
    (gap,) = [g for g in inventory.gaps if g.field == "code_signing_config"]
    assert (gap.resource, gap.reason) == (
        f"aws://{ACCOUNT}/us-east-1",
        "lambda:ListCodeSigningConfigs answered 404",
    )


def test_aws_managed_policies_are_read_live_or_from_the_shipped_copy(
    aws_account: Seeded,
) -> None:
    inventory, asked = _asked(aws_account, LiveSettings())
    assert asked["iam:GetPolicyVersion"] == {""}  # AdministratorAccess, attached to admin-role
    admin = next(r for r in inventory.roles if r.name == "admin-role")
    (managed,) = [p for p in admin.policies if p.kind is PolicyKind.AWS_MANAGED]
    assert managed.statements == ({"Effect": "Allow", "Action": "*", "Resource": "*"},)


# --------------------------------------------------------------------------- code signing


def _stubbed(responses: list[tuple[str, dict[str, Any] | str]]) -> tuple[Api, Stubber]:
    client = boto3.client(
        "lambda",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    stubber = Stubber(client)
    for operation, answer in responses:
        method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
        if isinstance(answer, str):
            stubber.add_client_error(method, service_error_code=answer, http_status_code=403)
        else:
            stubber.add_response(method, answer)
    stubber.activate()
    return Api(lambda service: client), stubber


class _Inline:
    """An executor that runs in the caller's thread (the Stubber answers in order)."""

    def map(self, fn: Callable[[Any], Any], items: Any) -> list[Any]:
        return [fn(item) for item in items]


CSC = f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-0123456789abcdef0"
CONFIG = {
    "CodeSigningConfigId": "csc-0123456789abcdef0",
    "CodeSigningConfigArn": CSC,
    "AllowedPublishers": {"SigningProfileVersionArns": ["arn:aws:signer:x"]},
    "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
    "LastModified": "2026-11-26T00:00:00Z",
}


def test_code_signing_from_the_region_listing() -> None:
    api, stubber = _stubbed(
        [
            ("ListCodeSigningConfigs", {"CodeSigningConfigs": [CONFIG]}),
            ("ListFunctionsByCodeSigningConfig", {"FunctionArns": [f"{FN}:7"]}),
        ]
    )
    found = _signing_configs(api, Shard(ACCOUNT, "us-east-1"), _Inline())  # type: ignore[arg-type]
    stubber.assert_no_pending_responses()
    assert found is not None and set(found) == {FN}  # the qualifier is dropped
    assert (found[FN].arn, found[FN].untrusted_artifact_on_deployment) == (CSC, "Enforce")
    assert api.gaps == ()


@pytest.mark.parametrize("refused", ["ListCodeSigningConfigs", "ListFunctionsByCodeSigningConfig"])
def test_a_refused_code_signing_listing_means_asking_each_function(refused: str) -> None:
    answers: list[tuple[str, dict[str, Any] | str]] = [
        ("ListCodeSigningConfigs", {"CodeSigningConfigs": [CONFIG]}),
        ("ListFunctionsByCodeSigningConfig", {"FunctionArns": []}),
    ]
    index = [op for op, _ in answers].index(refused)
    api, _ = _stubbed([*answers[:index], (refused, "AccessDeniedException")])
    assert _signing_configs(api, Shard(ACCOUNT, "us-east-1"), _Inline()) is None  # type: ignore[arg-type]
    assert api.gaps == ()  # the per-function calls record their own


def test_an_unserved_code_signing_listing_means_no_configs() -> None:
    api, _ = _stubbed([("ListCodeSigningConfigs", "UnknownOperationException")])
    assert _signing_configs(api, Shard(ACCOUNT, "us-east-1"), _Inline()) == {}  # type: ignore[arg-type]
    (gap,) = api.gaps
    assert (gap.field, gap.reason) == (
        "code_signing_config",
        "lambda:ListCodeSigningConfigs answered UnknownOperationException",
    )


def test_a_refused_aws_managed_policy_falls_back_to_the_shipped_copy(
    aws_account: Seeded,
) -> None:
    def refuse(**_: Any) -> None:
        error = {"Error": {"Code": "AccessDenied", "Message": "denied"}}
        raise ClientError(error, "GetPolicy")  # type: ignore[arg-type]

    def for_unit(unit: Unit) -> ClientFactory:
        make = client_factory(unit.access, unit.client_region)

        def client(service: str) -> Any:
            made = make(service)
            if service == "iam":
                made.meta.events.register("before-call.iam.GetPolicy", refuse)
            return made

        return client

    options = AwsOptions(access=Access(endpoint_url=aws_account.endpoint), regions=("us-east-1",))
    inventory = collect_aws(options, clients=for_unit)
    admin = next(r for r in inventory.roles if r.name == "admin-role")
    (managed,) = [p for p in admin.policies if p.kind is PolicyKind.AWS_MANAGED]
    assert managed.statements == ({"Effect": "Allow", "Action": "*", "Resource": "*"},)
    assert not [g for g in inventory.gaps if g.field == "policies"]
