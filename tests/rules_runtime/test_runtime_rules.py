"""RUN001 on hand-built inventories, with the fake checker and with the real interim matcher."""

from __future__ import annotations

from rules_network.rulekit import FakeChecker, ctx, failures, fn, loc, role, rule, run, unknowns

from fnguard.iam import default_checker
from fnguard.model import (
    Bucket,
    Inventory,
    InvocationType,
    LogGroup,
    Queue,
    Trigger,
    TriggerKind,
)
from fnguard.rules.runtime import RULES

RUN001 = rule(RULES, "RUN001")
FN = "aws_lambda_function.api"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:jobs"


def _s3(source: str = "arn:aws:s3:::data-bucket", *filters: tuple[str, str]) -> Trigger:
    return Trigger(
        "aws_s3_bucket_notification.data",
        TriggerKind.S3,
        FN,
        InvocationType.ASYNC,
        loc(),
        source=source,
        filters=tuple(filters),
    )


def _inv(
    *triggers: Trigger, statements: tuple = (), recursive_loop: str = "Terminate", **kw
) -> Inventory:  # type: ignore[no-untyped-def,type-arg]
    r = role(statements=statements)
    f = fn(role=r.address, recursive_loop=recursive_loop)
    return Inventory(functions=(f,), roles=(r,), triggers=triggers, **kw)


def _put(resource: str) -> dict:  # type: ignore[type-arg]
    return {"Effect": "Allow", "Action": "s3:PutObject", "Resource": resource}


def test_run001_s3_loop_with_detection_is_medium_and_says_so() -> None:
    checker = FakeChecker(grants=(("s3:PutObject", "arn:aws:s3:::data-bucket/*"),))
    [finding] = run(RUN001, _inv(_s3()), ctx(checker))
    assert finding.impact == 5
    assert "16 invocations" in finding.message and "bucket data-bucket" in finding.message


def test_run001_allow_makes_the_loop_unbounded() -> None:
    checker = FakeChecker(grants=(("s3:PutObject", "*"),))
    [finding] = run(RUN001, _inv(_s3(), recursive_loop="Allow"), ctx(checker))
    assert finding.impact == 8 and "nothing stops" in finding.message


def test_run001_prefix_filter_separates_input_and_output_with_real_matcher() -> None:
    trig = _s3("arn:aws:s3:::data-bucket", ("prefix", "in/"), ("event", "s3:ObjectCreated:*"))
    writes_out = _inv(trig, statements=(_put("arn:aws:s3:::data-bucket/out/*"),))
    assert run(RUN001, writes_out, ctx(default_checker())) == []
    writes_in = _inv(trig, statements=(_put("arn:aws:s3:::data-bucket/in/processed/*"),))
    [finding] = run(RUN001, writes_in, ctx(default_checker()))
    assert "data-bucket/in/processed/" in next(
        e.value for e in finding.evidence if e.label == "role allows"
    )
    writes_all = _inv(trig, statements=(_put("arn:aws:s3:::data-bucket/*"),))
    assert len(failures(run(RUN001, writes_all, ctx(default_checker())))) == 1


def test_run001_suffix_filter_and_delete_events_are_not_loops() -> None:
    csv_only = _s3("arn:aws:s3:::data-bucket", ("suffix", ".csv"))
    writes_json = _inv(csv_only, statements=(_put("arn:aws:s3:::data-bucket/*.json"),))
    assert run(RUN001, writes_json, ctx(default_checker())) == []
    deletes = _s3("arn:aws:s3:::data-bucket", ("event", "s3:ObjectRemoved:*"))
    checker = FakeChecker(grants=(("s3:PutObject", "*"),))
    assert run(RUN001, _inv(deletes), ctx(checker)) == []


def test_run001_sqs_via_queue_address_and_sns_by_arn() -> None:
    queue = Queue("aws_sqs_queue.jobs", loc(), "jobs", QUEUE_ARN)
    sqs = Trigger(
        "aws_lambda_event_source_mapping.jobs",
        TriggerKind.SQS,
        FN,
        InvocationType.POLL,
        loc(),
        source="aws_sqs_queue.jobs",
    )
    checker = FakeChecker(grants=(("sqs:SendMessage", QUEUE_ARN),))
    [finding] = run(RUN001, _inv(sqs, queues=(queue,)), ctx(checker))
    assert "queue jobs" in finding.message
    other = FakeChecker(grants=(("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:results"),))
    assert run(RUN001, _inv(sqs, queues=(queue,)), ctx(other)) == []
    topic = "arn:aws:sns:eu-west-1:111122223333:events"
    sns = Trigger(
        "aws_sns_topic_subscription.fn",
        TriggerKind.SNS,
        FN,
        InvocationType.ASYNC,
        loc(),
        source=topic,
    )
    assert len(run(RUN001, _inv(sns), ctx(FakeChecker(grants=(("sns:Publish", topic),))))) == 1


