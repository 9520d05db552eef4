"""A Flask app behind an adapter: route functions are entries, request data is tainted."""

import os

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/run/<tool>")
def run_tool(tool):
    os.system(tool + " --version")  # expect: INJ001 INJ006
    return "ok"


@app.route("/ping")
def ping():
    host = request.args.get("host")
    os.system("ping -c 1 " + host)  # expect: INJ001
    return "ok"


@app.route("/count/<int:n>")
def count(n: int):
    os.system("seq " + str(n))  # near miss: an int parameter
    return "ok"


def handler(event, context):
    return awsgi.response(app, event, context)
