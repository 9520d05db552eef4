"""INJ002: evaluation and unsafe deserialisation."""

import base64
import json
import marshal
import pickle

import jsonpickle
import yaml


def handler(event, context):
    body = json.loads(event["body"])
    eval(body["expr"])  # expect: INJ002 INJ006
    exec(compile(body["code"], "<event>", "exec"))  # expect: INJ002
    pickle.loads(base64.b64decode(body["blob"]))  # expect: INJ002
    marshal.loads(body["m"].encode())  # expect: INJ002
    yaml.load(body["doc"])  # expect: INJ002
    yaml.load(body["doc"], Loader=yaml.FullLoader)  # expect: INJ002
    jsonpickle.decode(body["jp"])  # expect: INJ002
    yaml.safe_load(body["doc"])  # near miss: safe loader
    yaml.load(body["doc"], Loader=yaml.SafeLoader)  # near miss: safe loader
    eval("1 + 1")  # near miss: constant
    pickle.loads(open("/var/task/model.pkl", "rb").read())  # near miss: packaged file  # noqa: SIM115
    return {"ok": True}
