"""Hand-built GCP inventories for the GCP rule tests: one function, its account, its entry."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from fnguard.config import Thresholds
from fnguard.iam import default_checker
from fnguard.model import (
    Finding,
    FrontDoor,
    FrontDoorKind,
    Function,
    Inventory,
    InvocationType,
    Location,
    Permission,
    Provider,
    Role,
    Trigger,
    TriggerKind,
)
from fnguard.rules import RuleContext, get_rule

FN = "google_cloudfunctions_function.api"
SA = "google_service_account.fn"


def gfn(address: str = FN, **extra: Any) -> Function:
    extra.setdefault("role", SA)
    extra.setdefault("gcp_generation", 1)
    extra.setdefault("gcp_ingress", "ALLOW_ALL")
    return Function(
        address=address,
        provider=Provider.GCP,
        location=Location("main.tf", 10),
        name=extra.pop("name", "api"),
        **extra,
    )


def account(address: str = SA, **extra: Any) -> Role:
    return Role(address=address, provider=Provider.GCP, location=Location("iam.tf", 1), **extra)


def grant(member: str, role: str = "roles/cloudfunctions.invoker", **extra: Any) -> Permission:
    return Permission(
        address=extra.pop("address", "google_cloudfunctions_function_iam_member.invoker"),
        function=extra.pop("function", FN),
        location=Location("main.tf", 30),
        action=role,
        principal=member,
        **extra,
    )


def http_door(fn: Function, **extra: Any) -> FrontDoor:
    return FrontDoor(
        address=fn.address,
        kind=FrontDoorKind.GCP_HTTP,
        location=fn.location,
        functions=(fn.address,),
        **extra,
    )


def event(fn: Function, source: str, event_type: str) -> Trigger:
    return Trigger(
        address=fn.address,
        kind=TriggerKind.GCP_EVENT,
        function=fn.address,
        invocation=InvocationType.ASYNC,
        location=fn.location,
        source=source,
        filters=(("event", event_type),),
    )


def run(
    rule_id: str, inv: Inventory, today: _dt.date | None = None, **thresholds: Any
) -> list[Finding]:
    ctx = RuleContext(
        thresholds=Thresholds(**thresholds),
        permissions=default_checker(),
        today=today or _dt.date.today(),
    )
    return list(get_rule(rule_id).check(inv, ctx))
