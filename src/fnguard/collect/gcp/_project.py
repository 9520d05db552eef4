"""One project read end to end: its functions (v1 and v2 APIs), their invoker policies (the
function's and, for gen 2, the Cloud Run service's), and its service accounts' project roles.

An empty project costs two listings; a project with functions one more call for the project
IAM policy plus one or two per function, run concurrently.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from fnguard.collect.gcp._api import (
    FUNCTION_POLICY,
    LIST_FUNCTIONS,
    PROJECT_GET,
    PROJECT_POLICY,
    SERVICE_POLICY,
    Api,
    Page,
)
from fnguard.collect.gcp._functions import Shape, map_function
from fnguard.collect.gcp._iam import account_role, door, grants, roles_of_members
from fnguard.collect.gcp._names import GLOBAL, location, project_label, short_name, split_name
from fnguard.model import (
    FrontDoor,
    Function,
    Inventory,
    InvocationType,
    Permission,
    Role,
    Trigger,
    TriggerKind,
)

if TYPE_CHECKING:
    from fnguard.collect.gcp._api import Clients

__all__ = ["collect_project"]

_ITEM_WORKERS = 16  # IAM policy reads in flight per project


def collect_project(clients: Clients, project: str) -> Inventory:
    """Everything fnguard reads of one project; refusals are gaps, never errors."""
    api = Api(clients)
    shapes = _listed(api, project)
    shapes = _with_accounts(api, project, shapes)
    with ThreadPoolExecutor(_ITEM_WORKERS, thread_name_prefix="fnguard-gcp") as pool:
        invokers = list(pool.map(lambda s: _invokers(api, s), shapes))
    functions: list[Function] = []
    triggers: list[Trigger] = []
    doors: list[FrontDoor] = []
    permissions: list[Permission] = []
    for shape, (perms, unread) in zip(shapes, invokers, strict=True):
        fn = shape.function
        functions.append(fn)
        permissions.extend(perms)
        triggers.extend(shape.events)
        if shape.http:
            doors.append(door(fn, perms, unread))
            triggers.append(
                Trigger(
                    address=fn.address,
                    kind=TriggerKind.GCP_HTTP,
                    function=fn.address,
                    invocation=InvocationType.SYNC,
                    location=fn.location,
                    source=fn.address,
                    front_door=fn.address,
                )
            )
    roles = _accounts(api, project, functions)
    return Inventory(
        functions=tuple(functions),
        roles=roles,
        triggers=tuple(triggers),
        front_doors=tuple(doors),
        permissions=tuple(permissions),
        gaps=api.gaps,
        sources=(project_label(project),),
    )


def _listed(api: Api, project: str) -> list[Shape]:
    """Gen 1 from the v1 API (its own shape), the rest from v2 (which lists both
    generations: gen 1 functions the v1 API did not give are mapped from the v2 shape)."""
    where = location(project, "-", "cloudfunctions")
    scope = f"projects/{project}"
    empty = Page(())
    v1, _ = api.attempt(
        LIST_FUNCTIONS, lambda: api.clients.list_functions(1, project), disabled=empty
    )
    v2, v2_reason = api.attempt(
        LIST_FUNCTIONS, lambda: api.clients.list_functions(2, project), disabled=empty
    )
    if v2 is None:  # only the v2 API lists gen 2 functions
        api.gap(where, v2_reason, scope, "functions")
        if v1 is None:
            return []
    shapes = [map_function(item, 1) for item in (v1.items if v1 else ())]
    seen = {s.function.address for s in shapes}
    for item in v2.items if v2 else ():
        if item.get("environment") == "GEN_1" and item.get("name") in seen:
            continue
        shapes.append(map_function(item, 2))
    # v2 lists both generations: its unreachable locations are the ones that hide functions.
    unreachable = v2.unreachable if v2 is not None else v1.unreachable if v1 is not None else ()
    for region in dict.fromkeys(unreachable):
        reason = f"{LIST_FUNCTIONS} could not reach {region}"
        api.gap(where, reason, scope, "functions")
    return sorted(shapes, key=lambda s: s.function.address)


def _with_accounts(api: Api, project: str, shapes: list[Shape]) -> list[Shape]:
    """Name the account a function runs as when the API leaves it out: the project's default
    (App Engine for gen 1, Compute Engine for gen 2, whose e-mail needs the project number,
    read once per project)."""
    numbers: dict[str, tuple[str | None, str]] = {}
    out: list[Shape] = []
    for shape in shapes:
        fn = shape.function
        owner = split_name(fn.address)[0]
        owner = project if owner == "-" else owner
        if fn.role is not None:
            out.append(shape)
            continue
        if fn.gcp_generation == 1:
            email = f"{owner}@appspot.gserviceaccount.com"
        else:
            if owner not in numbers:
                answer, reason = api.attempt(PROJECT_GET, partial(api.clients.project, owner))
                numbers[owner] = (
                    short_name(str(answer.get("name", ""))) if answer else None,
                    reason,
                )
            number, reason = numbers[owner]
            if not number:
                api.gap(fn.location, reason or f"{PROJECT_GET}: no number", fn.address, "role")
                out.append(shape)
                continue
            email = f"{number}-compute@developer.gserviceaccount.com"
        out.append(replace(shape, function=replace(fn, role=email)))
    return out


def _invokers(api: Api, shape: Shape) -> tuple[tuple[Permission, ...], bool]:
    """Grants on the function and (gen 2) its Cloud Run service; whether one was unread."""
    fn = shape.function
    unread = False
    policy = api.guarded(
        FUNCTION_POLICY,
        lambda: api.clients.function_policy(shape.api_version, fn.address),
        where=fn.location,
        resource=fn.address,
        fields=("permissions",),
    )
    perms = grants(policy, fn.address, fn.address, fn.location) if policy is not None else ()
    unread = policy is None
    if fn.gcp_generation == 2 and shape.service is None:
        reason = "the function names no Cloud Run service: who may invoke it is unknown"
        api.gap(fn.location, reason, fn.address, "permissions")
        return perms, True
    if shape.service is not None:
        service = shape.service
        project, region, name = split_name(service)
        where = location(project, region, "run", name)
        run_policy = api.guarded(
            SERVICE_POLICY,
            lambda: api.clients.service_policy(service),
            where=where,
            resource=fn.address,
            fields=("permissions",),
        )
        if run_policy is None:
            unread = True
        else:
            perms = perms + grants(run_policy, service, fn.address, where)
    return perms, unread


def _accounts(api: Api, project: str, functions: list[Function]) -> tuple[Role, ...]:
    """The service accounts the functions run as, with their roles on this project."""
    emails = list(dict.fromkeys(fn.role for fn in functions if fn.role))
    if not emails:
        return ()
    where = location(project, GLOBAL, "iam")
    policy = api.guarded(
        PROJECT_POLICY,
        lambda: api.clients.project_policy(project),
        where=where,
        resource=f"projects/{project}",
        fields=("roles",),
    )
    if policy is None:
        # Without the project's bindings, "holds no admin role" cannot be said: the role of
        # each function is unknown to the IAM rules, which then report "unknown".
        reason = next((g.reason for g in api.gaps if g.field == "roles"), PROJECT_POLICY)
        for fn in functions:
            if fn.role:
                why = f"the project roles of {fn.role} could not be read ({reason})"
                api.gap(fn.location, why, fn.address, "role")
    held = roles_of_members(policy or {})
    return tuple(
        account_role(
            email,
            location(project, GLOBAL, "iam", email),
            held.get(f"serviceaccount:{email.lower()}", ()),
        )
        for email in emails
    )
