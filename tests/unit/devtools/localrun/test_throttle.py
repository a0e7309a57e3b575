"""Per-tenant request limits in the runner, as API Gateway applies a usage plan whose API keys the
authorizer names (ApiKeySourceType AUTHORIZER)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from devtools.localrun.api import LocalApi
from devtools.localrun.events import HttpRequest
from devtools.localrun.functions import FunctionRegistry
from devtools.localrun.throttle import TenantLimits, TenantThrottle, requires_usage_key
from devtools.template import TEMPLATE_PATH, Template, load_template

MakeRequest = Callable[..., HttpRequest]


def metered_template(text: str) -> str:
    """The fixture project's API, metered per tenant as template.yaml's is."""
    return text.replace(
        "      StageName: v1\n", "      StageName: v1\n      ApiKeySourceType: AUTHORIZER\n"
    ).replace(
        "        DefaultAuthorizer: KeyAuthorizer\n",
        "        DefaultAuthorizer: KeyAuthorizer\n        ApiKeyRequired: true\n",
    )


# Tenants by token; "nokey" is allowed but names no usage key.
TENANT_AUTHORIZER = """
def lambda_handler(event, context):
    token = (event.get("headers") or {}).get("Authorization", "").removeprefix("Bearer ")
    api, stage = event["methodArn"].split(":")[5].split("/")[:2]
    resource = event["methodArn"].rsplit(":", 1)[0] + f":{api}/{stage}/*/*"
    answer = {
        "principalId": token,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow" if token != "bad" else "Deny", "Resource": resource}]},
        "context": {"tenant_id": token},
    }
    if token not in ("nokey", "bad"):
        answer["usageIdentifierKey"] = "usage-key-of-" + token
    return answer
