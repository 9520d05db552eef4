"""CloudFormation and SAM: templates in YAML or JSON (short-form tags, parameters, conditions,
SAM Globals, events and policy templates) turned into the inventory.

``collect_compiled`` maps resources another format compiles to CloudFormation (serverless.yml),
so every format shares one mapper and one verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnguard._lazy import exports

if TYPE_CHECKING:
    from fnguard.collect.cloudformation._collector import (
        CloudFormationCollector,
        collect_compiled,
        collect_text,
        read_source,
    )
    from fnguard.collect.cloudformation._decode import decode, line_of
    from fnguard.collect.cloudformation._foreach import LOOP_MARKER, Expansion, expand_loops
    from fnguard.collect.cloudformation._intrinsic import Unknown
    from fnguard.collect.cloudformation._nodes import (
        MarkedDict,
        MarkedList,
        MarkedStr,
        is_mapping,
        marked_dict,
        marked_list,
        marked_str,
    )
    from fnguard.collect.cloudformation._resource import Raw
    from fnguard.collect.cloudformation._sam import LAMBDA_TRUST, lambda_trust

__all__ = [
    "CLAIMED_SUFFIXES",
    "LAMBDA_TRUST",
    "LOOP_MARKER",
    "NAME",
    "CloudFormationCollector",
    "Expansion",
    "MarkedDict",
    "MarkedList",
    "MarkedStr",
    "Raw",
    "Unknown",
    "collect_compiled",
    "collect_text",
    "decode",
    "expand_loops",
    "is_mapping",
    "lambda_trust",
    "line_of",
    "marked_dict",
    "marked_list",
    "marked_str",
    "read_source",
]

#: the collector's name, and the only files it may claim (a scan of other formats never
#: loads the decoders: see ``fnguard.collect.default_collectors``)
NAME = "cloudformation"
CLAIMED_SUFFIXES = (".yaml", ".yml", ".json", ".template")

__getattr__ = exports(
    __name__,
    {
        "CloudFormationCollector": "_collector",
        "collect_compiled": "_collector",
        "collect_text": "_collector",
        "read_source": "_collector",
        "decode": "_decode",
        "line_of": "_decode",
        "LOOP_MARKER": "_foreach",
        "Expansion": "_foreach",
        "expand_loops": "_foreach",
        "Unknown": "_intrinsic",
        "MarkedDict": "_nodes",
        "MarkedList": "_nodes",
        "is_mapping": "_nodes",
        "MarkedStr": "_nodes",
        "marked_dict": "_nodes",
        "marked_list": "_nodes",
        "marked_str": "_nodes",
        "Raw": "_resource",
        "LAMBDA_TRUST": "_sam",
        "lambda_trust": "_sam",
    },
)
