"""INJ004: file paths from the event."""

import os
import shutil
from pathlib import Path

ROOT = "/tmp/uploads"


def handler(event, context):
    name = event["pathParameters"]["name"]
    open(os.path.join(ROOT, name))  # expect: INJ004 INJ006  # noqa: SIM115
    Path(ROOT, name).read_text()  # expect: INJ004
    os.remove("/tmp/" + name)  # expect: INJ004
    shutil.copy(name, "/tmp/copy")  # expect: INJ004
    open(os.path.join(ROOT, os.path.basename(name)))  # near miss: basename  # noqa: SIM115
    full = os.path.realpath(os.path.join(ROOT, name))
    if not full.startswith(ROOT + os.sep):
        raise ValueError("outside the upload folder")
    with open(full) as f:  # near miss: checked against the root
        data = f.read()
    return {"body": data}


def download(event, context):
    """Near miss: the normalised path is checked inline, then the original name is opened."""
    target = os.path.join(ROOT, event["name"])
    if not os.path.realpath(target).startswith(ROOT + os.sep):
        raise ValueError("outside the upload folder")
    with open(target) as f:
        return f.read()
