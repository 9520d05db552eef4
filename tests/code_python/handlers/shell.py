"""INJ001: shells reached from the event, and the near misses beside them."""

import json
import os
import shlex
import subprocess
import subprocess as sp
from subprocess import check_output

ALLOWED = {"png", "jpg"}


def handler(event, context):
    body = json.loads(event["body"])
    name = body["name"]
    os.system("convert " + name)  # expect: INJ001 INJ006
    os.popen(f"ls {name}")  # expect: INJ001
    sp.call("tar czf out.tgz " + name, shell=True)  # expect: INJ001
    check_output(["bash", "-c", "echo " + name])  # expect: INJ001
    subprocess.run(body["program"])  # near miss: not a shell, not a built string
    subprocess.run(["convert", name, "/tmp/out.png"], check=True)  # near miss: no shell
    os.system("convert " + shlex.quote(name))  # near miss: quoted
    os.system("sleep " + str(int(body["seconds"])))  # near miss: a number
    fmt = body["format"]
    if fmt not in ALLOWED:
        return {"statusCode": 400}
    os.system("convert in." + fmt)  # near miss: allow-listed
    cmd = body["cmd"]
    cmd = "uptime"
    os.system(cmd)  # near miss: reassigned to a constant
    context_name = context.function_name
    os.system("echo " + context_name)  # near miss: the context is not event data
    return {"statusCode": 200}
