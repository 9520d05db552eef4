"""Network rules: VPC attachment where it matters, AZ spread, VPC endpoints, egress.

NET001 deliberately says nothing about a function with no VPC and no sign of private
resources: a VPC is not a control by itself, and "must be in a VPC" on every function is the
noise users of other scanners complain about. It fires (high) only when the function's
configuration points at something that lives inside a VPC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnguard.model import (
    EgressRule,
    Evidence,
    Finding,
    Function,
    Inventory,
    Provider,
    Remediation,
    SecurityGroup,
    VpcEndpoint,
)
from fnguard.rules._base import Mappings, Rule, RuleContext, RuleMeta
from fnguard.rules._gaps import inventory_gaps
from fnguard.rules._net_private import PrivateSign, private_signs
from fnguard.rules._net_vpc import in_vpc, vpc_view
from fnguard.rules._run_permissions import allowed_somewhere

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fnguard.model import Role

__all__ = ["NET001", "NET002", "NET003", "NET004", "RULES"]

# Terraform attributes of GCP resources that only answer on a VPC network.
_GCP_PRIVATE_REF = re.compile(
    r"\b(?:data\.)?(?:google_redis_(?:instance|cluster)\.[\w-]+\S*?\.(?:host|discovery_endpoints)"
    r"|google_sql_database_instance\.[\w-]+\S*?\.private_ip_address"
    r"|google_alloydb_instance\.[\w-]+\S*?\.ip_address"
    r"|google_memcache_instance\.[\w-]+\S*?\.(?:discovery_endpoint|memcache_nodes)"
    r"|google_filestore_instance\.[\w-]+\S*?\.networks"
    r"|google_compute_instance\.[\w-]+\S*?\.network_interface\S*?\.network_ip)"
)


def _aws(inv: Inventory) -> Iterator[Function]:
    return (fn for fn in inv.functions if fn.provider is Provider.AWS)


# --------------------------------------------------------------------------- NET001

NET001 = RuleMeta(
    id="NET001",
    title="Function uses private resources but is not in a VPC",
    impact=7,
    area="network",
    providers=(Provider.AWS, Provider.GCP),
    description=(
        "The function's environment names a resource that lives inside a VPC (an RDS / Aurora, "
        "ElastiCache, Redshift, DocumentDB, Neptune, MemoryDB or MSK endpoint, an OpenSearch VPC "
        "domain, an RFC 1918 address or an .internal host) but the function has no VPC "
        "configuration. Either the connection fails, or the resource was made reachable from "
        "the internet so that the function could reach it. On GCP the signs are Memorystore, "
        "Cloud SQL private IP, AlloyDB, Filestore and VM internal addresses, and the VPC "
        "attachment is a Serverless VPC Access connector. A function with no VPC and no sign "
        "of private resources is not reported: a VPC is not a control in itself."
    ),
    remediation=Remediation(
        text=(
            "Attach the function to private subnets of the resource's VPC (at least two AZs) with "
            "a security group the resource's security group admits, and keep the resource "
            "private (publicly_accessible = false). GCP: set vpc_connector to a Serverless VPC "
            "Access connector on the resource's network."
        ),
        terraform=(
            'resource "aws_lambda_function" "fn" {\n'
            "  # ...\n"
            "  vpc_config {\n"
            "    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n"
            "    security_group_ids = [aws_security_group.fn.id]\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "Function:\n"
            "  Type: AWS::Lambda::Function\n"
            "  Properties:\n"
            "    VpcConfig:\n"
            "      SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n"
            "      SecurityGroupIds: [!Ref FunctionSecurityGroup]"
        ),
        cli=(
            "aws lambda update-function-configuration --function-name FN \\\n"
            "  --vpc-config SubnetIds=subnet-a,subnet-b,SecurityGroupIds=sg-fn"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.20", "A.8.22"), owasp_serverless=("SAS-3",)),
)


def _gcp_private_signs(fn: Function) -> tuple[PrivateSign, ...]:
    """GCP: references to resources reachable only on a VPC network (Memorystore, a Cloud SQL
    private IP, AlloyDB, Filestore, a VM's internal IP), then private addresses and hosts."""
    signs: list[PrivateSign] = []
    for var in fn.environment:
        found = _GCP_PRIVATE_REF.search(var.source_expr or "")
        if found:
            signs.append(PrivateSign(var.name, "reference to a VPC-only resource", found.group(0)))
    named = {s.variable for s in signs}
    signs.extend(s for s in private_signs(fn.environment) if s.variable not in named)
    return tuple(signs)


def _check_net001(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in inv.functions:
        if in_vpc(fn):
            continue
        gcp = fn.provider is Provider.GCP
        signs = _gcp_private_signs(fn) if gcp else private_signs(fn.environment)
        if signs:
            yield _net001(inv, fn, signs, "VPC connector" if gcp else "VPC configuration")


def _net001(inv: Inventory, fn: Function, signs: tuple[PrivateSign, ...], what: str) -> Finding:
    evidence = [Evidence(s.variable, f"{s.what}: {s.shown}") for s in signs]
    if inventory_gaps(inv).get(fn.address, "vpc"):
        return NET001.unknown(
            fn=fn,
            message=f"{fn.name or fn.address} uses private resources and its {what} could not "
            "be read",
            evidence=evidence,
        )
    first = signs[0]
    missing = "has no VPC connector" if what == "VPC connector" else "is not in a VPC"
    return NET001.finding(
        resource=fn.address,
        location=fn.location,
        function=fn,
        message=(
            f"{fn.name or fn.address} {missing} but {first.variable} points at a "
            f"{first.what} ({first.shown}): the connection fails, or the resource is "
            "reachable from the internet"
        ),
        evidence=evidence,
    )


# --------------------------------------------------------------------------- NET002

NET002 = RuleMeta(
    id="NET002",
    title="VPC function's subnets are in too few Availability Zones",
    impact=6,
    area="network",
    description=(
        "A function attached to a VPC runs only in the Availability Zones of its subnets. With "
        "one AZ, an AZ outage stops the function although Lambda itself stays up. The minimum "
        "is the `min_azs` threshold (2 by default)."
    ),
    remediation=Remediation(
        text="Give the function subnets in at least two Availability Zones.",
        terraform=(
            "vpc_config {\n"
            "  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]  # two AZs\n"
            "  security_group_ids = [aws_security_group.fn.id]\n"
            "}"
        ),
        cloudformation="VpcConfig:\n  SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]",
        cli=(
            "aws lambda update-function-configuration --function-name FN \\\n"
            "  --vpc-config SubnetIds=subnet-in-az-a,subnet-in-az-b,SecurityGroupIds=sg-fn"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.14", "A.5.30"), owasp_serverless=("SAS-8",)),
)


def _check_net002(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    wanted = ctx.thresholds.min_azs
    for fn in _aws(inv):
        if not in_vpc(fn):
            continue
        view = vpc_view(inv, fn)
        azs = sorted({s.availability_zone for s in view.subnets if s.availability_zone})
        unknown = [
            *view.missing_subnets,
            *(s.address for s in view.subnets if not s.availability_zone),
        ]
        if len(azs) >= wanted:
            continue
        evidence = [Evidence("availability zones", ", ".join(azs) or "none known")]
        if unknown:
            evidence.append(Evidence("subnets with unknown AZ", ", ".join(unknown)))
            yield NET002.unknown(
                fn=fn,
                message=(
                    f"{fn.name or fn.address}: the AZ of {len(unknown)} subnet(s) is unknown; "
                    f"the known ones cover {len(azs)} of the {wanted} AZs required"
                ),
                evidence=evidence,
            )
            continue
        yield NET002.finding(
            resource=fn.address,
            location=fn.location,
            function=fn,
            message=(
                f"{fn.name or fn.address} runs in {len(azs)} Availability Zone(s) "
                f"({', '.join(azs)}); at least {wanted} are required"
            ),
            evidence=evidence,
        )


# --------------------------------------------------------------------------- NET003


@dataclass(frozen=True)
class _Service:
    """An AWS service NET003 checks a VPC for an endpoint to, with what shows that a function calls
    it: role actions, or environment values naming its resources."""

    key: str  # VpcEndpoint.service
    label: str
    actions: tuple[str, ...]
    env_markers: tuple[str, ...]  # substrings of env values / source expressions


_SERVICES = (
    _Service(
        "kms",
        "KMS",
        ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
        ("arn:aws:kms:", "aws_kms_key.", "aws_kms_alias."),
    ),
    _Service(
        "secretsmanager",
        "Secrets Manager",
        ("secretsmanager:GetSecretValue",),
        ("arn:aws:secretsmanager:", "aws_secretsmanager_secret."),
    ),
    _Service(
        "ssm",
        "SSM Parameter Store",
        ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"),
        ("arn:aws:ssm:", "aws_ssm_parameter."),
    ),
    _Service(
        "s3",
        "S3",
        ("s3:GetObject", "s3:PutObject"),
        ("arn:aws:s3:::", "aws_s3_bucket."),
    ),
    _Service(
        "dynamodb",
        "DynamoDB",
        ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"),
        ("arn:aws:dynamodb:", "aws_dynamodb_table."),
    ),
)
# Attributes resolved at deploy time: the function receives the value, it does not fetch it.
_DEPLOY_TIME_ATTRS = (".value", ".secret_string", ".insecure_value", "{{resolve:")

NET003 = RuleMeta(
    id="NET003",
    title="VPC function calls an AWS service with no VPC endpoint for it",
    impact=6,
    area="network",
    description=(
        "A function in a VPC reaches AWS APIs through a NAT gateway unless the VPC has an "
        "endpoint for the service. Without one, calls to KMS, Secrets Manager, SSM, S3 or "
        "DynamoDB time out in private subnets with no NAT, or leave the VPC through the NAT "
        "(egress cost, and an exfiltration path that endpoint policies could have narrowed). "
        "Evidence is the execution role's permissions and environment variables naming such "
        "resources (values the deployment resolves, like SSM dynamic references, do not count; "
        "neither does the environment's KMS key, which Lambda uses outside the VPC)."
    ),
    remediation=Remediation(
        text=(
            "Add a VPC endpoint for each service the function calls: gateway endpoints for S3 "
            "and DynamoDB (free), interface endpoints with private DNS for KMS, Secrets Manager "
            "and SSM; restrict them with endpoint policies."
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "secretsmanager" {\n'
            "  vpc_id              = aws_vpc.main.id\n"
            '  service_name        = "com.amazonaws.${var.region}.secretsmanager"\n'
            '  vpc_endpoint_type   = "Interface"\n'
            "  subnet_ids          = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n"
            "  security_group_ids  = [aws_security_group.endpoints.id]\n"
            "  private_dns_enabled = true\n"
            "}\n"
            'resource "aws_vpc_endpoint" "s3" {\n'
            "  vpc_id            = aws_vpc.main.id\n"
            '  service_name      = "com.amazonaws.${var.region}.s3"\n'
            '  vpc_endpoint_type = "Gateway"\n'
            "  route_table_ids   = [aws_route_table.private.id]\n"
            "}"
        ),
        cloudformation=(
            "SecretsManagerEndpoint:\n"
            "  Type: AWS::EC2::VPCEndpoint\n"
            "  Properties:\n"
            "    VpcId: !Ref Vpc\n"
            "    ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager\n"
            "    VpcEndpointType: Interface\n"
            "    PrivateDnsEnabled: true\n"
            "    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]"
        ),
        cli=(
            "aws ec2 create-vpc-endpoint --vpc-id vpc-123 --vpc-endpoint-type Interface \\\n"
            "  --service-name com.amazonaws.REGION.secretsmanager \\\n"
            "  --subnet-ids subnet-a subnet-b --private-dns-enabled"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.20", "A.8.21"), owasp_serverless=("SAS-3",)),
)


# (variable name, text) pairs, and their texts joined (see ``_env_evidence``).
_Texts = tuple[list[tuple[str, str]], str]


def _env_texts(fn: Function) -> _Texts:
    """(variable name, text) of the environment values and expressions the function itself
    may use to reach a service (values resolved at deploy time are not), in order."""
    texts = [
        (var.name, text) for var in fn.environment for text in (var.source_expr, var.value) if text
    ]
    joined = "\0".join([text for _, text in texts])
    # An attribute found in no text is found in none of them: one search per attribute for
    # most functions, and the texts kept as they are (no attribute holds the separator).
    if any(map(joined.__contains__, _DEPLOY_TIME_ATTRS)):
        texts = [pair for pair in texts if not any(map(pair[1].__contains__, _DEPLOY_TIME_ATTRS))]
        joined = "\0".join([text for _, text in texts])
    return texts, joined


def _env_evidence(texts: _Texts, service: _Service) -> Evidence | None:
    pairs, joined = texts
    # A marker in one of the texts is in their join: most services are ruled out by one
    # search per marker instead of one per text (the loop below decides the rest).
    if not any(map(joined.__contains__, service.env_markers)):
        return None
    for name, text in pairs:
        if any(map(text.__contains__, service.env_markers)):  # no generator per text
            return Evidence(f"environment {name}", f"names a {service.label} resource")
    return None


# (role id, service, the key skipped) -> what the role's grant shows: functions share roles,
# and the answer depends on nothing else. Kept for one rule run (the inventory holds the roles).
_Grants = dict[tuple[int, str, str | None], Evidence | None]


def _service_evidence(
    role: Role | None,
    ctx: RuleContext,
    fn: Function,
    service: _Service,
    texts: _Texts,
    grants: _Grants,
) -> Evidence | None:
    found = _env_evidence(texts, service)
    if found is not None:
        return found
    if role is None:
        return None
    # The environment's own key is used by Lambda before the handler runs, outside the VPC.
    skipped = fn.kms_key_arn if service.key == "kms" and fn.kms_key_arn else None
    key = (id(role), service.key, skipped)
    if key in grants:
        return grants[key]
    skip = (skipped,) if skipped else ()
    grant = allowed_somewhere(ctx.permissions, role, service.actions, skip=skip)
    found = None
    if grant is not None:
        found = Evidence("execution role", f"allows {grant.action} on {grant.resource}")
    grants[key] = found
    return found


def _endpoints_for(
    inv: Inventory, vpc_ids: frozenset[str], service: str
) -> tuple[list[VpcEndpoint], list[VpcEndpoint]]:
    """(endpoints for the service in the function's VPC, endpoints of unknown service there)."""
    matching: list[VpcEndpoint] = []
    unknown: list[VpcEndpoint] = []
    for endpoint in inv.vpc_endpoints:
        if vpc_ids and endpoint.vpc_id and endpoint.vpc_id not in vpc_ids:
            continue
        if endpoint.service is None:
            unknown.append(endpoint)
        elif endpoint.service == service:
            matching.append(endpoint)
    return matching, unknown


def _check_net003(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    # Functions of one VPC share its endpoints: looked up once per VPC set and service.
    endpoints: dict[tuple[frozenset[str], str], tuple[list[VpcEndpoint], list[VpcEndpoint]]] = {}
    grants: _Grants = {}
    wheres: dict[frozenset[str], str] = {}
    for fn in _aws(inv):
        if not in_vpc(fn):
            continue
        vpc_ids = vpc_view(inv, fn).vpc_ids
        where = wheres.get(vpc_ids)  # functions of one VPC share its name
        if where is None:
            where = wheres[vpc_ids] = ", ".join(sorted(vpc_ids)) or "its VPC"
        texts = _env_texts(fn)
        role = inv.role_of(fn)  # looked up once: asked for each service
        for service in _SERVICES:
            # The endpoints first: with one for the service in the VPC, what the function
            # calls does not matter, and the role's grants (the costly part) go unasked.
            key = (vpc_ids, service.key)
            found = endpoints.get(key)
            if found is None:
                found = endpoints[key] = _endpoints_for(inv, vpc_ids, service.key)
            matching, unknown = found
            if matching:
                continue
            evidence = _service_evidence(role, ctx, fn, service, texts, grants)
            if evidence is None:
                continue
            message = (
                f"{fn.name or fn.address} calls {service.label} with no VPC endpoint in {where}"
            )
            if unknown:
                yield NET003.unknown(
                    fn=fn,
                    message=(
                        f"{message}, unless one of {len(unknown)} endpoint(s) of unknown "
                        "service is one"
                    ),
                    evidence=[evidence, *(Evidence("endpoint", e.address) for e in unknown)],
                )
                continue
            yield NET003.finding(
                resource=fn.address,
                location=fn.location,
                function=fn,
                message=message,
                evidence=[evidence, Evidence("VPC", where)],
            )


# --------------------------------------------------------------------------- NET004

NET004 = RuleMeta(
    id="NET004",
    title="VPC function's security group allows all egress to the internet",
    impact=5,
    area="network",
    description=(
        "A security group of the function allows every protocol or port to 0.0.0.0/0 or ::/0 "
        "(the default egress rule). Code that is compromised, or a dependency that phones home, "
        "can then send data anywhere the NAT reaches. Egress limited to the ports and prefixes "
        "the function needs (VPC endpoint prefix lists, the database's security group) closes "
        "that path."
    ),
    remediation=Remediation(
        text=(
            "Replace the allow-all egress rule with rules for what the function calls: HTTPS to "
            "VPC endpoints or a prefix list, the database port to its security group."
        ),
        terraform=(
            'resource "aws_security_group" "fn" {\n'
            "  vpc_id = aws_vpc.main.id\n"
            "  egress {\n"
            "    from_port       = 443\n"
            "    to_port         = 443\n"
            '    protocol        = "tcp"\n'
            "    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]\n"
            "  }\n"
            "  egress {\n"
            "    from_port       = 5432\n"
            "    to_port         = 5432\n"
            '    protocol        = "tcp"\n'
            "    security_groups = [aws_security_group.db.id]\n"
            "  }\n"
            "}"
        ),
        cloudformation=(
            "FunctionSecurityGroup:\n"
            "  Type: AWS::EC2::SecurityGroup\n"
            "  Properties:\n"
            "    VpcId: !Ref Vpc\n"
            "    GroupDescription: function egress\n"
            "    SecurityGroupEgress:\n"
            "      - IpProtocol: tcp\n"
            "        FromPort: 5432\n"
            "        ToPort: 5432\n"
            "        DestinationSecurityGroupId: !Ref DatabaseSecurityGroup"
        ),
        cli=(
            "aws ec2 revoke-security-group-egress --group-id sg-fn \\\n"
            "  --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]"
        ),
    ),
    mappings=Mappings(iso27001=("A.8.20", "A.8.22"), owasp_serverless=("SAS-3",)),
)

_ANYWHERE = ("0.0.0.0/0", "::/0")


def _all_traffic(rule: EgressRule) -> bool:
    """Every protocol, or every port of one protocol."""
    if rule.protocol.strip().lower() in ("-1", "all"):
        return True
    return rule.from_port in (0, -1) and rule.to_port in (65535, -1)


def _open_egress(group: SecurityGroup) -> EgressRule | None:
    for rule in group.egress:
        targets = (*rule.cidr_blocks, *rule.ipv6_cidr_blocks)
        if _all_traffic(rule) and any(t in _ANYWHERE for t in targets):
            return rule
    return None


def _describe(rule: EgressRule) -> str:
    ports = "all ports" if rule.protocol in ("-1", "all") else f"{rule.from_port}-{rule.to_port}"
    targets = ", ".join((*rule.cidr_blocks, *rule.ipv6_cidr_blocks))
    return f"protocol {rule.protocol}, {ports} to {targets}"


def _check_net004(inv: Inventory, ctx: RuleContext) -> Iterator[Finding]:
    for fn in _aws(inv):
        if not in_vpc(fn):
            continue
        view = vpc_view(inv, fn)
        fired = False
        for group in view.security_groups:
            rule = _open_egress(group)
            if rule is None:
                continue
            fired = True
            yield NET004.finding(
                resource=group.address,
                location=group.location,
                function=fn,
                message=(
                    f"security group {group.group_id or group.address} of "
                    f"{fn.name or fn.address} allows all egress to the internet"
                ),
                evidence=[Evidence("egress rule", _describe(rule))],
            )
        hidden = [*view.missing_security_groups]
        hidden += [g.address for g in view.security_groups if not g.egress_known]
        if not fired and hidden:
            yield NET004.unknown(
                fn=fn,
                message=(
                    f"the egress rules of {len(hidden)} security group(s) of "
                    f"{fn.name or fn.address} are unknown"
                ),
                evidence=[Evidence("security groups", ", ".join(hidden))],
            )


RULES: tuple[Rule, ...] = (
    Rule(NET001, _check_net001),
    Rule(NET002, _check_net002),
    Rule(NET003, _check_net003),
    Rule(NET004, _check_net004),
)
