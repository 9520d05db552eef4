"""INJ005: outbound URLs from the event."""

import urllib.request

import httpx
import requests
import urllib3

http = urllib3.PoolManager()
session = requests.Session()


def handler(event, context):
    body = event["detail"]
    requests.get(body["webhook"], timeout=5)  # expect: INJ005 INJ006
    httpx.post("https://" + body["host"] + "/hook", json={})  # expect: INJ005 RUN003
    urllib.request.urlopen(body["url"])  # expect: INJ005
    http.request("GET", body["url"])  # expect: INJ005
    session.get(f"{body['base']}/items")  # expect: INJ005
    requests.get(f"https://api.example.com/users/{body['id']}", timeout=5)  # near miss: host
    requests.get("https://api.example.com/status", timeout=5)  # near miss: constant
    return {"ok": True}
