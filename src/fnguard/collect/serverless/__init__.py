"""Serverless Framework services (``serverless.yml``/``.yaml``/``.json``) turned into the inventory.

Variables are resolved offline, the service is compiled to the CloudFormation resources the
framework would deploy, and the CloudFormation mapper builds the inventory from them.
"""

from __future__ import annotations

from fnguard.collect.serverless._collector import ServerlessCollector

__all__ = ["ServerlessCollector"]
