"""Near misses: Powertools idempotency and parser validation (no RUN003, no INJ006)."""

import boto3
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent
from aws_lambda_powertools.utilities.parser import BaseModel, event_parser

table = boto3.resource("dynamodb").Table("orders")
persistence = DynamoDBPersistenceLayer(table_name="idempotency")


class Order(BaseModel):
    order_id: int
    note: str


@idempotent(persistence_store=persistence)
@event_parser(model=Order)
def handler(event, context):
    table.put_item(Item={"id": event.order_id, "note": event.note})
    return {"ok": True}
