"""The security properties of template.yaml: least-privilege IAM (no wildcard action, each function
naming only its own tables and secrets), encryption at rest and point-in-time recovery on every
table, encrypted TLS-only topics, stage throttling derived from RateLimitPerMinute, problem+json
gateway responses (an authorizer failure is a 503 to retry), and a reason for every scan suppression.

`make validate` runs cfn-lint and Checkov on the same template; these tests pin what they do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

import pytest
import yaml
from orgair.dal.job_notes import EXPIRES_AT

from devtools.template import ROOT, load_template

RAW: Final[dict[str, Any]] = load_template()
RESOURCES: Final[dict[str, dict[str, Any]]] = RAW["Resources"]
TABLES: Final = sorted(name for name, res in RESOURCES.items() if res["Type"] == "AWS::DynamoDB::Table")
TOPICS: Final = sorted(name for name, res in RESOURCES.items() if res["Type"] == "AWS::SNS::Topic")
FUNCTIONS: Final = sorted(
    name for name, res in RESOURCES.items() if res["Type"] == "AWS::Serverless::Function"
)
STAGE_SETTINGS: Final = {
    "v1": RESOURCES["Api"]["Properties"],
    "v2": RESOURCES["ApiV2Stage"]["Properties"],
}


def unwrap_if(item: Any) -> Iterator[Any]:
    """Both branches of `Fn::If` (a conditional statement counts as granted), minus AWS::NoValue."""
    if isinstance(item, dict) and set(item) == {"Fn::If"}:
        _, when_true, when_false = item["Fn::If"]
        for branch in (when_true, when_false):
            yield from unwrap_if(branch)
    elif item != {"Ref": "AWS::NoValue"}:
        yield item


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def function_statements(name: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in RESOURCES[name]["Properties"].get("Policies", []) or []:
        only_inline = (
            f"{name}: only inline statements, no managed policies or SAM policy templates ({policy!r})"
        )
        assert isinstance(policy, dict), only_inline
        assert "Statement" in policy, only_inline
        for statement in policy["Statement"]:
            statements.extend(unwrap_if(statement))
    return statements


def identity_statements() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every statement that grants our own code or roles something (identity policies)."""
    for name in FUNCTIONS:
        for statement in function_statements(name):
            yield name, statement
    for name, resource in RESOURCES.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in properties.get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield name, statement
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in properties["PolicyDocument"]["Statement"]:
                yield name, statement


def resource_policy_statements() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in RESOURCES.items():
        if resource["Type"] in ("AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy"):
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                yield name, statement


# ---------------------------------------------------------------------- IAM


def test_no_iam_statement_has_a_wildcard_action() -> None:
    wildcards = [
        f"{owner}: {action}"
        for owner, statement in [*identity_statements(), *resource_policy_statements()]
        for action in as_list(statement.get("Action", []))
        if "*" in str(action)
    ]
    assert wildcards == []
    assert all("NotAction" not in statement for _, statement in identity_statements())


def test_no_function_statement_applies_to_every_resource() -> None:
    unbounded = [
        f"{owner} {statement.get('Sid')}"
        for owner, statement in identity_statements()
        if "*" in as_list(statement.get("Resource", []))
    ]
    assert unbounded == []


def test_key_policies_grant_everything_only_to_the_account_itself() -> None:
    """The one `kms:*` allowed: the key's own account administers it (AWS's default key policy)."""
    for name, resource in RESOURCES.items():
        if resource["Type"] != "AWS::KMS::Key":
            continue
        for statement in resource["Properties"]["KeyPolicy"]["Statement"]:
            if "kms:*" in as_list(statement["Action"]):
                principal = statement["Principal"]["AWS"]
                assert "Fn::Sub" in principal, name
                assert principal["Fn::Sub"].endswith(":iam::${AWS::AccountId}:root"), name


