"""Inline ``fnguard:ignore[RULE] reason`` comments on Terraform resources."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

from fnguard.model import Location, Suppression

INV = collect_fixture("suppress")


def per_instance(address: str) -> tuple[Suppression, ...]:
    return (
        Suppression("LOG001", address, "tracing is handled by the sidecar", Location("main.tf", 1)),
        Suppression(
            "LIM005", address, "internal function, invoked by one caller", Location("main.tf", 2)
        ),
        Suppression(
            "LIM006", address, "internal function, invoked by one caller", Location("main.tf", 2)
        ),
        # inside the block (here inside an object literal), without a reason: kept, reason ""
        Suppression("SEC001", address, "", Location("main.tf", 11)),
    )


def test_suppressions_above_and_inside_blocks_for_every_instance() -> None:
    assert INV.suppressions == (
        *per_instance("aws_lambda_function.quiet[0]"),
        *per_instance("aws_lambda_function.quiet[1]"),
        # a block comment inside the block counts; the one above a blank line does not
        Suppression(
            "EXP002",
            "aws_lambda_function_url.open",
            "public webhook, signed payloads",
            Location("main.tf", 21),
        ),
    )
