"""Cost governance over real HTTP through the local runner: concurrent and retried usage reports are
recorded exactly once, concurrent assessments never commit more than the daily budget, one tenant's
reports, its own assessments beyond its share of the global budget or a provider's absurd usage
figures never lock another tenant out, and a refusal of the shared budget shows none of its figures."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from orgair.auth.keys import register_key
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage, price_table
from orgair.dal.api_keys import ApiKeyTable
from support.local_runner import FakeProvider, Runner, client_as, fake_openai, local_runner

from devtools.localrun.aws_services import aws_client

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_costs-integration-key-0123456789abcdefghijkl"
OTHER_TENANT_KEY = "oak_costs-integration-beta-0123456789abcdefghijk"
OTHER_TENANT = "beta"
MODEL = "gpt-4o-2024-08-06"
EVIDENCE = "The company runs a governed data platform and has an AI council chaired by the CFO. " * 5


def collect(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    """Every item of a paginated listing."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_concurrent_and_retried_usage_reports_are_each_recorded_once(client: httpx.Client) -> None:
    reports: dict[str, dict[str, Any]] = {
        f"report-{index:03d}": {
            "provider": "openai",
            "model": MODEL,
            "input_tokens": 1000 + index,
            "output_tokens": 100 + 3 * index,
        }
        for index in range(200)
    }
    sends = list(reports.items()) + [(key, reports[key]) for key in list(reports)[::4]]
    assert len(sends) == 250
    random.Random(20261123).shuffle(sends)

    def send(item: tuple[str, dict[str, Any]]) -> int:
        key, body = item
        return client.post("/v2/costs", json=body, headers={"Idempotency-Key": key}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(send, sends))

    assert statuses == [201] * len(sends)  # a replay answers the original 201 too
    price = price_table().price(MODEL)
    expected = sum(
        price.cost_micros(Usage(input_tokens=body["input_tokens"], output_tokens=body["output_tokens"]))
        for body in reports.values()
    )
    response = client.get("/v2/costs/summary")
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["settled"] == format_usd(expected)
    assert summary["committed"] == format_usd(expected)
    assert summary["held"] == "0.000000"
    entries = collect(client, "/v2/costs/entries")
    assert len(entries) == 200
    assert len({entry["call_id"] for entry in entries}) == 200
    assert sum(Decimal(entry["cost"]) for entry in entries) == Decimal(format_usd(expected))


@contextmanager
def runner_on(
    provider: FakeProvider, directory: Path, settings: dict[str, str], *, second_tenant: bool = True
) -> Iterator[Runner]:
    """The runner with `settings`, calling `provider` as OpenAI; with `second_tenant`, tenant B
    (OTHER_TENANT_KEY) exists too."""
    env_vars = {**settings, "OPENAI_API_KEY": "sk-integration-test-key-0000", "OPENAI_BASE_URL": provider.url}
    with local_runner(admin_key=ADMIN_KEY, env_vars=env_vars, directory=directory) as running:
        if second_tenant:
            add_tenant(running)
        yield running


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    # Each call reports 16,000 output tokens: about $0.16, so a $1.00 day admits six of them.
    with fake_openai(prompt_tokens=400, completion_tokens=16_000) as fake:
        yield fake


