"""Security groups (inline and standalone egress rules) and subnets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collect.tf_helpers import collect_dir, collect_fixture

from fnguard.model import CollectionGap, EgressRule, Location, SecurityGroup, Subnet

if TYPE_CHECKING:
    from pathlib import Path

INV = collect_fixture("network")


def loc(line: int) -> Location:
    return Location("main.tf", line)


def test_egress_from_standalone_rules_and_attribute_syntax() -> None:
    assert INV.security_groups == (
        SecurityGroup(
            "aws_security_group.standalone",
            loc(1),
            vpc_id="vpc-0123",
            egress=(
                EgressRule("tcp", 443, 443, ("0.0.0.0/0",)),
                EgressRule("-1", None, None, (), ("::/0",)),
            ),
        ),
        SecurityGroup(
            "aws_security_group.open",
            loc(30),
            vpc_id="vpc-0123",
            egress=(EgressRule("-1", 0, 0, ("0.0.0.0/0",)),),
        ),
    )


def test_computed_availability_zone_is_a_gap() -> None:
    assert INV.subnets == (
        Subnet("aws_subnet.computed_az", loc(46), None, "vpc-0123", None, "10.0.9.0/24"),
    )
    assert INV.gaps == (
        CollectionGap(
            loc(46),
            "data.aws_availability_zones.all.names[0] cannot be resolved offline",
            "aws_subnet.computed_az",
            "availability_zone",
        ),
    )


def test_rule_for_an_unresolvable_group_makes_egress_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """
resource "aws_security_group" "sg" {
  name = "sg"
}
resource "aws_security_group_rule" "external" {
  type              = "egress"
  security_group_id = "sg-0outside"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "unknown" {
  type              = "egress"
  security_group_id = var.sg_id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
variable "sg_id" {}
"""
    )
    inventory = collect_dir(tmp_path)
    assert inventory.security_groups == (
        SecurityGroup("aws_security_group.sg", loc(2), egress=(), egress_known=False),
    )
    assert inventory.gaps == (
        CollectionGap(
            loc(2),
            "egress rules declared for a security group fnguard could not identify",
            "aws_security_group.sg",
            "egress",
        ),
    )
