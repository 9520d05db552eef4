"""resources.extensions: properties merged into the resources the framework generates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_source

if TYPE_CHECKING:
    from pathlib import Path

SERVICE = """service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  report:
    handler: app.handler
resources:
  extensions:
{extensions}
"""


def test_extension_properties_replace_generated_ones(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        SERVICE.format(
            extensions="    ReportLambdaFunction:\n      Properties:\n"
            "        TracingConfig: {Mode: Active}\n        MemorySize: 2048\n"
        ),
    )
    (fn,) = inv.functions
    assert (fn.tracing_mode, fn.memory_mb) == ("Active", 2048)
    assert fn.timeout_s == 6  # untouched settings keep the framework's values
    assert inv.gaps == ()


def test_near_miss_without_extension_keeps_framework_defaults(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, SERVICE.replace("  extensions:\n{extensions}\n", ""))
    (fn,) = inv.functions
    assert (fn.tracing_mode, fn.memory_mb) == ("PassThrough", 1024)


def test_extension_of_nothing_generated_is_reported(tmp_path: Path) -> None:
    inv = collect_source(
        tmp_path,
        SERVICE.format(
            extensions="    TypoLambdaFunction:\n      Properties:\n        Timeout: 3\n"
        ),
    )
    assert [g.reason for g in inv.gaps] == [
        "resources.extensions.TypoLambdaFunction extends no generated resource"
    ]
    assert inv.gaps[0].location.line == 10