def test_run001_unknown_when_source_arn_cannot_be_built() -> None:
    trig = _s3("aws_s3_bucket.data")  # a Terraform address, no bucket name in the model yet
    some = FakeChecker(grants=(("s3:PutObject", "arn:aws:s3:::data-bucket/*"),))
    statements = (_put("arn:aws:s3:::data-bucket/*"),)
    assert len(unknowns(run(RUN001, _inv(trig, statements=statements), ctx(some)))) == 1
    anywhere = FakeChecker(grants=(("s3:PutObject", "*"),))
    assert len(failures(run(RUN001, _inv(trig), ctx(anywhere)))) == 1
    assert run(RUN001, _inv(trig), ctx(FakeChecker())) == []


def test_run001_unknown_on_unreadable_policy_or_conditional_allow() -> None:
    r = role(unreadable=("AmazonS3FullAccess",))
    inv = Inventory(functions=(fn(role=r.address),), roles=(r,), triggers=(_s3(),))
    [finding] = run(RUN001, inv, ctx(FakeChecker()))
    assert finding in unknowns([finding]) and "AmazonS3FullAccess" in finding.message
    conditional = FakeChecker(grants=(("s3:PutObject", "*"),), conditional=True)
    assert len(unknowns(run(RUN001, _inv(_s3()), ctx(conditional)))) == 1


def test_run001_recursive_loop_allow_alone_is_low() -> None:
    [finding] = run(RUN001, _inv(recursive_loop="Allow"), ctx(FakeChecker()))
    assert finding.impact == 3
    assert run(RUN001, _inv(), ctx(FakeChecker())) == []


def _tf_s3(source: str = "aws_s3_bucket.uploads") -> Trigger:
    return _s3(source, ("prefix", "incoming/"), ("event", "s3:ObjectCreated:*"))


def test_run001_references_compare_by_address_when_the_bucket_name_is_unknown() -> None:
    uploads, thumbs = Bucket("aws_s3_bucket.uploads", loc()), Bucket("aws_s3_bucket.thumbs", loc())
    read = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    other = _inv(
        _tf_s3(),
        statements=(read, _put("${aws_s3_bucket.thumbs.arn}/*")),
        buckets=(uploads, thumbs),
    )
    assert run(RUN001, other, ctx(default_checker())) == []
    same = _inv(
        _tf_s3(), statements=(_put("${aws_s3_bucket.uploads.arn}/*"),), buckets=(uploads, thumbs)
    )
    [finding] = failures(run(RUN001, same, ctx(default_checker())))
    assert "${aws_s3_bucket.uploads.arn}/incoming/" in next(
        e.value for e in finding.evidence if e.label == "role allows"
    )
    filtered = _inv(
        _tf_s3(), statements=(_put("${aws_s3_bucket.uploads.arn}/out/*"),), buckets=(uploads,)
    )
    assert run(RUN001, filtered, ctx(default_checker())) == []


def test_run001_bucket_address_resolves_to_its_name_and_unresolved_values_stay_open() -> None:
    named = Bucket("aws_s3_bucket.uploads", loc(), "up", "arn:aws:s3:::up")
    thumbs = Bucket("aws_s3_bucket.thumbs", loc(), "th", "arn:aws:s3:::th")
    writes_thumbs = _inv(_tf_s3(), statements=(_put("arn:aws:s3:::th/*"),), buckets=(named, thumbs))
    assert run(RUN001, writes_thumbs, ctx(default_checker())) == []
    writes_up = _inv(_tf_s3(), statements=(_put("arn:aws:s3:::up/*"),), buckets=(named,))
    [finding] = failures(run(RUN001, writes_up, ctx(default_checker())))
    assert "bucket up" in finding.message
    writes_var = _inv(_tf_s3(), statements=(_put("${var.out_arn}/*"),), buckets=(named,))
    [unknown] = unknowns(run(RUN001, writes_var, ctx(default_checker())))
    assert "${var.out_arn}/*, which is not known offline" in unknown.message


def test_run001_a_reference_to_another_kind_of_resource_is_not_the_bucket() -> None:
    named = Bucket("aws_s3_bucket.uploads", loc(), "up", "arn:aws:s3:::up")
    logs = LogGroup("aws_cloudwatch_log_group.fn", loc(), "/aws/lambda/fn")
    everything = {
        "Effect": "Allow",
        "Action": "*",
        "Resource": "${aws_cloudwatch_log_group.fn.arn}",
    }
    inv = _inv(_tf_s3(), statements=(everything,), buckets=(named,), log_groups=(logs,))
    assert run(RUN001, inv, ctx(default_checker())) == []
    # the same statement on a value fnguard cannot resolve leaves the answer open
    unknown = {**everything, "Resource": "${data.aws_s3_bucket.shared.arn}/*"}
    undecided = _inv(_tf_s3(), statements=(unknown,), buckets=(named,), log_groups=(logs,))
    assert len(unknowns(run(RUN001, undecided, ctx(default_checker())))) == 1
