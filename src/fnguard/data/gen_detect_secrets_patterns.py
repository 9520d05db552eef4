"""Regenerate ``detect_secrets_patterns.json`` from the installed detect-secrets.

detect-secrets takes ~0.1 s to import (its plugin base pulls in ``requests``), a tenth of the
1,000-function scan budget, to run what are, for most plugins, a few regular expressions.
This file records each regex plugin's patterns, and whether the plugin adds logic of its own
on top of the base class's ``findall`` (the JWT plugin validates the token): fnguard runs the
recorded patterns directly for plain-regex plugins and asks the real plugin for the others,
and only while the installed detect-secrets is the version recorded here (otherwise it uses
the plugins themselves). ``tests/rules_secrets`` fails when the file is stale.

    python src/fnguard/data/gen_detect_secrets_patterns.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_OUT = Path(__file__).with_name("detect_secrets_patterns.json")


def snapshot() -> dict[str, Any]:
    """The index as it should be for the installed detect-secrets."""
    from detect_secrets.__version__ import VERSION
    from detect_secrets.plugins.base import RegexBasedDetector

    from fnguard.rules._sec_plugins import live_plugins

    plugins = []
    for plugin in live_plugins():
        cls = type(plugin)
        plugins.append(
            {
                "name": cls.__name__,
                "secret_type": str(cls.secret_type),
                "plain_regex": cls.analyze_string is RegexBasedDetector.analyze_string,
                "patterns": [[rx.pattern, int(rx.flags)] for rx in cls.denylist],
            }
        )
    return {"detect_secrets": VERSION, "plugins": plugins}


def main() -> int:
    data = snapshot()
    _OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"{_OUT}: {len(data['plugins'])} plugins of detect-secrets {data['detect_secrets']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
