"""``Fn::ForEach`` loops in serverless.yml's ``resources:`` section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect_sls.sls_helpers import collect_source

from fnguard.model import Location

if TYPE_CHECKING:
    from pathlib import Path

SERVICE = """\
service: loops
provider:
  name: aws
  runtime: python3.12
functions:
  worker:
    handler: app.handler
resources:
  Transform: AWS::LanguageExtensions
  Resources:
    Fn::ForEach::Queues:
      - Name
      - [Jobs, Mail]
      - ${Name}Queue:
          Type: AWS::SQS::Queue
"""


def test_loops_in_resources_generate_resources_on_the_loop_line(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, SERVICE)
    assert inv.gaps == ()
    assert [(q.address, q.location) for q in inv.queues] == [
        ("JobsQueue", Location("serverless.yml", 11)),
        ("MailQueue", Location("serverless.yml", 11)),
    ]
    assert [fn.address for fn in inv.functions] == ["WorkerLambdaFunction"]


def test_near_miss_an_unknown_collection_is_a_gap_not_an_error(tmp_path: Path) -> None:
    inv = collect_source(tmp_path, SERVICE.replace("[Jobs, Mail]", "!Ref Names"))
    assert inv.queues == ()
    assert [(g.location, g.resource, g.reason) for g in inv.gaps] == [
        (
            Location("serverless.yml", 11),
            "Fn::ForEach::Queues",
            "collection of Fn::ForEach::Queues is not known at scan time (${Names}); "
            "the resources it generates are not analysed",
        )
    ]
    assert [fn.address for fn in inv.functions] == ["WorkerLambdaFunction"]
