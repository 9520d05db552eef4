"""Product search through SQLAlchemy with a raw text clause."""

import os

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

engine = create_engine(os.environ["DB_URL"])


def handler(event, context):
    term = event["queryStringParameters"]["term"]
    with Session(engine) as session:
        rows = session.execute(text("SELECT name FROM products WHERE name LIKE '%" + term + "%'"))
        return {"items": [r[0] for r in rows]}
