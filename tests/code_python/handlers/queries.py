"""INJ003: SQL, SQLAlchemy, DynamoDB and MongoDB query text."""

import json

import boto3
import psycopg2
import pymongo
from boto3.dynamodb.conditions import Attr, Key
from sqlalchemy import create_engine, text

conn = psycopg2.connect(host="db")
engine = create_engine("postgresql://db/app")
table = boto3.resource("dynamodb").Table("orders")
ddb = boto3.client("dynamodb")
users = pymongo.MongoClient()["app"]["users"]


def handler(event, context):
    params = event["queryStringParameters"]
    user = params["user"]
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{user}'")  # expect: INJ003 INJ006
    cur.execute(f"SELECT * FROM users WHERE name = '{user}'")  # expect: INJ003
    cur.execute("SELECT * FROM users WHERE name = %s", (user,))  # near miss: parameters
    with engine.connect() as db:
        db.execute(text(f"DELETE FROM carts WHERE owner = '{user}'"))  # expect: INJ003
        db.execute(text("SELECT 1 WHERE :u = :u"), {"u": user})  # near miss: bound
    table.scan(FilterExpression="owner = " + user)  # expect: INJ003
    table.query(KeyConditionExpression=Key("owner").eq(user))  # near miss: conditions
    table.scan(FilterExpression=Attr("owner").eq(user))  # near miss: conditions
    ddb.execute_statement(Statement=f"SELECT * FROM orders WHERE id = '{user}'")  # expect: INJ003
    ddb.execute_statement(
        Statement="SELECT * FROM orders WHERE id = ?", Parameters=[{"S": user}]
    )  # near miss: parameters
    body = json.loads(event["body"])
    users.find_one({"name": body["name"], "password": body["password"]})  # expect: INJ003
    users.find({"$where": "this.name == '" + user + "'"})  # expect: INJ003
    users.find_one({"name": str(body["name"])})  # near miss: cast to text
    return {"statusCode": 200}
