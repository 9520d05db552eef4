"""Serverless Framework services (``serverless.yml``/``.yaml``/``.json``) turned into the inventory.

Variables are resolved offline, the service is compiled to the CloudFormation resources the
framework would deploy, and the CloudFormation mapper builds the inventory from them, so a
function gets the same model (and verdict) as in a template.

Addresses are the logical IDs the framework generates (``OrdersLambdaFunction``,
``IamRoleLambdaExecution``, ``OrdersLogGroup``, ``ApiGatewayMethodOrdersGet``, ...): what the
CloudFormation console shows for the deployed stack. Resources of the ``resources:`` section
keep their own logical IDs. With several services in one scan, each address is prefixed with
the file's path (``api/serverless.yml:OrdersLambdaFunction``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.collect.serverless._collector import ServerlessCollector

__all__ = ["CLAIMED_NAMES", "NAME", "ServerlessCollector"]

#: the collector's name, and the only file names it claims (lower-cased)
NAME = "serverless"
CLAIMED_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")

__getattr__ = exports(__name__, {"ServerlessCollector": "_collector"})
