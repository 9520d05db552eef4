"""Terraform: HCL configurations (variables, locals, modules, count/for_each resolved) and
``terraform show -json`` plans, turned into the inventory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.collect.terraform._collector import TerraformCollector, looks_like_plan

__all__ = ["CLAIMED_SUFFIXES", "NAME", "TerraformCollector", "looks_like_plan"]

#: the collector's name, and the file name endings it may claim (lower-cased); a ``.json``
#: file only when it is a plan
NAME = "terraform"
CLAIMED_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".json")

__getattr__ = exports(
    __name__, {"TerraformCollector": "_collector", "looks_like_plan": "_collector"}
)
