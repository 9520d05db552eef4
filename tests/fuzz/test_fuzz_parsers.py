"""Fuzzing every reader: generated and mutated documents raise nothing but fnguard's errors.

Each parser gets ``EXAMPLES`` examples (``FNGUARD_FUZZ_EXAMPLES``, 40 in CI). A hang fails
through the per-test timeout, which scales with the budget; the Terraform evaluator runs with a
2-second deadline per module, so a generated expression that explodes ends as a limit gap.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzz.fuzz_strategies import (
    EXAMPLES,
    cfn_templates,
    hcl_documents,
    iam_documents,
    mutated,
    serverless_services,
    toml_texts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnguard import limits
from fnguard.baseline import Baseline
from fnguard.collect.cloudformation import collect_text
from fnguard.collect.serverless._collector import collect_service
from fnguard.collect.terraform import TerraformCollector
from fnguard.config import load_config
from fnguard.errors import FnguardError
from fnguard.iam.engine import (
    PolicyKind,
    PolicySet,
    Request,
    evaluate,
    parse_policy,
    parse_policy_json,
)

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # wall time is not asserted; a hang fails through the timeout below
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
TIMEOUT = pytest.mark.timeout(120 + 2 * EXAMPLES)
BOUNDS = limits.Limits(max_seconds_per_file=2.0)


def _only_fnguard_errors(run: Any, *args: Any) -> None:
    try:
        with limits.use(BOUNDS):
            run(*args)
    except FnguardError:
        pass


def _in_folder(files: dict[str, str | bytes], run: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        run(root)


def _terraform(root: Path) -> None:
    paths = sorted(root.rglob("*.tf"))
    TerraformCollector().collect(paths, root)


# ----------------------------------------------------------------------------- HCL


@TIMEOUT
@FUZZ
@given(hcl_documents())
def test_fuzz_hcl_generated(document: str) -> None:
    _in_folder(
        {"main.tf": document, "m/main.tf": document},
        lambda root: _only_fnguard_errors(_terraform, root),
    )


@TIMEOUT
@FUZZ
@given(hcl_documents().flatmap(mutated))
def test_fuzz_hcl_mutated(document: str) -> None:
    data = document.encode("utf-8", "surrogatepass")
    _in_folder({"main.tf": data}, lambda root: _only_fnguard_errors(_terraform, root))


@TIMEOUT
@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_hcl_bytes(data: bytes) -> None:
    _in_folder({"main.tf": data}, lambda root: _only_fnguard_errors(_terraform, root))


# ----------------------------------------------------------------------------- CloudFormation


def _render(template: Any, as_yaml: bool) -> str:
    if as_yaml:
        return yaml.safe_dump(template, default_flow_style=bool(hash(str(template)) % 2))
    return json.dumps(template)


@TIMEOUT
@FUZZ
@given(cfn_templates(), st.booleans())
def test_fuzz_cfn_generated(template: dict[str, Any], as_yaml: bool) -> None:
    _only_fnguard_errors(collect_text, _render(template, as_yaml), "t.yaml")


@TIMEOUT
@FUZZ
@given(st.tuples(cfn_templates(), st.booleans()).flatmap(lambda t: mutated(_render(*t))))
def test_fuzz_cfn_mutated(text: str) -> None:
    _only_fnguard_errors(collect_text, text, "t.yaml")


# ----------------------------------------------------------------------------- serverless


def _service(text: str) -> None:
    def run(root: Path) -> None:
        path = root / "svc" / "serverless.yml"
        _only_fnguard_errors(collect_service, path, "svc/serverless.yml", root)

    files: dict[str, str | bytes] = {
        "svc/serverless.yml": text,
        "svc/other.yml": "k: ${self:k}\n",
        "svc/code.js": "module.exports = () => { throw new Error('never run') }\n",
    }
    _in_folder(files, run)


@TIMEOUT
@FUZZ
@given(serverless_services())
def test_fuzz_serverless_generated(service: dict[str, Any]) -> None:
    _service(yaml.safe_dump(service))


@TIMEOUT
@FUZZ
@given(serverless_services().flatmap(lambda s: mutated(yaml.safe_dump(s))))
def test_fuzz_serverless_mutated(text: str) -> None:
    _service(text)


# ----------------------------------------------------------------------------- config files


@TIMEOUT
@FUZZ
@given(toml_texts())
def test_fuzz_fnguard_toml(text: str) -> None:
    def run(root: Path) -> None:
        _only_fnguard_errors(load_config, root / "fnguard.toml")

    _in_folder({"fnguard.toml": text}, run)


_BASELINE_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=10,
)
_BASELINES = st.one_of(
    st.fixed_dictionaries(
        {"version": st.sampled_from([1, 2, "1", None]), "findings": _BASELINE_VALUES}
    ),
    st.fixed_dictionaries(
        {
            "version": st.just(1),
            "findings": st.lists(
                st.fixed_dictionaries(
                    {"fingerprint": st.one_of(st.text(max_size=8), st.integers())}
                ),
                max_size=3,
            ),
        }
    ),
    _BASELINE_VALUES,
).map(json.dumps)


@TIMEOUT
@FUZZ
@given(st.one_of(_BASELINES, _BASELINES.flatmap(mutated)))
def test_fuzz_baseline(text: str) -> None:
    def run(root: Path) -> None:
        _only_fnguard_errors(Baseline.load, root / "base.json")

    _in_folder({"base.json": text}, run)


# ----------------------------------------------------------------------------- IAM


_REQUESTS = st.builds(
    Request,
    principal=st.sampled_from(
        [
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "123456789012",
            "*",
            "lambda.amazonaws.com",
            "arn:aws:iam::111122223333:root",
            "x",
        ]
    ),
    action=st.sampled_from(["s3:GetObject", "iam:PassRole", "sqs:SendMessage", "x", "*"]),
    resource=st.sampled_from(["*", "arn:aws:s3:::b/k", "arn:aws:sqs:us-east-1:1:q", "", "bad"]),
    context=st.dictionaries(
        st.sampled_from(
            [
                "aws:SourceArn",
                "aws:SourceIp",
                "aws:PrincipalTag/team",
                "aws:CurrentTime",
                "aws:TagKeys",
                "aws:username",
            ]
        ),
        st.one_of(
            st.sampled_from(["x", "10.1.2.3", "bad-ip", "2024-01-01T00:00:00Z"]),
            st.lists(st.sampled_from(["a", "b"]), max_size=2),
        ),
        max_size=3,
    ),
)


@TIMEOUT
@FUZZ
@given(iam_documents(), st.sampled_from(list(PolicyKind)), _REQUESTS)
def test_fuzz_iam_reader_and_evaluator(document: Any, kind: PolicyKind, request: Request) -> None:
    try:
        policy = parse_policy(document, "p", kind)
    except FnguardError:
        return
    if kind is PolicyKind.RESOURCE:
        policies = PolicySet(resource=policy)
    elif kind is PolicyKind.BOUNDARY:
        policies = PolicySet(identity=(policy,), boundary=policy)
    elif kind in (PolicyKind.SCP, PolicyKind.RCP, PolicyKind.SESSION):
        field = {"scp": "scps", "rcp": "rcps", "session": "session"}[kind.value]
        policies = PolicySet(identity=(policy,), **{field: (policy,)})
    else:
        policies = PolicySet(identity=(policy,))
    _only_fnguard_errors(evaluate, request, policies)


@TIMEOUT
@FUZZ
@given(iam_documents().flatmap(lambda d: mutated(json.dumps(d))))
def test_fuzz_iam_policy_json(text: str) -> None:
    _only_fnguard_errors(parse_policy_json, text, "p")
