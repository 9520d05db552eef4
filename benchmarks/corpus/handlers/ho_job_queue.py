"""SQS worker: each message carries a serialised job object."""

import jsonpickle


def handler(event, context):
    for record in event["Records"]:
        job = jsonpickle.decode(record["body"])
        job.run()
    return {"batchItemFailures": []}
