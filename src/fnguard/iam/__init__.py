"""IAM: the permission questions rules ask, behind one interface."""

from __future__ import annotations

from fnguard.iam._interface import Decision, PermissionChecker

__all__ = ["Decision", "PermissionChecker"]
