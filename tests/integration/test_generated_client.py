"""The Python client `make clients` generates (clients/python/orgair-client-v2) completes an
integrator's journey against the local runner: a key made with the `orgair` CLI, a score on v2 read
back, a what-if simulation with parameter overrides, the company's history, a review decided, usage
reported with an Idempotency-Key (a retry replays), and the cost summary that shows it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.local_runner import ROOT, Runner, local_runner

sys.path.insert(0, str(ROOT / "clients" / "python" / "orgair-client-v2"))

from orgair_client_v2 import AuthenticatedClient
from orgair_client_v2.api.costs import get_cost_summary, record_usage
from orgair_client_v2.api.reviews import decide_review
from orgair_client_v2.api.scores import create_score, get_score, list_company_scores
from orgair_client_v2.api.simulate import simulate_score
from orgair_client_v2.models import (
    CompanyScoreInput,
    CompanyScoreInputSector,
    CostSummaryView,
    Dimensions,
    HistoryPage,
    OrgAirV2Result,
    ParameterOverrides,
    ReviewDecisionRequest,
    ReviewDecisionRequestDecision,
    ReviewItem,
    ReviewItemStatus,
    ReviewSummary,
    SimulateRequest,
    SimulateRequestSector,
    StoredScore,
    UsageRecorded,
    UsageReportBody,
    UsageReportBodyProvider,
)
from orgair_client_v2.types import UNSET, Unset

pytestmark = pytest.mark.integration

ADMIN_KEY = "oak_generated-client-admin-0123456789abcdefghijk"
TENANT = "pe-firm"
SCOPES = "scores:read,scores:write,reviews:read,reviews:decide,costs:read,costs:write"
MODEL = "gpt-4o-2024-08-06"
COMPANY = "client-journey"
ORGAIR_CLI = Path(sys.executable).parent / "orgair"


def dimensions(level: int) -> Dimensions:
    return Dimensions(
        data_infrastructure=level,
        ai_governance=level,
        technology_stack=level,
        talent=level,
        leadership=level,
        use_case_portfolio=level,
        culture=level,
    )


def ok(response: Any, status: int) -> Any:
    """The parsed body of a response with the expected status (the problem in the message otherwise)."""
    assert response.status_code == status, response.content
    return response.parsed


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    with local_runner(admin_key=ADMIN_KEY) as running:
        yield running


@pytest.fixture(scope="module")
def api_key(runner: Runner) -> str:
    """A tenant key made the way an operator makes one: `orgair keys create` against the runner's store."""
    created = subprocess.run(
        [
            str(ORGAIR_CLI),
            *("keys", "create", "--endpoint-url", runner.dynamodb_url),
            *("--tenant", TENANT, "--scopes", SCOPES, "--name", "generated client journey"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    return created.stdout.strip().splitlines()[-1]


def simulate(client: AuthenticatedClient, parameters: ParameterOverrides | Unset = UNSET) -> Any:
    """The what-if of COMPANY at level 40 on every dimension, under `parameters` (default: none)."""
    body = SimulateRequest(
        company_id=COMPANY,
        sector=SimulateRequestSector.TECHNOLOGY,
        dimensions=dimensions(40),
        parameters=parameters,
    )
    return ok(simulate_score.sync_detailed(client=client, body=body), 200)


@pytest.fixture(scope="module")
def client(runner: Runner, api_key: str) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=f"{runner.url}/v2", token=api_key, timeout=None) as session:
        yield session


def test_the_generated_client_completes_the_integrator_journey(client: AuthenticatedClient) -> None:
    first = ok(
        create_score.sync_detailed(
            client=client,
            body=CompanyScoreInput(
                company_id=COMPANY,
                sector=CompanyScoreInputSector.TECHNOLOGY,
                dimensions=dimensions(40),
                confidence_level=0.95,
            ),
        ),
        201,
    )
    assert isinstance(first, StoredScore)
    assert first.param_version == "v2.0"
    assert isinstance(first.result, OrgAirV2Result)
    assert first.result.confidence_level == 0.95

    read_back = ok(get_score.sync_detailed(first.score_id, client=client), 200)
    assert isinstance(read_back, StoredScore)
    assert read_back.to_dict() == first.to_dict()

    baseline = simulate(client)
    what_if = simulate(client, ParameterOverrides(alpha=0.55))
    assert isinstance(baseline, OrgAirV2Result)
    assert isinstance(what_if, OrgAirV2Result)
    assert what_if.parameters.alpha == 0.55
    assert what_if.org_air != baseline.org_air

    jump = ok(
        create_score.sync_detailed(
            client=client,
            body=CompanyScoreInput(
                company_id=COMPANY, sector=CompanyScoreInputSector.TECHNOLOGY, dimensions=dimensions(90)
            ),
        ),
        201,
    )
    assert isinstance(jump, StoredScore)
    assert jump.requires_review
    assert isinstance(jump.review, ReviewSummary)
    history = ok(list_company_scores.sync_detailed(COMPANY, client=client), 200)
    assert isinstance(history, HistoryPage)
    assert {item.score_id for item in history.items} == {first.score_id, jump.score_id}

    decided = ok(
        decide_review.sync_detailed(
            jump.review.review_id,
            client=client,
            body=ReviewDecisionRequest(decision=ReviewDecisionRequestDecision.APPROVE, comment="checked"),
        ),
        200,
    )
    assert isinstance(decided, ReviewItem)
    assert decided.status == ReviewItemStatus.APPROVED

    usage = UsageReportBody(
        provider=UsageReportBodyProvider.OPENAI, model=MODEL, input_tokens=12_000, output_tokens=3_000
    )
    recorded = ok(record_usage.sync_detailed(client=client, body=usage, idempotency_key="journey-1"), 201)
    replayed = ok(record_usage.sync_detailed(client=client, body=usage, idempotency_key="journey-1"), 201)
    assert isinstance(recorded, UsageRecorded)
    assert isinstance(replayed, UsageRecorded)
    assert (recorded.replayed, replayed.replayed) == (False, True)
    assert replayed.entry.to_dict() == recorded.entry.to_dict()

    summary = ok(get_cost_summary.sync_detailed(client=client), 200)
    assert isinstance(summary, CostSummaryView)
    assert [spend.model for spend in summary.by_model] == [MODEL]
