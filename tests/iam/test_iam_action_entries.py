"""One action's dataset entry decoded alone answers exactly as the service's whole index."""

from __future__ import annotations

import pytest

from fnguard.iam import _actions
from fnguard.iam._actions import access_level, expand_action, known_services, resource_scopable


def test_every_action_of_every_service_decodes_alone_as_in_the_index() -> None:
    for service in sorted(known_services()):
        index = _actions._read_index(service)
        try:
            for name, entry in index.items():
                assert _actions._decode_one(service, name) == entry, (service, name)
            assert _actions._decode_one(service, "notanaction") is None
        finally:
            _actions._TEXTS.pop(service, None)  # 11 MB in all: one service at a time


@pytest.mark.parametrize(
    "action",
    [
        "ec2:DescribeSubnets",
        "EC2:describesubnets",
        "s3:GetObject",
        "logs:PutLogEvents",
        "iam:PassRole",
        "ec2:NoSuchAction",
        "nosuchservice:Get",
        "s3:",
        'ec2:Describe"Subnets',
    ],
)
def test_written_out_actions_answer_as_the_index(action: str) -> None:
    service, _, name = action.lower().partition(":")
    entry = _actions._read_index(service).get(name)
    assert access_level(action) == (entry[1] if entry else None)
    assert resource_scopable(action) == (entry[2] if entry else None)
    expanded = expand_action(action)
    assert expanded == ((f"{service}:{entry[0]}",) if entry else ())


def test_a_service_whose_index_is_built_answers_from_it() -> None:
    assert expand_action("kms:*")  # builds kms's index
    assert "kms" in _actions._INDEXES
    assert "kms" not in _actions._TEXTS
    assert access_level("kms:Decrypt") == _actions._INDEXES["kms"]["decrypt"][1]


def test_patterns_still_expand_over_the_whole_service() -> None:
    found = expand_action("s3:GetObject*")
    assert "s3:GetObject" in found
    assert "s3:GetObjectAcl" in found
    assert found == tuple(sorted(found))
