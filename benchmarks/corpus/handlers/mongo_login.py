"""Login against MongoDB with the posted JSON document."""

import json
import os

import pymongo

users = pymongo.MongoClient(os.environ["MONGO_URL"])["app"]["users"]


def handler(event, context):
    creds = json.loads(event["body"])
    user = users.find_one({"user": creds["user"], "password": creds["password"]})
    return {"statusCode": 200 if user else 401}
