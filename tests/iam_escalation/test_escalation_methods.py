"""IAM002: one fixture per published escalation method that must fire, and the near misses that
must not (PassRole scoped to a weaker role, a Deny on one needed action, iam:PassedToService
pinned to another service, a boundary)."""

from __future__ import annotations

from typing import Any

import pytest

from fnguard.config import Thresholds
from fnguard.iam import default_checker, methods
from fnguard.model import (
    Finding,
    FindingStatus,
    Function,
    Inventory,
    Location,
    Policy,
    PolicyKind,
    Provider,
    Role,
)
from fnguard.rules import RuleContext
from fnguard.rules._iam_escalation import RULE

ACCOUNT = "111122223333"
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:role/admin"
WEAK_ARN = f"arn:aws:iam::{ACCOUNT}:role/weak"
EXEC_ARN = f"arn:aws:iam::{ACCOUNT}:role/exec"
ADMIN_FN = "aws_lambda_function.admin_fn"
SERVICES = [
    "lambda.amazonaws.com",
    "glue.amazonaws.com",
    "cloudformation.amazonaws.com",
    "datapipeline.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "codebuild.amazonaws.com",
    "sagemaker.amazonaws.com",
    "codestar.amazonaws.com",
    "tasks.apprunner.amazonaws.com",
    "states.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "cognito-identity.amazonaws.com",
    "bedrock-agentcore.amazonaws.com",
]
ANY = "*"

