"""Loads the packaged model once; requests only pick a feature vector."""

import json
import pickle

with open("/var/task/model.pkl", "rb") as fh:
    MODEL = pickle.load(fh)


def handler(event, context):
    features = [float(x) for x in json.loads(event["body"])["features"]]
    return {"statusCode": 200, "body": json.dumps({"score": MODEL.predict([features])[0]})}