def table_of(resource: Any) -> str | None:
    """The table a DynamoDB statement resource names: `!GetAtt T.Arn` or `!Sub ${T.Arn}/index/...`."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        target, attribute = resource["Fn::GetAtt"]
        return str(target) if attribute == "Arn" else None
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        text = resource["Fn::Sub"] if isinstance(resource["Fn::Sub"], str) else resource["Fn::Sub"][0]
        match = re.fullmatch(r"\$\{(\w+)\.Arn\}/index/\w+", text)
        return match.group(1) if match else None
    return None


@pytest.mark.parametrize("function", FUNCTIONS)
def test_dynamodb_statements_name_only_tables_of_this_template(function: str) -> None:
    for statement in function_statements(function):
        if not any(str(action).startswith("dynamodb:") for action in as_list(statement["Action"])):
            continue
        for resource in as_list(statement["Resource"]):
            assert table_of(resource) in TABLES, f"{function} {statement.get('Sid')}: {resource!r}"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_secrets_are_readable_only_by_name_and_through_ssm(function: str) -> None:
    for statement in function_statements(function):
        actions = as_list(statement["Action"])
        if "ssm:GetParameter" in actions:
            [resource] = as_list(statement["Resource"])
            assert re.search(r":parameter\$\{\w+Parameter\}$", resource["Fn::Sub"]), statement.get("Sid")
        if "kms:Decrypt" in actions:
            assert "kms:ViaService" in statement["Condition"]["StringEquals"], statement.get("Sid")


def test_functions_that_need_no_aws_service_get_no_policy() -> None:
    for name in ("SimulateFunction", "OpenApiFunction"):
        assert function_statements(name) == [], name


# ---------------------------------------------------------------------- encryption and recovery


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_encrypted_at_rest_and_point_in_time_recoverable(table: str) -> None:
    properties = RESOURCES[table]["Properties"]
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_the_jobs_table_expires_idempotency_key_records_by_the_attribute_the_repository_writes() -> None:
    ttl = RESOURCES["JobsTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": EXPIRES_AT, "Enabled": True}


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_is_encrypted_and_refuses_plain_http(topic: str) -> None:
    assert RESOURCES[topic]["Properties"].get("KmsMasterKeyId"), topic
    denials = [
        statement
        for resource in RESOURCES.values()
        if resource["Type"] == "AWS::SNS::TopicPolicy" and {"Ref": topic} in resource["Properties"]["Topics"]
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny"
        and statement["Principal"] == "*"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
    ]
    assert denials, f"{topic}: no policy denies aws:SecureTransport false"
    assert all("sns:Publish" in as_list(statement["Action"]) for statement in denials)


BUCKETS: Final = sorted(name for name, res in RESOURCES.items() if res["Type"] == "AWS::S3::Bucket")


def bucket_denials(bucket: str) -> list[dict[str, Any]]:
    return [
        statement
        for resource in RESOURCES.values()
        if resource["Type"] == "AWS::S3::BucketPolicy" and resource["Properties"]["Bucket"] == {"Ref": bucket}
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny" and statement["Principal"] == "*"
    ]


@pytest.mark.parametrize("bucket", BUCKETS)
def test_every_bucket_is_private_encrypted_versioned_expiring_and_refuses_plain_http(bucket: str) -> None:
    properties = RESOURCES[bucket]["Properties"]
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(
        rule.get("NoncurrentVersionExpiration") for rule in properties["LifecycleConfiguration"]["Rules"]
    )
    plain_http = [
        statement
        for statement in bucket_denials(bucket)
        if statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
    ]
    assert plain_http, f"{bucket}: no policy denies aws:SecureTransport false"
    assert all({"s3:GetObject", "s3:PutObject"} <= set(as_list(s["Action"])) for s in plain_http)


def test_evidence_expires_and_every_upload_must_be_encrypted_with_kms() -> None:
    (rule,) = RESOURCES["EvidenceBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert 0 < rule["ExpirationInDays"] <= 400
    unencrypted = [
        statement
        for statement in bucket_denials("EvidenceBucket")
        if statement["Action"] == "s3:PutObject"
        and statement.get("Condition", {}).get("StringNotEquals", {}).get("s3:x-amz-server-side-encryption")
        == "aws:kms"
    ]
    assert unencrypted, "EvidenceBucket: no policy denies an upload without SSE-KMS"


def test_only_the_assessment_functions_reach_evidence_and_only_its_objects() -> None:
    """The API function and the jobs worker keep inline text and read uploads; the jobs API only
    checks (HeadObject, which needs s3:GetObject) that a referenced document was uploaded."""
    reaching = {
        function: statement
        for function in FUNCTIONS
        for statement in function_statements(function)
        if "EvidenceBucket" in json.dumps(statement.get("Resource"))
    }
    assert set(reaching) == {"AssessmentsFunction", "AssessmentWorkerFunction", "JobsFunction"}
    expected = {
        "AssessmentsFunction": ["s3:GetObject", "s3:PutObject"],
        "AssessmentWorkerFunction": ["s3:GetObject", "s3:PutObject"],
        "JobsFunction": ["s3:GetObject"],
    }
    for function, actions in expected.items():
        statement = reaching[function]
        assert sorted(as_list(statement["Action"])) == actions, function
        assert statement["Resource"] == {"Fn::Sub": "${EvidenceBucket.Arn}/evidence/*"}, function


def test_only_the_functions_that_end_jobs_announce_them_on_the_default_bus_and_the_jobs_topic() -> None:
    """The worker ends the jobs whose last company it did; JobsFunction ends a job the queue did
    not take whole or one cancelled with nothing left to do: both announce it, and the budget check
    retries the announcements JobsFunction could not make; nobody else may."""
    default_bus = {
        "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"
    }
    jobs_topic = [
        (function, statement)
        for function in FUNCTIONS
        for statement in function_statements(function)
        if "JobsTopic" in json.dumps(statement.get("Resource"))
    ]
    enders = {"AssessmentWorkerFunction", "JobsFunction", "BudgetCheckFunction"}

    assert {function for function, _ in jobs_topic} == enders
    assert all(as_list(statement["Action"]) == ["sns:Publish"] for _, statement in jobs_topic)
    assert all(statement["Resource"] == {"Ref": "JobsTopic"} for _, statement in jobs_topic)
    for function in enders:
        events = [
            statement
            for statement in function_statements(function)
            if "events:PutEvents" in as_list(statement["Action"])
        ]
        assert [statement["Resource"] for statement in events] == [default_bus], function
        variables = RESOURCES[function]["Properties"]["Environment"]["Variables"]
        assert variables["JOBS_TOPIC_ARN"] == {"Ref": "JobsTopic"}, function
        assert variables["ALERT_EVENT_BUS_NAME"] == "default", function


@pytest.mark.parametrize("table", TABLES)
def test_every_table_reaches_the_functions_by_its_deployed_name(table: str) -> None:
    """A table has no fixed name (CloudFormation makes one per stack): every function must get it
    from Globals, else settings' default (the logical id) names a table that does not exist."""
    variables = RAW["Globals"]["Function"]["Environment"]["Variables"]
    assert {"Ref": table} in variables.values(), f"Globals gives no function the name of {table}"
    assert "TableName" not in RESOURCES[table]["Properties"]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_has_its_own_log_group_with_a_retention(function: str) -> None:
    groups = [
        resource["Properties"]
        for resource in RESOURCES.values()
        if resource["Type"] == "AWS::Logs::LogGroup"
        and resource["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    ]
    assert len(groups) == 1, function
    assert groups[0]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


# ---------------------------------------------------------------------- abuse limits


def test_rate_limit_per_minute_is_a_parameter_every_function_receives() -> None:
    parameter = RAW["Parameters"]["RateLimitPerMinute"]
    assert parameter["Type"] == "Number"
    assert str(parameter["Default"]) in {str(value) for value in parameter["AllowedValues"]}
    variables = RAW["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["RATE_LIMIT_PER_MINUTE"] == {"Ref": "RateLimitPerMinute"}


def test_every_allowed_rate_limit_has_its_throttling_rate_and_burst() -> None:
    mapping = RAW["Mappings"]["RateLimits"]
    for value in RAW["Parameters"]["RateLimitPerMinute"]["AllowedValues"]:
        entry = mapping[str(value)]
        assert Decimal(entry["PerSecond"]) == Decimal(value) / 60, value
        assert entry["Burst"] >= max(10, 2 * entry["PerSecond"]), value


@pytest.mark.parametrize("stage", sorted(STAGE_SETTINGS))
def test_each_stage_throttles_every_method_by_rate_limit_per_minute(stage: str) -> None:
    [setting] = [
        entry
        for entry in STAGE_SETTINGS[stage]["MethodSettings"]
        if (entry["ResourcePath"], entry["HttpMethod"]) == ("/*", "*")
    ]
    assert setting["ThrottlingRateLimit"] == {
        "Fn::FindInMap": ["RateLimits", {"Ref": "RateLimitPerMinute"}, "PerSecond"]
    }
    assert setting["ThrottlingBurstLimit"] == {
        "Fn::FindInMap": ["RateLimits", {"Ref": "RateLimitPerMinute"}, "Burst"]
    }


# ---------------------------------------------------------------------- gateway responses


GATEWAY_RESPONSES: Final[dict[str, Any]] = RESOURCES["Api"]["Properties"]["GatewayResponses"]


@pytest.mark.parametrize("kind", sorted(GATEWAY_RESPONSES))
def test_every_gateway_response_is_a_problem_with_a_correlation_id(kind: str) -> None:
    response = GATEWAY_RESPONSES[kind]
    headers = response["ResponseParameters"]["Headers"]
    assert headers["Content-Type"] == "'application/problem+json'"
    assert headers["X-Correlation-ID"] == "context.requestId"
    body = response["ResponseTemplates"]["application/json"]
    for member in ("type", "title", "status", "detail", "instance", "correlation_id"):
        assert f'"{member}":' in body, (kind, member)
    if "StatusCode" in response:
        assert f'"status": {response["StatusCode"]}' in body, kind


@pytest.mark.parametrize("kind", ["AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR"])
def test_an_authorizer_that_cannot_check_the_key_is_a_503_to_retry_never_a_401(kind: str) -> None:
    response = GATEWAY_RESPONSES[kind]
    assert response["StatusCode"] == "503"
    assert int(response["ResponseParameters"]["Headers"]["Retry-After"].strip("'")) > 0
    assert "/problems/dependency-unavailable" in response["ResponseTemplates"]["application/json"]


def test_throttled_answers_say_when_to_retry() -> None:
    assert GATEWAY_RESPONSES["THROTTLED"]["StatusCode"] == "429"
    assert GATEWAY_RESPONSES["THROTTLED"]["ResponseParameters"]["Headers"]["Retry-After"]


# ---------------------------------------------------------------------- scan suppressions


def test_every_checkov_suppression_gives_its_reason() -> None:
    """`.checkov.yaml` skips each follow a comment; inline `checkov:skip=ID:reason` carry a reason."""
    config_path = ROOT / ".checkov.yaml"
    lines = config_path.read_text(encoding="utf-8").splitlines()
    skipped = yaml.safe_load("\n".join(lines)).get("skip-check", [])
    for check in skipped:
        [index] = [i for i, line in enumerate(lines) if line.strip() == f"- {check}"]
        block_start = index
        while lines[block_start - 1].strip().startswith("- CKV"):
            block_start -= 1
        assert lines[block_start - 1].strip().startswith("#"), f"{check}: no reason above it"
    template_text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    for match in re.finditer(r"checkov:skip=(CKV2?_\w+)(:?)([^\n]*)", template_text):
        assert match.group(2) == ":", f"{match.group(1)}: give the reason"
        assert len(match.group(3).strip()) >= 10, f"{match.group(1)}: give the reason"


def test_the_local_runner_answers_an_authorizer_failure_with_this_templates_503() -> None:
    """What `make run` shows when the key store is down is what API Gateway will answer."""
    from devtools.localrun.events import HttpRequest
    from devtools.localrun.gateway import GatewayContext, GatewayResponses
    from devtools.template import Template

    [api] = Template(RAW).apis()
    request = HttpRequest(method="GET", path="/v2/scores/x")

    response = GatewayResponses(api.gateway_responses).render(
        "AUTHORIZER_FAILURE", GatewayContext(request=request, request_id="req-1", stage="v2")
    )

    assert response.status == 503
    assert response.header("Content-Type") == "application/problem+json"
    assert response.header("Retry-After") == "5"
    body = json.loads(response.body)
    assert (body["status"], body["instance"], body["correlation_id"]) == (503, "/v2/scores/x", "req-1")
