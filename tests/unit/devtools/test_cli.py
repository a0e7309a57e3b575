"""`orgair keys ...` / `orgair tenants ...` against the embedded DynamoDB (and its API Gateway and
CloudFormation), through `main()` as the console script calls it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from orgair.auth.keys import KEY_PREFIX, authenticate, hash_key, list_keys, verify_key
from support.api_keys import insert_legacy_key
from support.dynamodb_faults import closed_endpoint

from devtools.cli import main
from devtools.embedded_dynamodb import EmbeddedDynamoDB
from devtools.localrun.aws_services import aws_client
from devtools.template import Template, load_template


def run(dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--endpoint-url", dynamodb.endpoint_url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def create(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str], tenant: str = "acme"
) -> tuple[str, str]:
    """Create a key through the CLI; returns (key_id, plaintext)."""
    code, out, _ = run(
        dynamodb, capsys, "keys", "create", "--tenant", tenant, "--scopes", "scores:read,scores:write"
    )
    assert code == 0
    lines = out.splitlines()
    key_id = next(line.split()[1] for line in lines if line.startswith("key_id:"))
    return key_id, lines[-1]


def test_create_prints_id_tenant_scopes_and_then_the_key_alone_on_the_last_line(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        dynamodb,
        capsys,
        "keys",
        "create",
        "--tenant",
        "acme",
        "--scopes",
        "scores:read, scores:write",
        "--name",
        "ci",
    )
    assert code == 0
    lines = out.splitlines()
    assert "tenant:  acme" in lines
    assert "scopes:  scores:read scores:write" in lines
    key = lines[-1]
    assert key.startswith(KEY_PREFIX)
    assert key.strip() == key
    principal = authenticate(key)
    assert principal is not None
    assert f"key_id:  {principal.key_id}" in lines
    assert principal.tenant_id == "acme"
    assert principal.scopes == frozenset({"scores:read", "scores:write"})


def test_list_shows_keys_but_never_their_secrets(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    acme_id, acme_key = create(dynamodb, capsys, "acme")
    globex_id, _ = create(dynamodb, capsys, "globex")
    code, out, _ = run(dynamodb, capsys, "keys", "list")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "KEY_ID",
        "TENANT",
        "STATUS",
        "SCOPES",
        "NAME",
        "CREATED",
        "LAST_USED",
    ]
    assert acme_id in out
    assert globex_id in out
    assert acme_key not in out
    assert hash_key(acme_key) not in out


def test_list_for_one_tenant_shows_only_its_keys(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    acme_id, _ = create(dynamodb, capsys, "acme")
    globex_id, _ = create(dynamodb, capsys, "globex")
    code, out, _ = run(dynamodb, capsys, "keys", "list", "--tenant", "globex")
    assert code == 0
    assert globex_id in out
    assert acme_id not in out


def test_revoke_stops_the_key_and_list_shows_it_revoked(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    key_id, key = create(dynamodb, capsys)
    code, out, _ = run(dynamodb, capsys, "keys", "revoke", key_id)
    assert code == 0
    assert key_id in out
    assert authenticate(key) is None
    _, listing, _ = run(dynamodb, capsys, "keys", "list", "--tenant", "acme")
    [row] = [line for line in listing.splitlines() if line.startswith(key_id)]
    assert row.split()[2] == "revoked"


def test_revoke_states_how_long_the_authorizer_cache_keeps_the_key_working(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    key_id, _ = create(dynamodb, capsys)
    code, out, _ = run(dynamodb, capsys, "keys", "revoke", key_id)
    default = load_template()["Parameters"]["AuthorizerCacheSeconds"]["Default"]
    assert code == 0
    assert f"up to {default} s" in out
    assert "AuthorizerCacheSeconds" in out


def test_the_authorizer_cache_ttl_is_the_template_parameter() -> None:
    """The setting reaches the authorizer (and so the runner's cache and the CLI's warning)."""
    template = Template(load_template(), parameter_overrides={"AuthorizerCacheSeconds": "60"})
    ttls = {
        authorizer.reauthorize_every for api in template.apis() for authorizer in api.authorizers.values()
    }
    assert ttls == {60}


def test_revoking_an_unknown_id_fails_with_exit_1(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "keys", "revoke", "kid_0000000000000000")
    assert code == 1
    assert "No API key has this id" in err


def test_an_unknown_scope_is_refused_with_exit_2_and_named(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(dynamodb, capsys, "keys", "create", "--tenant", "acme", "--scopes", "scores:delete")
    assert code == 2
    assert out == ""
    assert "scores:delete" in err


@pytest.mark.network
def test_unreachable_endpoint_is_a_clear_error_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = closed_endpoint()
    code = main(["keys", "list", "--endpoint-url", endpoint])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot reach the local DynamoDB at {endpoint}" in err
    assert "make run" in err


@pytest.mark.network
def test_default_endpoint_is_the_local_runners_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_endpoint().rsplit(":", 1)[1]
    monkeypatch.setenv("DYNAMODB_PORT", port)
    assert main(["keys", "list"]) == 2
    assert f"http://127.0.0.1:{port}" in capsys.readouterr().err


def test_a_missing_table_is_named_with_exit_2(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(dynamodb, capsys, "keys", "list", "--table", "NoSuchTable")
    assert code == 2
    assert "'NoSuchTable' does not exist" in err


def test_aws_mode_without_a_region_is_refused_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    assert main(["--aws", "keys", "list"]) == 2
    assert "no AWS region" in capsys.readouterr().err


def test_aws_and_endpoint_url_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--aws", "keys", "list", "--endpoint-url", "http://127.0.0.1:1"]) == 2


# ---------------------------------------------------------------- per-tenant usage plan keys


@pytest.fixture
def usage_plan(dynamodb: EmbeddedDynamoDB, monkeypatch: pytest.MonkeyPatch) -> str:
    """A usage plan of its own in the embedded moto server (which also answers API Gateway and
    CloudFormation), with `--aws` pointed there by boto3's per-service endpoint variables."""
    for service in ("API_GATEWAY", "CLOUDFORMATION"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", dynamodb.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("TENANT_USAGE_PLAN_ID", raising=False)
    plan = apigateway(dynamodb).create_usage_plan(
        name=f"tenants-{uuid.uuid4().hex[:8]}",
        throttle={"rateLimit": 20.0, "burstLimit": 40},
        quota={"limit": 100_000, "period": "DAY"},
    )
    return str(plan["id"])


def apigateway(dynamodb: EmbeddedDynamoDB) -> Any:
    return aws_client("apigateway", dynamodb.endpoint_url)


def plan_api_keys(dynamodb: EmbeddedDynamoDB, plan_id: str) -> dict[str, str]:
    """Name -> value of every API key in the usage plan."""
    client = apigateway(dynamodb)
    member_ids = {item["id"] for item in client.get_usage_plan_keys(usagePlanId=plan_id)["items"]}
    keys = client.get_api_keys(includeValues=True, limit=500)["items"]
    return {item["name"]: item["value"] for item in keys if item["id"] in member_ids}


def aws_create(capsys: pytest.CaptureFixture[str], *args: str, tenant: str = "acme") -> tuple[int, str, str]:
    code = main(["--aws", *args, "keys", "create", "--tenant", tenant, "--scopes", "scores:read"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_aws_create_puts_one_api_key_per_tenant_in_the_usage_plan_and_never_prints_its_value(
    dynamodb: EmbeddedDynamoDB, usage_plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = [
        aws_create(capsys, "--usage-plan-id", usage_plan, tenant=tenant)
        for tenant in ("acme", "acme", "globex")
    ]
    assert [code for code, _, _ in outputs] == [0, 0, 0]
    values = plan_api_keys(dynamodb, usage_plan)
    assert set(values) == {f"orgair-{usage_plan}-acme", f"orgair-{usage_plan}-globex"}
    for (_, out, err), tenant in zip(outputs, ("acme", "acme", "globex"), strict=True):
        value = values[f"orgair-{usage_plan}-{tenant}"]
        record = verify_key(out.splitlines()[-1])
        assert record is not None
        assert record.usage_key is not None
        assert record.usage_key.get_secret_value() == value
        assert value not in out
        assert value not in err
        assert f"usage plan {usage_plan}" in out


def test_aws_create_reads_the_usage_plan_from_the_stacks_output(
    dynamodb: EmbeddedDynamoDB, usage_plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = f"orgair-{uuid.uuid4().hex[:8]}"
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TenantUsagePlanId": {"Value": usage_plan}},
    }
    aws_client("cloudformation", dynamodb.endpoint_url).create_stack(
        StackName=stack, TemplateBody=json.dumps(template)
    )
    code, _, err = aws_create(capsys, "--stack", stack)
    assert code == 0, err
    assert set(plan_api_keys(dynamodb, usage_plan)) == {f"orgair-{usage_plan}-acme"}


def test_aws_create_without_a_usage_plan_is_refused_with_exit_2_and_creates_nothing(
    dynamodb: EmbeddedDynamoDB, usage_plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = aws_create(capsys)
    assert code == 2
    assert "--stack" in err
    assert "TENANT_USAGE_PLAN_ID" in err
    assert list_keys("acme") == []


def test_aws_create_with_an_unknown_usage_plan_is_refused_and_stores_no_key(
    dynamodb: EmbeddedDynamoDB, usage_plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = aws_create(capsys, "--usage-plan-id", "nosuchplan")
    assert code == 2
    assert "usage plan" in err
    assert list_keys("acme") == []


def test_provision_gives_keys_made_before_usage_plans_their_tenants_api_key_once(
    dynamodb: EmbeddedDynamoDB, usage_plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plaintext = "oak_" + "L" * 43
    insert_legacy_key(plaintext)
    before = verify_key(plaintext)
    assert before is not None
    assert before.usage_key is None
    assert main(["--aws", "--usage-plan-id", usage_plan, "tenants", "provision"]) == 0
    assert "tenant acme: 1 key(s)" in capsys.readouterr().out
    after = verify_key(plaintext)
    assert after is not None
    assert after.usage_key is not None
    assert plan_api_keys(dynamodb, usage_plan) == {
        f"orgair-{usage_plan}-acme": after.usage_key.get_secret_value()
    }
    assert main(["--aws", "--usage-plan-id", usage_plan, "tenants", "provision", "--tenant", "acme"]) == 0
    assert "tenant acme: 0 key(s)" in capsys.readouterr().out
    assert len(plan_api_keys(dynamodb, usage_plan)) == 1


def test_local_create_gives_a_tenants_keys_one_usage_key_and_other_tenants_another(
    dynamodb: EmbeddedDynamoDB, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = [create(dynamodb, capsys, tenant)[1] for tenant in ("acme", "acme", "globex")]
    records = [verify_key(key) for key in keys]
    usage_keys = [record.usage_key if record else None for record in records]
    assert None not in usage_keys
    assert usage_keys[0] == usage_keys[1]
    assert usage_keys[0] != usage_keys[2]
