"""LOG003 on hand-built live inventories, and the selector reading behind it."""

from __future__ import annotations

from rules_network.rulekit import fn, rule, run, unknowns

from fnguard.collect.aws._cloudtrail import lambda_coverage
from fnguard.model import CollectionGap, Inventory, Location, Trail
from fnguard.rules.logging import RULES

LOG003 = rule(RULES, "LOG003")
SCOPE = "aws://111122223333/eu-west-1"
ARN = "arn:aws:lambda:eu-west-1:111122223333:function:"


def live(name: str) -> object:
    return fn(ARN + name, name=name, location=Location(f"{SCOPE}/lambda/{name}"))


def trail(*selectors: str, multi: bool = True, home: str = "us-east-1", on: bool = True) -> Trail:
    return Trail(
        address="arn:aws:cloudtrail:us-east-1:111122223333:trail/audit",
        location=Location(f"{SCOPE}/cloudtrail/audit"),
        scope=SCOPE,
        multi_region=multi,
        home_region=home,
        logging=on,
        lambda_functions=selectors,
    )


def inventory(*trails: Trail, names: tuple[str, ...] = ("api", "worker")) -> Inventory:
    return Inventory(
        functions=tuple(live(n) for n in names),  # type: ignore[misc]
        trails=trails,
        sources=(SCOPE,),
    )


def test_no_trail_at_all_is_one_finding_for_the_region() -> None:
    [finding] = run(LOG003, inventory())
    assert finding.resource == SCOPE and finding.function is None
    assert "2 function(s)" in finding.message and "api, worker" in finding.message


def test_a_trail_recording_every_function_is_quiet() -> None:
    assert run(LOG003, inventory(trail("*"))) == []


def test_only_the_functions_a_trail_misses_are_reported() -> None:
    [finding] = run(LOG003, inventory(trail(ARN + "api")))
    assert finding.resource == ARN + "worker"


def test_an_exclusion_in_the_selector_is_honoured() -> None:
    [finding] = run(LOG003, inventory(trail(f"* !{ARN}worker")))
    assert finding.resource == ARN + "worker"


def test_a_stopped_trail_or_one_homed_in_another_region_records_nothing_here() -> None:
    assert len(run(LOG003, inventory(trail("*", on=False)))) == 1
    assert len(run(LOG003, inventory(trail("*", multi=False)))) == 1
    assert run(LOG003, inventory(trail("*", multi=False, home="eu-west-1"))) == []


def test_iac_functions_and_unread_regions_are_not_judged() -> None:
    assert run(LOG003, Inventory(functions=(fn(),))) == []
    assert run(LOG003, Inventory(functions=(live("api"),))) == []  # type: ignore[arg-type]


def test_refused_describe_trails_is_unknown_per_function() -> None:
    gap = CollectionGap(
        Location(SCOPE), "cloudtrail:DescribeTrails answered AccessDenied", SCOPE, "trails"
    )
    inv = inventory().merge(Inventory(gaps=(gap,)))
    found = run(LOG003, inv)
    assert len(unknowns(found)) == 2 and all("AccessDenied" in f.message for f in found)


def test_basic_selectors_read_only_and_other_types_do_not_count() -> None:
    answer = {
        "EventSelectors": [
            {
                "ReadWriteType": "ReadOnly",
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}],
            },
            {
                "ReadWriteType": "All",
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            },
            {
                "ReadWriteType": "WriteOnly",
                "DataResources": [{"Type": "AWS::Lambda::Function", "Values": [ARN + "api"]}],
            },
        ]
    }
    assert lambda_coverage(answer) == (ARN + "api",)
    everything = {
        "EventSelectors": [
            {"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}
        ]
    }
    assert lambda_coverage(everything) == ("*",)


def test_advanced_selectors_need_data_category_lambda_type_and_invoke() -> None:
    def adv(*fields: dict[str, object]) -> dict[str, object]:
        return {"AdvancedEventSelectors": [{"Name": "x", "FieldSelectors": list(fields)}]}

    data = {"Field": "eventCategory", "Equals": ["Data"]}
    kind = {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]}
    assert lambda_coverage(adv(data, kind)) == ("*",)
    assert lambda_coverage(adv(kind)) == ()
    assert lambda_coverage(adv(data, kind, {"Field": "readOnly", "Equals": ["true"]})) == ()
    assert lambda_coverage(adv(data, kind, {"Field": "eventName", "Equals": ["GetFunction"]})) == ()
    prefix = {"Field": "resources.ARN", "StartsWith": [ARN + "api"]}
    assert lambda_coverage(adv(data, kind, prefix)) == (ARN + "api*",)
    not_worker = {"Field": "resources.ARN", "NotEquals": [ARN + "worker"]}
    assert lambda_coverage(adv(data, kind, not_worker)) == (f"* !{ARN}worker",)
