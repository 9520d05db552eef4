"""The logical IDs the Serverless Framework gives the resources it generates.

fnguard uses the same IDs as addresses, so a finding names what the CloudFormation console
shows (``OrdersLambdaFunction``, ``IamRoleLambdaExecution``, ``OrdersLogGroup``, ...).
"""

from __future__ import annotations

import re

__all__ = ["ROLE_ID", "alphanumeric", "function_id", "normalize", "path_id"]

ROLE_ID = "IamRoleLambdaExecution"


def normalize(name: str) -> str:
    return name[:1].upper() + name[1:]


def function_id(key: str) -> str:
    """``orders-worker`` -> ``OrdersDashworker`` (the framework's normalised function name)."""
    return normalize(key.replace("-", "Dash").replace("_", "Underscore"))


def alphanumeric(name: str) -> str:
    return normalize(re.sub(r"[^A-Za-z0-9]", "", name))


def path_id(path: str) -> str:
    """``/orders/{id}`` -> ``OrdersIdVar`` (API Gateway resource IDs)."""
    parts = [p for p in path.strip("/").split("/") if p]
    out: list[str] = []
    for part in parts:
        var = part.startswith("{") and part.endswith("}")
        word = alphanumeric(part.strip("{}").replace("+", "Proxy"))
        out.append(word + ("Var" if var else ""))
    return "".join(out)