"""


@pytest.fixture
def metered(project: Path) -> Iterator[tuple[Template, FunctionRegistry]]:
    project.write_text(metered_template(project.read_text()))
    (project.parent / "functions" / "auth" / "app.py").write_text(TENANT_AUTHORIZER)
    template = Template(load_template(project), base_dir=project.parent)
    registry = FunctionRegistry(template.functions())
    yield template, registry
    registry.close()


def metered_api(
    metered: tuple[Template, FunctionRegistry], limits: TenantLimits, *, throttle: bool = True
) -> LocalApi:
    template, registry = metered
    return LocalApi(template, registry, throttle=throttle, tenant_limits=limits, log=lambda _: None)


def get(api: LocalApi, make_request: MakeRequest, token: str, path: str = "/v1/companies/c-1/scores") -> Any:
    return api.handle(make_request("GET", path, headers={"Authorization": f"Bearer {token}"}))


def test_one_tenant_over_its_burst_gets_429_problem_with_retry_after_while_another_is_served(
    metered: tuple[Template, FunctionRegistry], make_request: MakeRequest
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=0.01, burst=2, daily_quota=1000))
    assert [get(api, make_request, "acme").status for _ in range(2)] == [200, 200]
    refused = get(api, make_request, "acme")
    assert refused.status == 429
    assert refused.header("Content-Type") == "application/problem+json"
    assert int(refused.header("Retry-After") or "0") >= 1
    assert json.loads(refused.body)["status"] == 429
    assert get(api, make_request, "globex").status == 200
    # Both stages count against the tenant's one plan key, as one usage plan over v1 and v2 does.
    assert get(api, make_request, "acme", "/v2/companies/c-1/scores").status == 429


def test_a_tenant_past_its_daily_quota_gets_429_until_midnight_utc(
    metered: tuple[Template, FunctionRegistry], make_request: MakeRequest
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=1000, burst=1000, daily_quota=3))
    assert [get(api, make_request, "acme").status for _ in range(3)] == [200, 200, 200]
    refused = get(api, make_request, "acme")
    assert refused.status == 429
    assert 1 <= int(refused.header("Retry-After") or "0") <= 86_400
    assert get(api, make_request, "globex").status == 200


def test_an_allowed_answer_without_a_usage_key_is_403_and_never_reaches_the_function(
    metered: tuple[Template, FunctionRegistry],
    make_request: MakeRequest,
    loaded: Callable[[str], Any],
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=1000, burst=1000, daily_quota=1000))
    assert get(api, make_request, "acme").status == 200
    calls = len(loaded("EchoFunction").CALLS)
    assert get(api, make_request, "nokey").status == 403
    assert len(loaded("EchoFunction").CALLS) == calls


def test_a_deny_answer_is_access_denied_not_an_authorizer_failure(
    metered: tuple[Template, FunctionRegistry], make_request: MakeRequest
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=1000, burst=1000, daily_quota=1000))
    # The fixture template defines no ACCESS_DENIED response: API Gateway's own 403.
    assert get(api, make_request, "bad").status == 403


def test_the_usage_key_never_reaches_the_functions_context(
    metered: tuple[Template, FunctionRegistry], make_request: MakeRequest
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=1000, burst=1000, daily_quota=1000))
    response = get(api, make_request, "acme")
    assert response.status == 200
    assert "usage-key-of-acme" not in response.body.decode()


def test_no_throttle_turns_tenant_limits_off_but_still_requires_a_usage_key(
    metered: tuple[Template, FunctionRegistry], make_request: MakeRequest
) -> None:
    api = metered_api(metered, TenantLimits(rate_per_second=0.01, burst=1, daily_quota=1), throttle=False)
    assert [get(api, make_request, "acme").status for _ in range(3)] == [200, 200, 200]
    assert get(api, make_request, "nokey").status == 403


def test_an_api_without_authorizer_key_source_is_not_metered(
    api: LocalApi, make_request: MakeRequest
) -> None:
    assert [get(api, make_request, "allow").status for _ in range(3)] == [200, 200, 200]


def test_bucket_refills_at_the_rate_and_says_when_to_retry() -> None:
    now = [100.0]
    throttle = TenantThrottle(
        TenantLimits(rate_per_second=0.5, burst=1, daily_quota=100),
        clock=lambda: now[0],
        wall_clock=lambda: datetime(2026, 1, 1, 12, tzinfo=UTC),
    )
    assert throttle.admit("k") is None
    refusal = throttle.admit("k")
    assert refusal is not None
    assert (refusal.kind, refusal.retry_after_seconds) == ("THROTTLED", 2)
    now[0] += 2.0
    assert throttle.admit("k") is None


def test_quota_resets_on_the_next_utc_day() -> None:
    day = [datetime(2026, 1, 1, 23, 59, 30, tzinfo=UTC)]
    throttle = TenantThrottle(
        TenantLimits(rate_per_second=1000, burst=1000, daily_quota=1), wall_clock=lambda: day[0]
    )
    assert throttle.admit("k") is None
    refusal = throttle.admit("k")
    assert refusal is not None
    assert (refusal.kind, refusal.retry_after_seconds) == ("QUOTA_EXCEEDED", 30)
    day[0] = datetime(2026, 1, 2, 0, 0, 1, tzinfo=UTC)
    assert throttle.admit("k") is None


def test_the_services_api_takes_its_usage_keys_from_the_authorizer() -> None:
    template = Template(load_template(TEMPLATE_PATH))
    assert requires_usage_key(template, "Api")


def test_settings_defaults_are_the_usage_plans_parameter_defaults() -> None:
    """The runner's limits (settings) and the deployed usage plan (parameters) start out equal."""
    from orgair.settings import Settings

    parameters = load_template(TEMPLATE_PATH)["Parameters"]
    fields = Settings.model_fields
    assert fields["TENANT_RATE_LIMIT_PER_SECOND"].default == parameters["TenantRateLimit"]["Default"]
    assert fields["TENANT_BURST_LIMIT"].default == parameters["TenantBurstLimit"]["Default"]
    assert fields["TENANT_DAILY_QUOTA"].default == parameters["TenantDailyQuota"]["Default"]
    plan = load_template(TEMPLATE_PATH)["Resources"]["TenantUsagePlan"]["Properties"]
    assert plan["Throttle"] == {
        "RateLimit": {"Ref": "TenantRateLimit"},
        "BurstLimit": {"Ref": "TenantBurstLimit"},
    }
    assert plan["Quota"] == {"Limit": {"Ref": "TenantDailyQuota"}, "Period": "DAY"}
