"""Idempotency store in a DynamoDB table, through the boto3 the function already has.

The lock is a conditional PutItem; `expiration` (epoch seconds) is the attribute to enable
as the table's TTL. This module never imports boto3: it uses the client it is given, or
one made from the boto3 the function imported.
"""

from __future__ import annotations

import sys

from ._errors import GuardConfigError
from ._idempotency import COMPLETED, IN_PROGRESS, IdempotencyRecord, IdempotencyStore

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class DynamoDBStore(IdempotencyStore):
    """Items keyed by `key_attr` (a string partition key) in `table`."""

    def __init__(self, table: str, client: Any = None, key_attr: str = "id") -> None:
        if not table:
            raise GuardConfigError("DynamoDBStore needs a table name")
        self._table = table
        self._client = client
        self._key_attr = key_attr

    @property
    def client(self) -> Any:
        if self._client is None:
            boto3 = sys.modules.get("boto3")
            if boto3 is None:
                raise GuardConfigError(
                    "DynamoDBStore uses the function's own boto3: import boto3 in the function "
                    "or pass client=boto3.client('dynamodb')"
                )
            self._client = boto3.client("dynamodb")
        return self._client

    def _insert_in_progress(self, key: str, now: float, lock_until: float, expires_at: float) -> bool:
        client = self.client
        try:
            client.put_item(
                TableName=self._table,
                Item={
                    self._key_attr: {"S": key},
                    "status": {"S": IN_PROGRESS},
                    "expiration": {"N": str(int(expires_at))},
                    "lock_until": {"N": f"{lock_until:.3f}"},
                },
                ConditionExpression=(
                    "attribute_not_exists(#k) OR (#s = :done AND #e <= :now) "
                    "OR (#s = :busy AND #l <= :nowf)"
                ),
                ExpressionAttributeNames={"#k": self._key_attr, "#s": "status",
                                          "#e": "expiration", "#l": "lock_until"},
                ExpressionAttributeValues={
                    ":done": {"S": COMPLETED}, ":busy": {"S": IN_PROGRESS},
                    ":now": {"N": str(int(now))}, ":nowf": {"N": f"{now:.3f}"},
                },
            )
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _get(self, key: str) -> IdempotencyRecord | None:
        item = self.client.get_item(TableName=self._table, Key={self._key_attr: {"S": key}},
                                    ConsistentRead=True).get("Item")
        if item is None:
            return None
        return IdempotencyRecord(item["status"]["S"], item.get("data", {}).get("S"),
                      float(item["expiration"]["N"]), float(item.get("lock_until", {"N": "0"})["N"]))

    def _save_result(self, key: str, data: str, expires_at: float) -> None:
        self.client.put_item(TableName=self._table, Item={
            self._key_attr: {"S": key},
            "status": {"S": COMPLETED},
            "data": {"S": data},
            "expiration": {"N": str(int(expires_at))},
            "lock_until": {"N": "0"},
        })

    def _delete(self, key: str) -> None:
        self.client.delete_item(TableName=self._table, Key={self._key_attr: {"S": key}})
