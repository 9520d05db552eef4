"""Reporters: text, json, sarif, junit; each behind the ``Reporter`` interface."""

from __future__ import annotations

from fnguard.report._interface import Reporter

__all__ = ["Reporter"]
