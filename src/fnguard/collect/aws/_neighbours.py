"""What the region's functions point at: subnets, security groups, VPC endpoints, KMS keys,
log groups and the queues that feed them.

Only the resources functions use are read (by id, in one call per kind where the API takes a
list), so a scan costs the same in an account with ten thousand unrelated queues. A call that
fails puts a gap on every function that needed its answer, so the rule asking says "unknown".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnguard.collect.aws._names import Shard, location
from fnguard.model import (
    EgressRule,
    Function,
    Inventory,
    KmsKey,
    LogGroup,
    Queue,
    SecurityGroup,
    Subnet,
    TriggerKind,
    VpcEndpoint,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from concurrent.futures import Executor

    from fnguard.collect.aws._api import Api

__all__ = ["collect_neighbours"]


def collect_neighbours(
    api: Api, shard: Shard, lambdas: Inventory, services: Executor, pool: Executor
) -> Inventory:
    """Runs its listings on ``services`` and per-item calls on ``pool`` (never nested)."""
    functions = lambdas.functions
    tasks = [
        services.submit(_network, api, shard, functions),
        services.submit(_log_groups, api, shard, functions),
        services.submit(_queues, api, shard, lambdas, pool),
    ]
    pieces = [task.result() for task in tasks]
    keys = {fn.kms_key_arn for fn in functions if fn.kms_key_arn}
    keys.update(g.kms_key_id for g in pieces[1].log_groups if g.kms_key_id)
    pieces.append(_kms_keys(api, shard, sorted(keys), functions, pool))
    return Inventory.combine(pieces)


def _gap_all(api: Api, fns: Iterable[Function], reason: str, field: str) -> None:
    for fn in fns:
        api.gap(fn.location, reason, fn.address, field)


def _ec2(
    api: Api, users: Sequence[Function], field: str, operation: str, key: str, **params: Any
) -> list[Any]:
    """An EC2 listing; a refusal is a gap on each function that needed it."""
    found = api.listing("ec2", operation, key, **params)
    if isinstance(found, str):
        _gap_all(api, users, found, field)
        return []
    return found


def _network(api: Api, shard: Shard, functions: Sequence[Function]) -> Inventory:
    in_vpc = [fn for fn in functions if fn.vpc is not None]
    if not in_vpc:
        return Inventory()
    subnet_ids = sorted({s for fn in in_vpc if fn.vpc for s in fn.vpc.subnet_ids})
    group_ids = sorted({g for fn in in_vpc if fn.vpc for g in fn.vpc.security_group_ids})
    subnets = [
        Subnet(
            address=raw.get("SubnetArn") or shard.arn("ec2", f"subnet/{raw.get('SubnetId')}"),
            location=location(shard, "ec2", f"subnet/{raw.get('SubnetId')}"),
            subnet_id=raw.get("SubnetId"),
            vpc_id=raw.get("VpcId"),
            availability_zone=raw.get("AvailabilityZone"),
            cidr_block=raw.get("CidrBlock"),
        )
        for raw in (
            _ec2(api, in_vpc, "vpc", "DescribeSubnets", "Subnets", SubnetIds=subnet_ids)
            if subnet_ids
            else []
        )
    ]
    groups = [
        SecurityGroup(
            address=raw.get("SecurityGroupArn")
            or shard.arn("ec2", f"security-group/{raw.get('GroupId')}"),
            location=location(shard, "ec2", f"security-group/{raw.get('GroupId')}"),
            group_id=raw.get("GroupId"),
            vpc_id=raw.get("VpcId"),
            egress=tuple(_egress(p) for p in raw.get("IpPermissionsEgress") or ()),
        )
        for raw in (
            _ec2(api, in_vpc, "vpc", "DescribeSecurityGroups", "SecurityGroups", GroupIds=group_ids)
            if group_ids
            else []
        )
    ]
    vpcs = sorted({s.vpc_id for s in subnets if s.vpc_id})
    endpoints = [
        VpcEndpoint(
            address=shard.arn("ec2", f"vpc-endpoint/{raw.get('VpcEndpointId')}"),
            location=location(shard, "ec2", f"vpc-endpoint/{raw.get('VpcEndpointId')}"),
            service_name=raw.get("ServiceName"),
            vpc_id=raw.get("VpcId"),
            endpoint_type=raw.get("VpcEndpointType"),
        )
        for raw in (
            _ec2(
                api,
                in_vpc,
                "vpc_endpoints",
                "DescribeVpcEndpoints",
                "VpcEndpoints",
                Filters=[{"Name": "vpc-id", "Values": vpcs}],
            )
            if vpcs
            else []
        )
    ]
    return Inventory(
        subnets=tuple(subnets), security_groups=tuple(groups), vpc_endpoints=tuple(endpoints)
    )


def _egress(raw: Mapping[str, Any]) -> EgressRule:
    return EgressRule(
        protocol=str(raw.get("IpProtocol") or "-1"),
        from_port=raw.get("FromPort"),
        to_port=raw.get("ToPort"),
        cidr_blocks=tuple(str(r["CidrIp"]) for r in raw.get("IpRanges") or () if "CidrIp" in r),
        ipv6_cidr_blocks=tuple(
            str(r["CidrIpv6"]) for r in raw.get("Ipv6Ranges") or () if "CidrIpv6" in r
        ),
    )


def _log_groups(api: Api, shard: Shard, functions: Sequence[Function]) -> Inventory:
    wanted: dict[str, list[Function]] = {}
    for fn in functions:
        if fn.logging.log_group:
            wanted.setdefault(fn.logging.log_group, []).append(fn)
    if not wanted:
        return Inventory()
    # One listing under the default prefix, plus one per custom group name.
    prefixes = {"/aws/lambda/"} | {n for n in wanted if not n.startswith("/aws/lambda/")}
    found: dict[str, LogGroup] = {}
    for prefix in sorted(prefixes):
        raw_groups = api.listing(
            "logs", "DescribeLogGroups", "logGroups", logGroupNamePrefix=prefix
        )
        if isinstance(raw_groups, str):
            users = [fn for name, fns in wanted.items() if name.startswith(prefix) for fn in fns]
            _gap_all(api, users, raw_groups, "logging")
            continue
        for raw in raw_groups:
            name = str(raw.get("logGroupName"))
            if name not in wanted:
                continue
            arn = str(raw.get("arn") or shard.arn("logs", f"log-group:{name}"))
            found[name] = LogGroup(
                address=arn.removesuffix(":*"),
                location=location(shard, "logs", name.lstrip("/")),
                name=name,
                retention_days=raw.get("retentionInDays"),
                kms_key_id=raw.get("kmsKeyId"),
            )
    return Inventory(log_groups=tuple(found.values()))


def _queues(api: Api, shard: Shard, lambdas: Inventory, pool: Executor) -> Inventory:
    by_arn: dict[str, list[Function]] = {}
    fns = {fn.address: fn for fn in lambdas.functions}
    for trig in lambdas.triggers:
        if trig.kind is TriggerKind.SQS and trig.source:
            fn = fns.get(trig.function)
            by_arn.setdefault(trig.source, []).extend([fn] if fn else [])
    queues = [q for q in pool.map(lambda a: _queue(api, shard, a, by_arn[a]), by_arn) if q]
    return Inventory(queues=tuple(queues))


def _queue(api: Api, shard: Shard, arn: str, users: Sequence[Function]) -> Queue | None:
    parts = arn.split(":")
    if len(parts) < 6:
        return None
    name, owner = parts[5], parts[4]
    where = location(shard, "sqs", name)
    url = api.call(
        "sqs",
        "GetQueueUrl",
        where=where,
        resource=arn,
        fields=("visibility_timeout_s",),
        QueueName=name,
        QueueOwnerAWSAccountId=owner,
    )
    attrs = (
        api.call(
            "sqs",
            "GetQueueAttributes",
            where=where,
            resource=arn,
            fields=("visibility_timeout_s",),
            QueueUrl=url["QueueUrl"],
            AttributeNames=["VisibilityTimeout", "FifoQueue"],
        )
        if url and url.get("QueueUrl")
        else None
    )
    if attrs is None:
        return Queue(address=arn, location=where, name=name, arn=arn, visibility_timeout_s=None)
    values = attrs.get("Attributes") or {}
    timeout = str(values.get("VisibilityTimeout") or "")
    return Queue(
        address=arn,
        location=where,
        name=name,
        arn=arn,
        visibility_timeout_s=int(timeout) if timeout.isdigit() else None,
        fifo=values.get("FifoQueue") == "true" or name.endswith(".fifo"),
    )


def _kms_keys(
    api: Api, shard: Shard, keys: Sequence[str], functions: Sequence[Function], pool: Executor
) -> Inventory:
    users: dict[str, list[Function]] = {}
    for fn in functions:
        if fn.kms_key_arn:
            users.setdefault(fn.kms_key_arn, []).append(fn)
    found = [k for k in pool.map(lambda k: _kms_key(api, shard, k, users.get(k, [])), keys) if k]
    return Inventory(kms_keys=tuple(found))


def _kms_key(api: Api, shard: Shard, arn: str, users: Sequence[Function]) -> KmsKey | None:
    where = location(shard, "kms", arn.rsplit("/", 1)[-1])
    described = api.call(
        "kms", "DescribeKey", where=where, resource=arn, fields=("rotation_enabled",), KeyId=arn
    )
    meta = (described or {}).get("KeyMetadata") or {}
    customer = meta.get("KeyManager", "CUSTOMER") == "CUSTOMER"
    rotation: bool | None = True if not customer else None
    if customer:
        status = api.call(
            "kms",
            "GetKeyRotationStatus",
            where=where,
            resource=arn,
            fields=("rotation_enabled",),
            KeyId=arn,
        )
        if status is not None:
            rotation = bool(status.get("KeyRotationEnabled"))
        else:
            _gap_all(api, users, f"rotation of KMS key {arn} unknown", "kms_key_arn")
    return KmsKey(
        address=str(meta.get("Arn") or arn),
        location=where,
        arn=str(meta.get("Arn") or arn),
        rotation_enabled=rotation,
        customer_managed=customer,
    )
