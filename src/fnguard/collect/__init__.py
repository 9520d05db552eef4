"""Collectors: one module per source format, behind the ``Collector`` interface."""

from __future__ import annotations

from fnguard.collect._interface import Collector

__all__ = ["Collector"]