@pytest.fixture(scope="module")
def budget_runner(provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    settings = {
        "DAILY_COST_BUDGET_USD": "1.00",
        # One tenant drives the global scope here; its share of the global budget is all of it.
        "TENANT_GLOBAL_SHARE_PCT": "1",
        "LLM_MAX_OUTPUT_TOKENS": "16384",
    }
    with runner_on(provider, tmp_path_factory.mktemp("budget"), settings, second_tenant=False) as running:
        yield running


def test_forty_concurrent_assessments_never_commit_more_than_one_dollar(
    budget_runner: Runner, provider: FakeProvider
) -> None:
    def assess(index: int) -> httpx.Response:
        return assess_as(budget_runner, ADMIN_KEY, f"portco-{index:02d}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(assess, range(40)))

    stored = [response for response in responses if response.status_code == 201]
    refused = [response for response in responses if response.status_code == 429]
    assert len(stored) + len(refused) == 40, [r.text for r in responses if r.status_code not in (201, 429)]
    assert stored, "the budget admits some assessments"
    assert refused, "the budget refuses the rest"
    for response in refused:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert int(response.headers["Retry-After"]) > 0
        problem = response.json()
        assert problem["type"].endswith("/problems/budget-exceeded")
        assert problem["scope"] == "global"
        assert "committed" not in problem, "the shared budget's committed amount is no tenant's business"
    assert provider.calls == len(stored)
    with client_as(budget_runner, ADMIN_KEY) as client:
        summary = client.get("/v2/costs/summary").json()
        entries = collect(client, "/v2/costs/entries")
    assert Decimal(summary["committed"]) <= Decimal("1.00")
    assert summary["held"] == "0.000000"
    assert len(entries) == len(stored)
    assert sum(Decimal(entry["cost"]) for entry in entries) == Decimal(summary["settled"])


def add_tenant(runner: Runner, key: str = OTHER_TENANT_KEY, tenant: str = OTHER_TENANT) -> None:
    """A second tenant's key, provisioned in the runner's key table as the `orgair` CLI would."""
    client = aws_client("dynamodb", runner.dynamodb_url)
    register_key(
        key,
        tenant_id=tenant,
        scopes=frozenset({"assessments:write", "costs:read", "costs:write"}),
        name=f"{tenant} integration",
        table=ApiKeyTable(client, "ApiKeysTable"),
    )


def assess_as(runner: Runner, key: str, company: str) -> httpx.Response:
    body = {"company_id": company, "sector": "technology", "evidence": EVIDENCE}
    return httpx.post(
        f"{runner.url}/v2/assessments", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )


@pytest.fixture(scope="module")
def fair_provider() -> Iterator[FakeProvider]:
    with fake_openai(prompt_tokens=400, completion_tokens=300) as fake:
        yield fake


@pytest.fixture(scope="module")
def fair_runner(fair_provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    settings = {
        "DAILY_COST_BUDGET_USD": "1.00",
        "MAX_REQUEST_COST_USD": "1.00",
        "EXTERNAL_USAGE_DAILY_LIMIT_USD": "1.00",
    }
    with runner_on(fair_provider, tmp_path_factory.mktemp("fair"), settings) as running:
        yield running


def test_tenant_a_reporting_any_usage_never_makes_tenant_b_refused_for_the_global_scope(
    fair_runner: Runner,
) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with httpx.Client(base_url=fair_runner.url, timeout=60, headers=headers) as tenant_a:
        huge = tenant_a.post(
            "/v2/costs",
            json={
                "provider": "openai",
                "model": MODEL,
                "input_tokens": 100_000_000,
                "output_tokens": 100_000_000,
            },
            headers={"Idempotency-Key": "huge"},
        )
        statuses = [
            tenant_a.post(
                "/v2/costs",
                json={"provider": "openai", "model": MODEL, "input_tokens": 0, "output_tokens": 99_000},
                headers={"Idempotency-Key": f"max-{index}"},
            )
            for index in range(5)
        ]
        own = tenant_a.get("/v2/costs/summary").json()

    assert huge.status_code == 422, huge.text
    assert huge.json()["type"].endswith("/problems/validation-error")
    assert [response.status_code for response in statuses] == [201, 429, 429, 429, 429]
    refused = statuses[1].json()
    assert refused["scope"] == "external:local"
    assert refused["limit"] == "1.000000"
    assert refused["committed"] == "0.990000"
    assert int(statuses[1].headers["Retry-After"]) > 0
    assert own["settled"] == "0.990000", "the report counts against the reporting tenant's own budget"

    answers = [assess_as(fair_runner, OTHER_TENANT_KEY, f"beta-{index}") for index in range(3)]

    assert [answer.status_code for answer in answers] == [201, 201, 201], [a.text for a in answers]


def test_a_reply_claiming_10_40_tokens_is_settled_at_the_reservation_and_flagged(
    fair_runner: Runner, fair_provider: FakeProvider
) -> None:
    fair_provider.completion_tokens = 10**40
    try:
        absurd = assess_as(fair_runner, ADMIN_KEY, "absurd-usage")
    finally:
        fair_provider.completion_tokens = 300
    other = assess_as(fair_runner, OTHER_TENANT_KEY, "beta-after-absurd")

    assert absurd.status_code == 201, absurd.text
    assert other.status_code == 201, other.text
    with client_as(fair_runner, ADMIN_KEY) as tenant_a:
        entries = collect(tenant_a, "/v2/costs/entries")
    (flagged,) = [entry for entry in entries if entry["anomalous"]]
    assert flagged["source"] == "gateway"
    assert flagged["status"] == "settled"
    reserved = flagged["cost_micro_usd"]
    full_output = price_table().price(MODEL).cost_micros(Usage(output_tokens=1_500))
    assert full_output < reserved < 100_000, "settled at the reservation (prompt bound + max_tokens)"
    assert flagged["output_tokens"] == 10**12, "the claimed count is kept as evidence, capped"
    assert all(not entry["anomalous"] for entry in entries if entry is not flagged)


@pytest.fixture(scope="module")
def tight_provider() -> Iterator[FakeProvider]:
    # Each call reports the full 1,500 output tokens: about $0.016, so a $0.05 day admits a few.
    with fake_openai(prompt_tokens=400, completion_tokens=1_500) as fake:
        yield fake


@pytest.fixture(scope="module")
def tight_runner(tight_provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    settings = {
        "DAILY_COST_BUDGET_USD": "0.05",
        # Tenant A alone uses up the shared budget here; its share of it is all of it.
        "TENANT_GLOBAL_SHARE_PCT": "1",
    }
    with runner_on(tight_provider, tmp_path_factory.mktemp("tight"), settings) as running:
        yield running


def test_a_global_refusal_shows_no_figures_of_the_shared_budget(tight_runner: Runner) -> None:
    spent = [assess_as(tight_runner, ADMIN_KEY, f"local-{index}") for index in range(8)]
    assert 429 in [response.status_code for response in spent], "tenant A used up the shared budget"

    refused = assess_as(tight_runner, OTHER_TENANT_KEY, "beta-refused")

    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) > 0
    problem = refused.json()
    assert problem["scope"] == "global"
    assert set(problem) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "correlation_id",
        "scope",
        "resets_at",
    }
    assert "exhausted" in problem["detail"]
    assert not any(character.isdigit() for character in problem["detail"].split("resets at")[0])


@pytest.fixture(scope="module")
def share_runner(tight_provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    # Each assessment reserves about $0.017 and settles at $0.016; tenant A's default share (50 %)
    # of a $0.10 day is $0.05, so it gets two or three before its share refuses.
    settings = {
        "DAILY_COST_BUDGET_USD": "0.10",
    }
    with runner_on(tight_provider, tmp_path_factory.mktemp("share"), settings) as running:
        yield running


def test_tenant_a_at_its_share_of_the_global_budget_is_refused_for_its_own_scope_and_tenant_b_is_admitted(
    share_runner: Runner,
) -> None:
    answers: list[httpx.Response] = []
    while len(answers) < 8 and (not answers or answers[-1].status_code == 201):
        answers.append(assess_as(share_runner, ADMIN_KEY, f"local-{len(answers)}"))
    other = assess_as(share_runner, OTHER_TENANT_KEY, "beta-after-share")
    with client_as(share_runner, ADMIN_KEY) as tenant_a:
        own = tenant_a.get("/v2/costs/summary").json()

    *admitted, refused = answers
    assert admitted, "tenant A is admitted until its share is used"
    assert all(answer.status_code == 201 for answer in admitted)
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) > 0
    problem = refused.json()
    assert problem["scope"] == "global-share:local"
    assert problem["limit"] == "0.050000"
    assert Decimal(problem["committed"]) <= Decimal("0.05")
    assert problem["resets_at"].endswith("T00:00:00.000Z")
    assert other.status_code == 201, other.text
    share = own["global_share"]
    assert share["scope"] == "global-share:local"
    assert (share["limit"], share["committed"], share["held"]) == (
        "0.050000",
        problem["committed"],
        "0.000000",
    )
    assert own["settled"] == share["settled"] == problem["committed"], "A's own calls, nothing of B's"
