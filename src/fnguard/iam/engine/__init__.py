"""The offline IAM policy evaluator: policies parsed into frozen statements, requests judged
in AWS's documented order (explicit deny, RCPs, SCPs, resource policy, identity policy,
permission boundary, session policy), with the statements that decided each verdict.
"""

from __future__ import annotations

from fnguard.iam.engine._errors import PolicyError
from fnguard.iam.engine._evaluate import (
    Asker,
    Decision,
    Outcome,
    PolicySet,
    evaluate,
    resource_pattern,
    unresolved_may_name,
)
from fnguard.iam.engine._knowledge import Assumptions, Knowledge
from fnguard.iam.engine._model import (
    ConditionTest,
    Effect,
    Policy,
    PolicyKind,
    PrincipalSpec,
    Statement,
    action_index,
    parse_policy,
    parse_policy_json,
    parse_statement,
)
from fnguard.iam.engine._request import Caller, CallerKind, ContextValue, Request

__all__ = [
    "Asker",
    "Assumptions",
    "Caller",
    "CallerKind",
    "ConditionTest",
    "ContextValue",
    "Decision",
    "Effect",
    "Knowledge",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "PolicySet",
    "PrincipalSpec",
    "Request",
    "Statement",
    "action_index",
    "evaluate",
    "parse_policy",
    "parse_policy_json",
    "parse_statement",
    "resource_pattern",
    "unresolved_may_name",
]
