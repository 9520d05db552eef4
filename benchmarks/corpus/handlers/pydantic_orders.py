"""Order API validated with pydantic: ids are integers."""

import os

from pydantic import BaseModel


class Order(BaseModel):
    order_id: int
    quantity: int


def handler(event, context):
    order = Order.model_validate_json(event["body"])
    os.system(f"echo order {order.order_id} x{order.quantity} >> /tmp/orders.log")
    return {"statusCode": 201}
