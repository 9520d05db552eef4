"""``Fn::ForEach`` (AWS::LanguageExtensions): generated resources are real inventory items."""

from __future__ import annotations

import io
import json
from pathlib import Path

from collect_cfn.cfn_helpers import collect_source
from hypothesis import given, settings
from hypothesis import strategies as st

from fnguard.cli import main
from fnguard.collect.cloudformation import CloudFormationCollector, collect_text
from fnguard.errors import InputError
from fnguard.model import Location

FOREACH = Path(__file__).parent / "foreach"
HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::LanguageExtensions\n'
_ROLE = "arn:aws:iam::111122223333:role/worker"


def _function_loop(collection: str) -> str:
    return (
        "  Fn::ForEach::Fns:\n"
        "    - Name\n"
        f"    - {collection}\n"
        "    - ${Name}Fn:\n"
        "        Type: AWS::Lambda::Function\n"
        "        Properties:\n"
        "          Runtime: python3.12\n"
        "          Handler: app.handler\n"
        f"          Role: {_ROLE}\n"
        "          Code: {ZipFile: x}\n"
    )


def test_fixture_generates_every_function_role_and_permission() -> None:
    inv = CloudFormationCollector().collect([FOREACH / "template.yaml"], FOREACH)
    assert inv.gaps == ()
    by_address = {fn.address: fn for fn in inv.functions}
    assert sorted(by_address) == ["billingFunction", "ordersFunction"]
    orders, billing = by_address["ordersFunction"], by_address["billingFunction"]
    assert (orders.name, orders.role, orders.location) == (
        "orders-worker",
        "ordersRole",
        Location("template.yaml", 13),
    )
    # Fn::FindInMap finds orders' size; billing has none and takes DefaultValue
    assert (orders.memory_mb, billing.memory_mb) == (512, 128)
    env = {v.name: v.value for v in billing.environment}
    assert env == {
        "WORKER": "billing",
        "STRIPE_SECRET_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "CONFIG": '{"worker":"billing","all":["orders","billing"]}',  # Fn::ToJsonString
        "WORKER_COUNT": "2",  # Fn::Length of the parameter's list
    }
    # values keep the line where they were written inside the loop
    assert {v.name: v.location.line for v in orders.environment if v.location}["WORKER"] == 46
    roles = {r.address: r for r in inv.roles}
    assert sorted(roles) == ["billingRole", "ordersRole"]
    assert roles["ordersRole"].policies[0].name == "orders-everything"
    assert sorted((p.address, p.function, p.principal) for p in inv.permissions) == [
        ("billingUrlPermission", "billingFunction", "*"),
        ("ordersUrlPermission", "ordersFunction", "*"),
    ]


def test_nested_loops_and_ampersand_identifiers() -> None:
    inv = CloudFormationCollector().collect([FOREACH / "template.yaml"], FOREACH)
    # &{Topic} drops what is not alphanumeric in the logical ID; ${Topic} keeps the value
    assert sorted((q.address, q.name, q.location.line) for q in inv.queues) == [
        ("billingusDevQueue", "billing.us-Dev", 69),
        ("billingusProdQueue", "billing.us-Prod", 69),
        ("orderseuDevQueue", "orders-eu-Dev", 69),
        ("orderseuProdQueue", "orders-eu-Prod", 69),
    ]


def test_collection_parameter_without_default_is_a_gap_on_the_loop(tmp_path: Path) -> None:
    text = HEAD + "Parameters:\n  Names:\n    Type: CommaDelimitedList\nResources:\n"
    inv = collect_source(tmp_path, text + _function_loop("!Ref Names"))
    assert inv.functions == ()
    assert [(g.location, g.resource, g.reason) for g in inv.gaps] == [
        (
            Location("template.yaml", 7),
            "Fn::ForEach::Fns",
            "collection of Fn::ForEach::Fns is not known at scan time (${Names}); "
            "the resources it generates are not analysed",
        )
    ]


def test_near_miss_collection_parameter_with_default(tmp_path: Path) -> None:
    text = (
        HEAD + 'Parameters:\n  Names:\n    Type: CommaDelimitedList\n    Default: "A,B"\n'
        "Resources:\n"
    )
    inv = collect_source(tmp_path, text + _function_loop("!Ref Names"))
    assert not [g for g in inv.gaps if g.resource.startswith("Fn::ForEach")]
    assert [(fn.address, fn.location.line) for fn in inv.functions] == [("AFn", 8), ("BFn", 8)]


def test_collections_deploy_time_values_decide_are_gaps(tmp_path: Path) -> None:
    text = (
        HEAD + "Parameters:\n  Names:\n    Type: AWS::SSM::Parameter::Value<List<String>>\n"
        "    Default: /app/names\nResources:\n"
    )
    ssm = collect_source(tmp_path, text + _function_loop("!Ref Names"))
    imported = collect_source(tmp_path, HEAD + "Resources:\n" + _function_loop("!ImportValue x"))
    assert (ssm.functions, imported.functions) == ((), ())
    assert [g.reason for g in ssm.gaps + imported.gaps] == [
        "collection of Fn::ForEach::Fns is not known at scan time "
        "({{resolve:ssm:/app/names}}); the resources it generates are not analysed",
        'collection of Fn::ForEach::Fns is not known at scan time (!ImportValue "x"); '
        "the resources it generates are not analysed",
    ]


