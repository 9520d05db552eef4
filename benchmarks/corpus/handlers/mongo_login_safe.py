"""Login against MongoDB: values are cast to text, so no operator can slip in."""

import hashlib
import json
import os

import pymongo

users = pymongo.MongoClient(os.environ["MONGO_URL"])["app"]["users"]


def handler(event, context):
    creds = json.loads(event["body"])
    digest = hashlib.sha256(str(creds["password"]).encode()).hexdigest()
    user = users.find_one({"user": str(creds["user"]), "hash": digest})
    return {"statusCode": 200 if user else 401}
