"""Cost governance over real HTTP through the local runner: concurrent and retried usage reports are
recorded exactly once, and concurrent assessments never commit more than the daily budget."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from orgair.costs.money import format_usd
from orgair.costs.pricing import Usage, price_table
from support.local_runner import FakeProvider, Runner, fake_openai, local_runner

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_costs-integration-key-0123456789abcdefghijkl"
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


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    with local_runner(admin_key=ADMIN_KEY) as running:
        yield running


@pytest.fixture
def client(runner: Runner) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=runner.url, timeout=60, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    ) as session:
        yield session


def test_concurrent_and_retried_usage_reports_are_each_recorded_once(client: httpx.Client) -> None:
    reports = {
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

    assert set(statuses) <= {200, 201}
    assert statuses.count(201) == 200
    price = price_table().price(MODEL)
    expected = sum(
        price.cost_micros(Usage(input_tokens=body["input_tokens"], output_tokens=body["output_tokens"]))
        for body in reports.values()
    )
    summary = client.get("/v2/costs/summary").json()
    assert summary["settled"] == format_usd(expected)
    assert summary["committed"] == format_usd(expected)
    assert summary["held"] == "0.000000"
    entries = collect(client, "/v2/costs/entries")
    assert len(entries) == 200
    assert len({entry["call_id"] for entry in entries}) == 200
    assert sum(Decimal(entry["cost"]) for entry in entries) == Decimal(format_usd(expected))


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    # Each call reports 16,000 output tokens: about $0.16, so a $1.00 day admits six of them.
    with fake_openai(prompt_tokens=400, completion_tokens=16_000) as fake:
        yield fake


@pytest.fixture(scope="module")
def budget_runner(provider: FakeProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    settings = {
        "DAILY_COST_BUDGET_USD": "1.00",
        "LLM_MAX_OUTPUT_TOKENS": "16384",
        "OPENAI_API_KEY": "sk-integration-test-key-0000",
        "OPENAI_BASE_URL": provider.url,
    }
    directory: Path = tmp_path_factory.mktemp("budget")
    with local_runner(admin_key=ADMIN_KEY, env_vars=settings, directory=directory) as running:
        yield running


def test_forty_concurrent_assessments_never_commit_more_than_one_dollar(
    budget_runner: Runner, provider: FakeProvider
) -> None:
    def assess(index: int) -> httpx.Response:
        body = {"company_id": f"portco-{index:02d}", "sector": "technology", "evidence": EVIDENCE}
        return httpx.post(
            f"{budget_runner.url}/v2/assessments",
            json=body,
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=60,
        )

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
        assert Decimal(problem["committed"]) <= Decimal("1.00")
    assert provider.calls == len(stored)
    with httpx.Client(
        base_url=budget_runner.url, timeout=60, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    ) as client:
        summary = client.get("/v2/costs/summary").json()
        entries = collect(client, "/v2/costs/entries")
    assert Decimal(summary["committed"]) <= Decimal("1.00")
    assert summary["held"] == "0.000000"
    assert len(entries) == len(stored)
    assert sum(Decimal(entry["cost"]) for entry in entries) == Decimal(summary["settled"])