def test_malformed_loops_are_gaps_and_the_rest_is_scanned(tmp_path: Path) -> None:
    text = (
        HEAD + "Resources:\n"
        "  Fn::ForEach::Short:\n    - Name\n    - [A]\n"
        "  Fn::ForEach::NoId:\n    - Name\n    - [A]\n"
        "    - Queue:\n        Type: AWS::SQS::Queue\n"
        "  Fn::ForEach::Twice:\n    - Name\n    - [A, A]\n"
        "    - Q${Name}:\n        Type: AWS::SQS::Queue\n"
        "  Kept:\n    Type: AWS::SQS::Queue\n"
    )
    inv = collect_source(tmp_path, text)
    assert [(g.location.line, g.resource, g.reason) for g in inv.gaps] == [
        (4, "Fn::ForEach::Short", "expects [Identifier, Collection, {OutputKey: OutputValue}]"),
        (7, "Fn::ForEach::NoId", "OutputKey Queue does not use ${Name}"),
        (
            12,
            "Fn::ForEach::Twice",
            "QA is declared more than once (CloudFormation refuses the template); "
            "only the first is analysed",
        ),
    ]
    assert sorted(q.address for q in inv.queues) == ["Kept", "QA"]


def test_loops_in_properties_and_conditions(tmp_path: Path) -> None:
    text = (
        HEAD + "Conditions:\n"
        "  Fn::ForEach::Flags:\n    - Env\n    - [Dev, Prod]\n"
        "    - Is${Env}: !Equals [!Ref Env, Prod]\n"
        "Resources:\n"
        "  Fn::ForEach::Fns:\n    - Env\n    - [Dev, Prod]\n"
        "    - ${Env}Fn:\n"
        "        Type: AWS::Lambda::Function\n"
        "        Condition: Is${Env}\n"
        "        Properties:\n"
        "          Runtime: python3.12\n"
        "          Handler: app.handler\n"
        f"          Role: {_ROLE}\n"
        "          Code: {ZipFile: x}\n"
        "          Environment:\n"
        "            Variables:\n"
        "              Fn::ForEach::Vars:\n"
        "                - Var\n"
        "                - [db, cache]\n"
        "                - ${Var}_URL: !Sub https://${Var}.${Env}.example\n"
    )
    inv = collect_source(tmp_path, text)
    (fn,) = inv.functions  # IsDev is false: DevFn does not exist
    assert fn.address == "ProdFn"
    assert [(v.name, v.value, v.location.line if v.location else None) for v in fn.environment] == [
        ("db_URL", "https://db.Prod.example", 22),  # the line of the loop that made them
        ("cache_URL", "https://cache.Prod.example", 22),
    ]


def test_sam_functions_from_a_loop_get_globals(tmp_path: Path) -> None:
    text = (
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n"
        "Globals:\n  Function:\n    Runtime: python3.8\n    Timeout: 30\n"
        "Resources:\n"
        "  Fn::ForEach::Fns:\n    - Name\n    - [A, B]\n"
        "    - ${Name}Fn:\n"
        "        Type: AWS::Serverless::Function\n"
        "        Properties:\n"
        "          Handler: app.handler\n"
        "          CodeUri: src\n"
    )
    inv = collect_source(tmp_path, text)
    assert inv.gaps == ()
    assert sorted((f.address, f.runtime, f.timeout_s, f.location.line) for f in inv.functions) == [
        ("AFn", "python3.8", 30, 7),
        ("BFn", "python3.8", 30, 7),
    ]
    assert sorted(r.address for r in inv.roles) == ["AFnRole", "BFnRole"]


