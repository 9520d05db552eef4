"""``terraform show -json`` input, cross-checked against the same configuration in HCL."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from collect.tf_helpers import FIXTURES, collect_fixture

from fnguard.collect.terraform import TerraformCollector, looks_like_plan
from fnguard.errors import InputError
from fnguard.model import EnvVar, Inventory, Location

if TYPE_CHECKING:
    from pathlib import Path

PLAN = collect_fixture("plan")
HCL = collect_fixture("plan_hcl")
WHERE = Location("tfplan.json", 0)


def relocated(inventory: Inventory) -> Inventory:
    """The HCL inventory with every location replaced by the plan file's."""
    fn = inventory.functions[0]
    fn = replace(
        fn,
        location=WHERE,
        environment=tuple(replace(e, location=WHERE) for e in fn.environment),
    )
    role = inventory.roles[0]
    role = replace(
        role,
        location=WHERE,
        trust_policy=replace(role.trust_policy, location=WHERE) if role.trust_policy else None,
    )
    return replace(
        inventory,
        functions=(fn,),
        roles=(role,),
        triggers=tuple(replace(t, location=WHERE) for t in inventory.triggers),
        queues=tuple(replace(q, location=WHERE) for q in inventory.queues),
        sources=("tfplan.json",),
    )


def test_plan_gives_the_same_inventory_as_the_hcl() -> None:
    assert relocated(HCL) == PLAN


def test_plan_resolves_unknown_arns_through_module_inputs_and_outputs() -> None:
    fn = PLAN.functions[0]
    assert (fn.address, fn.role, fn.environment) == (
        "module.fn.aws_lambda_function.this",
        "aws_iam_role.fn",
        (EnvVar("STAGE", "prod", False, WHERE),),
    )
    assert PLAN.triggers[0].function == fn.address
    assert PLAN.triggers[0].source == "aws_sqs_queue.jobs"
    assert PLAN.gaps == ()


def test_plan_detection_by_content(tmp_path: Path) -> None:
    assert looks_like_plan(FIXTURES / "plan" / "tfplan.json")
    state = tmp_path / "state.json"
    state.write_text('{"format_version": "1.0", "values": {"root_module": {}}}')
    assert looks_like_plan(state)
    other = tmp_path / "package.json"
    other.write_text('{"name": "x", "version": "1.0.0"}')
    assert not looks_like_plan(other)
    assert TerraformCollector().collect([state], tmp_path) == Inventory(sources=("state.json",))


def test_broken_plan_json_is_an_input_error(tmp_path: Path) -> None:
    plan = tmp_path / "tfplan.json"
    plan.write_text('{"format_version": "1.2",\n "planned_values": {\n')
    with pytest.raises(InputError) as info:
        TerraformCollector().collect([plan], tmp_path)
    assert (info.value.path, info.value.line) == ("tfplan.json", 3)
    assert info.value.expected == "expected JSON from `terraform show -json`"


def test_a_plan_of_a_google_cloud_function_gives_the_gcp_inventory(tmp_path: Path) -> None:
    """Plans carry Google resources too: the GCP mapper reads them as it reads HCL."""
    import json

    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "google_cloudfunctions2_function.api",
                        "type": "google_cloudfunctions2_function",
                        "name": "api",
                        "values": {
                            "name": "api",
                            "location": "europe-west1",
                            "project": "acme",
                            "build_config": [{"runtime": "python312", "entry_point": "handle"}],
                            "service_config": [
                                {
                                    "ingress_settings": "ALLOW_ALL",
                                    "service_account_email": "app@acme.iam.gserviceaccount.com",
                                }
                            ],
                        },
                    },
                    {
                        "address": "google_cloudfunctions2_function_iam_member.public",
                        "type": "google_cloudfunctions2_function_iam_member",
                        "name": "public",
                        "values": {
                            "cloud_function": "api",
                            "location": "europe-west1",
                            "project": "acme",
                            "role": "roles/cloudfunctions.invoker",
                            "member": "allUsers",
                        },
                    },
                ]
            }
        },
    }
    path = tmp_path / "tfplan.json"
    path.write_text(json.dumps(plan))
    inventory = TerraformCollector().collect([path], tmp_path)
    [fn] = inventory.functions
    assert (fn.provider.value, fn.runtime, fn.gcp_generation) == ("gcp", "python312", 2)
    assert [p.principal for p in inventory.permissions] == ["allUsers"]
