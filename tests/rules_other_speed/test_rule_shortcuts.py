"""LOG002's log group index, SEC001's verdict per distinct variable and the LIM rules' "who
can be concerned" sets answer as the general questions they stand for."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from rules_network.rulekit import TODAY, FakeChecker

from fnguard.config import Thresholds
from fnguard.model import (
    EnvVar,
    Function,
    Inventory,
    InvocationType,
    Location,
    LoggingConfig,
    LogGroup,
    Permission,
    Provider,
    Queue,
    Trigger,
    TriggerKind,
)
from fnguard.rules import RuleContext, get_rule
from fnguard.rules.logging import _log_group, _log_groups_by_name

_NAMES = ("/aws/lambda/a", "/aws/lambda/b", "lg.0", "fn.a", "")


class _Group(LogGroup):
    """A subclass: ``lookup`` finds it by address, never by name."""


log_groups = st.lists(
    st.builds(
        lambda cls, address, name, n: cls(address, Location("x.tf", n), name),
        st.sampled_from((LogGroup, LogGroup, _Group)),
        st.sampled_from(("lg.0", "lg.1", "fn.a", "/aws/lambda/a")),
        st.sampled_from((*_NAMES, None)),
        st.integers(0, 3),
    ),
    max_size=5,
)


@settings(max_examples=400, deadline=None)
@given(log_groups, st.booleans())
def test_log_group_is_what_lookup_finds(groups: list[LogGroup], with_function: bool) -> None:
    functions = (Function("fn.a", Provider.AWS, Location("main.tf", 1)),) if with_function else ()
    inv = Inventory(functions=functions, log_groups=tuple(groups))
    by_name = _log_groups_by_name(inv)
    for name in _NAMES[:-1]:
        assert _log_group(inv, by_name, name) is inv.lookup(LogGroup, name)


def _ctx() -> RuleContext:
    return RuleContext(thresholds=Thresholds(), permissions=FakeChecker(), today=TODAY)


def _fn(address: str, **kwargs: object) -> Function:
    return Function(address, Provider.AWS, Location("main.tf", len(address)), **kwargs)  # type: ignore[arg-type]


def test_sec001_judges_a_repeated_variable_once_and_reports_it_everywhere() -> None:
    token = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"
    secret = EnvVar("API_TOKEN", token, location=Location("a.yml", 3))
    read = EnvVar("DB", None, source_expr="aws_ssm_parameter.db.value")
    computed = EnvVar("DB", None, source_expr="aws_sns_topic.t.arn")
    inv = Inventory(
        functions=(
            _fn("fn.a", environment=(secret, read)),
            _fn("fn.b", environment=(replace(secret, location=Location("b.yml", 9)), computed)),
            _fn("fn.c", environment=(replace(secret, is_reference=True),)),
        )
    )
    found = list(get_rule("SEC001").check(inv, _ctx()))
    assert [(f.resource, f.location, f.impact) for f in found] == [
        ("fn.a", Location("a.yml", 3), 9),
        ("fn.a", Location("main.tf", 4), 7),
        ("fn.b", Location("b.yml", 9), 9),
    ]
    assert found[0].evidence == found[2].evidence and token not in repr(found)


def test_lim_rules_skip_only_functions_nothing_concerns() -> None:
    quiet, polled, pushed, url = (
        _fn("fn.q"),
        _fn("fn.p", timeout_s=30),
        _fn("fn.s"),
        _fn("fn.u"),
    )
    trig = Trigger("t.sqs", TriggerKind.SQS, "fn.p", InvocationType.POLL, Location("t"), "q.0")
    off = replace(trig, address="t.off", function="fn.q", enabled=False)
    sns = Trigger("t.sns", TriggerKind.SNS, "fn.s", InvocationType.ASYNC, Location("t"))
    perms = (
        Permission("p.url", "fn.u", Location("p"), principal="*", function_url_auth_type="NONE"),
        Permission("p.s3", "fn.u", Location("p"), principal="S3.amazonaws.com"),
        Permission("p.empty", "fn.q", Location("p"), principal=""),
    )
    queue = Queue("q.0", Location("q"), "jobs", visibility_timeout_s=30)
    inv = Inventory(
        functions=(quiet, polled, pushed, url),
        triggers=(trig, off, sns),
        permissions=perms,
        queues=(queue,),
        log_groups=(LogGroup("lg", Location("l"), "/aws/lambda/x"),),
    )
    ctx = _ctx()
    assert [f.resource for f in get_rule("LIM004").check(inv, ctx)] == ["q.0"]
    assert [f.function for f in get_rule("LIM005").check(inv, ctx)] == ["fn.u"]
    assert [f.function for f in get_rule("LIM006").check(inv, ctx)] == ["fn.s", "fn.u"]
    assert [f.function for f in get_rule("LIM003").check(inv, ctx)] == []


def test_log002_finds_a_declared_group_by_name() -> None:
    group = LogGroup("aws_cloudwatch_log_group.a", Location("l.tf", 2), "/aws/lambda/a", 90, "k")
    fn = _fn("fn.a", name="a", logging=LoggingConfig("JSON"))
    found = list(get_rule("LOG002").check(Inventory(functions=(fn,), log_groups=(group,)), _ctx()))
    assert found == []


def test_pkg009_judges_each_runtime_of_each_provider() -> None:
    aws = [_fn(f"fn.{i}", runtime=r) for i, r in enumerate(("python3.8", "python3.8", "weird1"))]
    gcp = replace(aws[0], address="fn.gcp", provider=Provider.GCP)  # same name, other table
    inv = Inventory(functions=(*aws, gcp))
    found = list(get_rule("PKG009").check(inv, _ctx()))
    assert [(f.resource, f.status.value) for f in found] == [
        ("fn.0", "fail"),
        ("fn.1", "fail"),
        ("fn.2", "unknown"),
        ("fn.gcp", "unknown"),
    ]
    assert found[0].evidence == found[1].evidence
    assert found[2].evidence[0].value == "weird1" and found[3].evidence[0].value == "python3.8"


def test_log003_needs_an_account_read_live() -> None:
    arn = "arn:aws:lambda:eu-west-1:111:function:f"
    fn = _fn(arn)
    assert (
        list(get_rule("LOG003").check(Inventory(functions=(fn,), sources=("a.tf",)), _ctx())) == []
    )
    live = Inventory(functions=(fn,), sources=("a.tf", "aws://111/eu-west-1"))
    assert [f.resource for f in get_rule("LOG003").check(live, _ctx())] == ["aws://111/eu-west-1"]


def test_lim001_lim002_report_only_outside_the_range() -> None:
    fns = (
        _fn("fn.ok"),
        _fn("fn.big", memory_mb=20000, timeout_s=None),
        _fn("fn.none", memory_mb=None),
    )
    inv = Inventory(functions=fns)
    lim001 = [(f.resource, f.status.value) for f in get_rule("LIM001").check(inv, _ctx())]
    lim002 = [(f.resource, f.status.value) for f in get_rule("LIM002").check(inv, _ctx())]
    assert lim001 == [("fn.big", "fail"), ("fn.none", "unknown")]
    assert lim002 == [("fn.big", "unknown")]