def test_json_template_and_multi_template_prefix(tmp_path: Path) -> None:
    template = {
        "Transform": "AWS::LanguageExtensions",
        "Resources": {
            "Fn::ForEach::Queues": ["Name", ["A", "B"], {"Q${Name}": {"Type": "AWS::SQS::Queue"}}]
        },
    }
    (tmp_path / "a.json").write_text(json.dumps(template, indent=1), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    inv = CloudFormationCollector().collect([tmp_path / "a.json", tmp_path / "b.yaml"], tmp_path)
    assert sorted((q.address, q.location.line) for q in inv.queues) == [
        ("a.json:QA", 4),
        ("a.json:QB", 4),
        ("b.yaml:Q", 2),
    ]


def test_a_suppression_inside_a_loop_covers_what_that_fragment_generates(
    tmp_path: Path,
) -> None:
    text = (
        HEAD + "Resources:\n"
        "  Fn::ForEach::Queues:\n    - Name\n    - [A, B]\n"
        "    - Q${Name}:\n"
        "        Type: AWS::SQS::Queue  # fnguard:ignore[LIM004] short jobs\n"
        "      # fnguard:ignore[SQS001] dead letters elsewhere\n"
        "      D${Name}:\n"
        "        Type: AWS::SQS::Queue\n"
        "  Other:\n    Type: AWS::SQS::Queue\n"
    )
    inv = collect_source(tmp_path, text)
    assert sorted((s.rule_id, s.resource, s.location.line) for s in inv.suppressions) == [
        ("LIM004", "QA", 8),
        ("LIM004", "QB", 8),
        ("SQS001", "DA", 9),
        ("SQS001", "DB", 9),
    ]
    assert {q.location.line for q in inv.queues if q.address != "Other"} == {4}


def test_a_comment_on_or_above_a_loop_covers_everything_it_generates(tmp_path: Path) -> None:
    text = (
        HEAD + "Resources:\n"
        "  # fnguard:ignore[LIM004] short jobs\n"
        "  Fn::ForEach::Outer:\n    - Name\n    - [A, B]\n"
        "    - Fn::ForEach::Inner:  # fnguard:ignore[SQS001] dead letters elsewhere\n"
        "        - Kind\n        - [X, Y]\n"
        "        - Q${Name}${Kind}:\n            Type: AWS::SQS::Queue\n"
        "  # just a note\n"
        "  Other:\n    Type: AWS::SQS::Queue\n"
    )
    inv = collect_source(tmp_path, text)
    generated = ["QAX", "QAY", "QBX", "QBY"]
    assert sorted((s.rule_id, s.resource, s.location.line) for s in inv.suppressions) == [
        *(("LIM004", q, 4) for q in generated),
        *(("SQS001", q, 8) for q in generated),
    ]


def test_cli_scan_finds_the_generated_functions_problems() -> None:
    out = io.StringIO()
    code = main(
        ["scan", str(FOREACH), "--osv", "off", "--format", "json", "--no-progress"], stdout=out
    )
    result = json.loads(out.getvalue())
    assert code == 1
    assert result["gaps"] == []
    found = {(f["rule_id"], f["resource"]) for f in result["findings"]}
    for worker in ("orders", "billing"):
        assert {
            ("IAM001", f"{worker}Role"),  # Action "*" on "*"
            ("SEC001", f"{worker}Function"),  # the Stripe key in the environment
            ("EXP002", f"{worker}Url"),  # public function URL
            ("PKG009", f"{worker}Function"),  # python3.8
        } <= found
    lines = {f["location"]["line"] for f in result["findings"] if f["rule_id"] == "IAM001"}
    assert lines == {13}


def _nested_hundreds(names: str) -> str:
    """Loops over 100 values each, one per letter of ``names``, nested in that order."""
    hundred = "[" + ", ".join(f"V{i}" for i in range(100)) + "]"
    text = HEAD + "Resources:\n"
    for depth, name in enumerate(names):
        pad = "    " * depth
        head = "  " if depth == 0 else f"{pad}- "
        text += f"{head}Fn::ForEach::{name}:\n{pad}    - {name}\n{pad}    - {hundred}\n"
    pad = "    " * len(names)
    key = "Q" + "".join(f"${{{n}}}" for n in names)
    return text + f"{pad}- {key}:\n{pad}    Type: AWS::SQS::Queue\n"


def test_limits_stop_runaway_expansion_with_one_gap_per_loop(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _nested_hundreds("ABC"))
    assert len(inv.queues) == 10_000
    assert [(g.location.line, g.resource, g.reason) for g in inv.gaps] == [
        (
            10,
            "Fn::ForEach::C",
            "Fn::ForEach::C generates more entries; the rest is not analysed: exceeds the "
            "max-instances limit (10000); raise it with --limit max-instances=N "
            "if the input is trusted",
        )
    ]


def test_near_miss_just_within_the_limit_expands_without_a_gap(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, _nested_hundreds("AB"))
    assert (len(inv.queues), inv.gaps) == (10_000, ())


_SCALARS = st.one_of(
    st.sampled_from(["Name", "${Name}", "&{Name}", "Fn::ForEach::X", "Ref", "a-b", ""]),
    st.integers(-2, 2),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["Fn::ForEach::L", "Fn::ForEach", "Ref", "${Name}Q", "Type"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(loop=_VALUES)
def test_any_loop_value_is_expanded_or_a_gap_never_a_crash(loop: object) -> None:
    template = {
        "Transform": "AWS::LanguageExtensions",
        "Resources": {"Fn::ForEach::L": loop, "Kept": {"Type": "AWS::SQS::Queue"}},
    }
    try:
        inv = collect_text(json.dumps(template), "t.json")
    except InputError as error:  # a generated resource without a Type: one line, exit 2
        assert "expected a Type for resource" in str(error)
        return
    assert "Kept" in {q.address for q in inv.queues}
