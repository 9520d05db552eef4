"""Expression evaluation: strings, heredocs, for / splat / conditionals, functions, dynamic."""

from __future__ import annotations

from collect.tf_helpers import collect_fixture

from fnguard.model import CollectionGap, Location

INV = collect_fixture("expressions")
ENV = {e.name: e.value for e in INV.functions[0].environment}


def test_strings_and_heredocs() -> None:
    assert ENV["ESCAPES"] == 'tab\there "quoted" \u00e9 ${not} %{no}'
    assert ENV["HEREDOC"] == "line one\n  line two a\n"
    assert ENV["TRIMMED"] == "indented\n  more\n"


def test_collections_and_operators() -> None:
    assert ENV["FOR_OBJECT"] == '{"a":"A","c":"C"}'
    assert ENV["SPLAT"] == "i1,i2"
    assert ENV["ATTR_SPLAT"] == "i1,i2"
    assert ENV["NESTED"] == "20"
    assert ENV["CONDITIONAL"] == "many"
    assert ENV["MATH"] == "9"


def test_functions() -> None:
    assert ENV["TRY"] == "fallback"
    assert ENV["FORMAT"] == "id-007-true"
    assert ENV["TEMPLATE"] == '{"bucket": "b1", "literal": "${kept}"}\n'
    assert ENV["COALESCE"] == "third"
    assert ENV["REPLACED"] == "a_b_c"
    assert ENV["REGEX"] == "major1"
    assert ENV["LOOKUP"] == "default"
    assert ENV["CONCAT"] == '["x","a","b","c"]'
    assert ENV["FLATTEN"] == '["a","b","c"]'
    assert ENV["MERGED"] == '{"a":3,"b":2}'


def test_literal_values_are_not_references() -> None:
    assert not any(e.is_reference for e in INV.functions[0].environment)


def test_template_directives_are_unknown_with_a_gap() -> None:
    assert ENV["DIRECTIVE"] is None
    assert INV.gaps[0] == CollectionGap(
        Location("main.tf", 13),
        "environment variable DIRECTIVE is computed at apply time",
        "aws_lambda_function.f",
        "environment",
    )


def test_dynamic_blocks_in_a_policy_document() -> None:
    trust = INV.roles[0].trust_policy
    assert trust is not None
    assert trust.document == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        ],
    }


def test_source_and_override_documents_merge_by_sid() -> None:
    trust = INV.roles[1].trust_policy
    assert trust is not None
    assert trust.document == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "read", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Sid": "write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
            {
                "Sid": "public",
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Principal": "*",
            },
        ],
    }
