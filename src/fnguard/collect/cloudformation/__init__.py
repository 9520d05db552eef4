"""CloudFormation and SAM: templates in YAML or JSON (short-form tags, parameters, conditions,
SAM Globals, events and policy templates) turned into the inventory.

``collect_compiled`` maps resources another format compiles to CloudFormation (serverless.yml),
so every format shares one mapper and one verdict.
"""

from __future__ import annotations

from fnguard.collect.cloudformation._collector import (
    CloudFormationCollector,
    collect_compiled,
    collect_text,
    read_source,
)
from fnguard.collect.cloudformation._decode import decode, line_of
from fnguard.collect.cloudformation._intrinsic import Unknown
from fnguard.collect.cloudformation._nodes import (
    MarkedDict,
    MarkedList,
    MarkedStr,
    marked_dict,
    marked_list,
    marked_str,
)
from fnguard.collect.cloudformation._resource import Raw
from fnguard.collect.cloudformation._sam import LAMBDA_TRUST

__all__ = [
    "LAMBDA_TRUST",
    "CloudFormationCollector",
    "MarkedDict",
    "MarkedList",
    "MarkedStr",
    "Raw",
    "Unknown",
    "collect_compiled",
    "collect_text",
    "decode",
    "line_of",
    "marked_dict",
    "marked_list",
    "marked_str",
    "read_source",
]