# method id -> the statements a role needs for it (written by hand from each source).
FIXTURES: dict[str, list[tuple[list[str], str]]] = {
    "iam-create-policy-version": [(["iam:CreatePolicyVersion"], ANY)],
    "iam-set-default-policy-version": [(["iam:SetDefaultPolicyVersion"], ANY)],
    "iam-create-access-key": [(["iam:CreateAccessKey"], ANY)],
    "iam-create-login-profile": [(["iam:CreateLoginProfile"], ANY)],
    "iam-update-login-profile": [(["iam:UpdateLoginProfile"], ANY)],
    "iam-attach-user-policy": [(["iam:AttachUserPolicy"], ANY)],
    "iam-attach-group-policy": [(["iam:AttachGroupPolicy"], ANY)],
    "iam-attach-role-policy": [(["iam:AttachRolePolicy"], EXEC_ARN)],
    "iam-put-user-policy": [(["iam:PutUserPolicy"], ANY)],
    "iam-put-group-policy": [(["iam:PutGroupPolicy"], ANY)],
    "iam-put-role-policy": [(["iam:PutRolePolicy"], EXEC_ARN)],
    "iam-add-user-to-group": [(["iam:AddUserToGroup"], ANY)],
    "iam-update-assume-role-policy": [
        (["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], ADMIN_ARN)
    ],
    "lambda-create-invoke": [
        (["iam:PassRole"], ADMIN_ARN),
        (["lambda:CreateFunction", "lambda:InvokeFunction"], ANY),
    ],
    "lambda-create-event-source": [
        (["iam:PassRole"], ADMIN_ARN),
        (["lambda:CreateFunction", "lambda:CreateEventSourceMapping"], ANY),
    ],
    "lambda-create-add-permission": [
        (["iam:PassRole"], ADMIN_ARN),
        (["lambda:CreateFunction", "lambda:AddPermission"], ANY),
    ],
    "lambda-update-function-code": [(["lambda:UpdateFunctionCode"], ADMIN_FN)],
    "lambda-update-function-configuration": [(["lambda:UpdateFunctionConfiguration"], ADMIN_FN)],
    "glue-create-dev-endpoint": [(["iam:PassRole", "glue:CreateDevEndpoint"], ANY)],
    "glue-update-dev-endpoint": [(["glue:UpdateDevEndpoint"], ANY)],
    "glue-create-job": [(["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"], ANY)],
    "glue-update-job": [(["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"], ANY)],
    "cloudformation-create-stack": [(["iam:PassRole", "cloudformation:CreateStack"], ANY)],
    "cloudformation-update-stack": [(["iam:PassRole", "cloudformation:UpdateStack"], ANY)],
    "cloudformation-change-set": [
        (
            ["iam:PassRole", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
            ANY,
        )
    ],
    "datapipeline-create": [
        (
            [
                "iam:PassRole",
                "datapipeline:CreatePipeline",
                "datapipeline:PutPipelineDefinition",
                "datapipeline:ActivatePipeline",
            ],
            ANY,
        )
    ],
    "ec2-run-instances": [(["iam:PassRole", "ec2:RunInstances"], ANY)],
    "ec2-request-spot-instances": [(["iam:PassRole", "ec2:RequestSpotInstances"], ANY)],
    "ec2-modify-user-data": [
        (["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], ANY)
    ],
    "ec2-launch-template-version": [
        (["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"], ANY)
    ],
    "autoscaling-launch-configuration": [
        (
            [
                "iam:PassRole",
                "autoscaling:CreateLaunchConfiguration",
                "autoscaling:CreateAutoScalingGroup",
            ],
            ANY,
        )
    ],
    "autoscaling-launch-template": [
        (["iam:PassRole", "ec2:CreateLaunchTemplate", "autoscaling:CreateAutoScalingGroup"], ANY)
    ],
    "ec2-instance-connect": [(["ec2-instance-connect:SendSSHPublicKey"], ANY)],
    "ssm-send-command": [(["ssm:SendCommand"], ANY)],
    "ssm-start-session": [(["ssm:StartSession"], ANY)],
    "ssm-create-association": [(["ssm:CreateAssociation"], ANY)],
    "ecs-run-task": [(["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"], ANY)],
    "ecs-start-task": [(["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:StartTask"], ANY)],
    "ecs-create-service": [
        (["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:CreateService"], ANY)
    ],
    "ecs-execute-command": [(["ecs:ExecuteCommand", "ecs:DescribeTasks"], ANY)],
    "codebuild-create-project": [
        (["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], ANY)
    ],
    "codebuild-update-project": [
        (["iam:PassRole", "codebuild:UpdateProject", "codebuild:StartBuild"], ANY)
    ],
    "codebuild-buildspec-override": [(["codebuild:StartBuild"], ANY)],
    "codebuild-batch-buildspec-override": [(["codebuild:StartBuildBatch"], ANY)],
    "sagemaker-notebook": [
        (
            [
                "iam:PassRole",
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
            ANY,
        )
    ],
    "sagemaker-presigned-notebook": [(["sagemaker:CreatePresignedNotebookInstanceUrl"], ANY)],
    "sagemaker-training-job": [(["iam:PassRole", "sagemaker:CreateTrainingJob"], ANY)],
    "sagemaker-processing-job": [(["iam:PassRole", "sagemaker:CreateProcessingJob"], ANY)],
    "sagemaker-tuning-job": [(["iam:PassRole", "sagemaker:CreateHyperParameterTuningJob"], ANY)],
    "sagemaker-lifecycle-config": [
        (
            [
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
                "sagemaker:UpdateNotebookInstance",
            ],
            ANY,
        )
    ],
    "codestar-create-project": [(["iam:PassRole", "codestar:CreateProject"], ANY)],
    "apprunner-create-service": [(["iam:PassRole", "apprunner:CreateService"], ANY)],
    "states-create-state-machine": [
        (["iam:PassRole", "states:CreateStateMachine", "states:StartExecution"], ANY)
    ],
    "emr-run-job-flow": [(["iam:PassRole", "elasticmapreduce:RunJobFlow"], ANY)],
    "batch-submit-job": [(["iam:PassRole", "batch:RegisterJobDefinition", "batch:SubmitJob"], ANY)],
    "cognito-set-identity-pool-roles": [
        (
            [
                "iam:PassRole",
                "cognito-identity:SetIdentityPoolRoles",
                "cognito-identity:GetCredentialsForIdentity",
            ],
            ANY,
        )
    ],
    "iam-delete-role-permissions-boundary": [(["iam:DeleteRolePermissionsBoundary"], EXEC_ARN)],
    "iam-put-role-permissions-boundary": [(["iam:PutRolePermissionsBoundary"], EXEC_ARN)],
    "iam-delete-user-permissions-boundary": [(["iam:DeleteUserPermissionsBoundary"], ANY)],
    "iam-detach-role-policy": [(["iam:DetachRolePolicy"], EXEC_ARN)],
    "sts-assume-role": [(["sts:AssumeRole"], ADMIN_ARN)],
    "bedrock-agentcore-code-interpreter": [
        (
            [
                "iam:PassRole",
                "bedrock-agentcore:CreateCodeInterpreter",
                "bedrock-agentcore:StartCodeInterpreterSession",
                "bedrock-agentcore:InvokeCodeInterpreter",
            ],
            ANY,
        )
    ],
}


def _policy(name: str, *statements: dict[str, Any], kind: PolicyKind = PolicyKind.INLINE) -> Policy:
    return Policy(name, kind, {"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: list[str], resource: str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


LOCATION = Location("iam.tf", 1)
TRUST = _policy(
    "trust",
    {
        "Effect": "Allow",
        "Principal": {"Service": SERVICES, "AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    },
    kind=PolicyKind.TRUST,
)


def inventory(*statements: dict[str, Any], boundary: Policy | None = None) -> Inventory:
    execution = Role(
        "aws_iam_role.exec",
        Provider.AWS,
        LOCATION,
        arn=EXEC_ARN,
        trust_policy=TRUST,
        policies=(_policy("exec", *statements),),
        boundary=boundary,
    )
    admin = Role(
        "aws_iam_role.admin",
        Provider.AWS,
        LOCATION,
        arn=ADMIN_ARN,
        trust_policy=TRUST,
        policies=(_policy("admin", _allow(["*"], "*")),),
    )
    weak = Role(
        "aws_iam_role.weak",
        Provider.AWS,
        LOCATION,
        arn=WEAK_ARN,
        trust_policy=TRUST,
        policies=(_policy("weak", _allow(["logs:PutLogEvents"], "*")),),
    )
    functions = (
        Function("aws_lambda_function.fn", Provider.AWS, LOCATION, role="aws_iam_role.exec"),
        Function(ADMIN_FN, Provider.AWS, LOCATION, role="aws_iam_role.admin"),
        Function("aws_lambda_function.weak_fn", Provider.AWS, LOCATION, role="aws_iam_role.weak"),
    )
    return Inventory(functions=functions, roles=(execution, admin, weak))


def findings(inv: Inventory) -> list[Finding]:
    ctx = RuleContext(thresholds=Thresholds(), permissions=default_checker())
    return [
        f
        for f in RULE.check(inv, ctx)
        if f.function == "aws_lambda_function.fn" and f.status is FindingStatus.FAIL
    ]


def method_ids(inv: Inventory) -> set[str]:
    return {
        e.label.removeprefix("path (").removesuffix(")")
        for f in findings(inv)
        for e in f.evidence
        if e.label.startswith("path (")
    }


def test_every_method_has_a_fixture_and_a_citation() -> None:
    ids = [m.id for m in methods()]
    assert len(ids) == len(set(ids)) >= 60
    assert set(FIXTURES) == set(ids)
    assert all(m.citation.startswith("https://") for m in methods())


@pytest.mark.parametrize("method_id", sorted(FIXTURES))
def test_each_method_fires(method_id: str) -> None:
    statements = [_allow(actions, resource) for actions, resource in FIXTURES[method_id]]
    [finding] = findings(inventory(*statements))
    assert method_id in method_ids(inventory(*statements))
    assert finding.impact == 10 and "escalate" in finding.message
    path = next(e.value for e in finding.evidence if e.label == f"path ({method_id})")
    assert path.startswith("aws_lambda_function.fn --execution role--> aws_iam_role.exec")
    assert "exec#" in path  # the statement behind the hop


LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]


def test_passrole_path_names_the_role_and_the_function_it_runs() -> None:
    inv = inventory(_allow(["iam:PassRole"], ADMIN_ARN), _allow(LAMBDA, "*"))
    [finding] = findings(inv)
    path = next(e.value for e in finding.evidence if e.label == "path (lambda-create-invoke)")
    assert "aws_iam_role.exec --iam:PassRole + lambda:CreateFunction" in path
    assert f"--> aws_iam_role.admin; aws_iam_role.admin --runs--> {ADMIN_FN}" in path


def test_near_miss_passrole_scoped_to_a_less_privileged_role() -> None:
    assert findings(inventory(_allow(["iam:PassRole"], WEAK_ARN), _allow(LAMBDA, "*"))) == []


def test_near_miss_deny_on_one_needed_action() -> None:
    deny = {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*"}
    inv = inventory(_allow(["iam:PassRole"], ADMIN_ARN), _allow(LAMBDA, "*"), deny)
    assert "lambda-create-invoke" not in method_ids(inv)


def test_near_miss_passed_to_service_pinned_elsewhere() -> None:
    pinned = {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    inv = inventory(_allow(["iam:PassRole"], "*", Condition=pinned), _allow(LAMBDA, "*"))
    assert findings(inv) == []
    right = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    inv = inventory(_allow(["iam:PassRole"], "*", Condition=right), _allow(LAMBDA, "*"))
    assert method_ids(inv) == {"lambda-create-invoke"}


def test_near_miss_boundary_without_passrole() -> None:
    ceiling = _policy("ceiling", _allow(LAMBDA, "*"), kind=PolicyKind.BOUNDARY)
    inv = inventory(_allow(["iam:PassRole"], ADMIN_ARN), _allow(LAMBDA, "*"), boundary=ceiling)
    assert findings(inv) == []


def test_near_miss_update_code_of_a_weaker_function() -> None:
    inv = inventory(_allow(["lambda:UpdateFunctionCode"], "aws_lambda_function.weak_fn"))
    assert findings(inv) == []


def test_near_miss_assume_role_on_a_role_that_does_not_trust_it() -> None:
    closed = inventory(_allow(["sts:AssumeRole"], WEAK_ARN))
    assert findings(closed) == []


def test_condition_unknown_offline_lowers_the_finding() -> None:
    tagged = {"StringEquals": {"aws:PrincipalTag/team": "ops"}}
    inv = inventory(_allow(["iam:CreateAccessKey"], "*", Condition=tagged))
    [finding] = findings(inv)
    assert finding.impact == 7 and "condition" in finding.message


def test_an_administrator_is_iam001s_finding_not_iam002s() -> None:
    assert findings(inventory(_allow(["*"], "*"))) == []
