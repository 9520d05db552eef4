"""Terraform: HCL configurations (variables, locals, modules, count/for_each resolved) and
``terraform show -json`` plans, turned into the inventory."""

from __future__ import annotations

from fnguard.collect.terraform._collector import TerraformCollector, looks_like_plan

__all__ = ["TerraformCollector", "looks_like_plan"]
