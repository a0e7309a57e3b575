"""The real runner (`python -m devtools.localrun serve`) over HTTP with the service's own template and
authorizer: a bad key is a 401 without an authorizer error, and each tenant has its own request
quota (the usage plan's, from the TENANT_* settings), so one tenant's 429 leaves another served."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from support.local_runner import Runner, local_runner

from devtools.cli import main as orgair

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_tenant-limits-admin-key-0123456789abcdefghij"
DAILY_QUOTA = 3


@pytest.fixture(scope="module")
def served() -> Iterator[Runner]:
    quota = {"TENANT_DAILY_QUOTA": str(DAILY_QUOTA)}  # as set in the shell that runs `make run`
    with local_runner(admin_key=ADMIN_KEY, shell=quota, throttle=True) as running:
        yield running


def new_key(served: Runner, tenant: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert (
        orgair(
            ["--endpoint-url", served.dynamodb_url, "keys", "create", "--tenant", tenant, "--scopes", "admin"]
        )
        == 0
    )
    return capsys.readouterr().out.splitlines()[-1]


def detailed(served: Runner, key: str) -> httpx.Response:
    return httpx.get(
        f"{served.url}/v2/health/detailed", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )


def test_an_unknown_key_is_a_401_problem_and_no_authorizer_error(served: Runner) -> None:
    response = detailed(served, "oak_" + "Z" * 43)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    body = response.json()
    assert body["type"] == "https://api.orgair.io/problems/unauthorized"
    assert body["status"] == 401
    time.sleep(0.2)
    assert not [line for line in served.lines if "AuthorizerFunction: [ERROR]" in line]


def test_one_tenant_past_its_quota_gets_429_while_another_is_still_served(
    served: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    busy, quiet = new_key(served, "busy", capsys), new_key(served, "quiet", capsys)
    assert [detailed(served, busy).status_code for _ in range(DAILY_QUOTA)] == [200] * DAILY_QUOTA
    refused = detailed(served, busy)
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 86_400
    assert refused.json()["type"] == "https://api.orgair.io/problems/rate-limited"
    assert detailed(served, quiet).status_code == 200
