from fnguard.model import Location, Permission


def test_url_only_permission_carries_its_condition() -> None:
    perm = Permission("p", "f", Location("t.yaml", 1), principal="*", invoked_via_function_url=True)
    assert perm.as_statement()["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_plain_public_permission_has_no_condition() -> None:
    stmt = Permission("p", "f", Location("t.yaml", 1), principal="*").as_statement()
    assert "Condition" not in stmt
    assert stmt["Principal"] == "*"


def test_service_principal_with_source_scoping() -> None:
    stmt = Permission(
        "p",
        "f",
        Location("main.tf", 3),
        principal="s3.amazonaws.com",
        source_arn="arn:aws:s3:::b",
        source_account="123456789012",
    ).as_statement()
    assert stmt["Principal"] == {"Service": "s3.amazonaws.com"}
    assert stmt["Condition"] == {
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},
        "StringEquals": {"AWS:SourceAccount": "123456789012"},
    }
