"""The `ReconciliationRepository` contract, proven against the in-memory fake and CostsTable alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from orgair.dal.reconciliations import ReconciliationRepository, ReconciliationStore
from orgair.records.reconciliations import (
    AlertClaim,
    ModelComparison,
    ModelFigures,
    ReconciliationResult,
    Tokens,
)
from support.fakes.reconciliations import InMemoryReconciliations

DAY = date(2030, 3, 1)
CHECKED = datetime(2030, 3, 2, 6, 0, 0, 123456, tzinfo=UTC)
ROW = ModelComparison(
    model="gpt-4o-2024-08-06",
    ledger=ModelFigures(tokens=Tokens(input=1_000, output=20), amount_usd=Decimal("1.234567891")),
    provider=ModelFigures(tokens=Tokens(input=1_000, cache_write_1h=5, output=20), amount_usd=Decimal("2.5")),
    reasons=("dollars", "tokens:cache_write"),
)


def result(provider: str = "openai", **changes: Any) -> ReconciliationResult:
    fields: dict[str, Any] = {
        "day": DAY,
        "provider": provider,
        "stage": "provisional",
        "status": "flagged",
        "checked_at": CHECKED,
        "rows": (ROW,),
        "ledger_total_micros": 1_234_568,
        "provider_total_micros": 2_500_000,
        **changes,
    }
    return ReconciliationResult(**fields)


def claim(holder: str = "token-1", **changes: Any) -> AlertClaim:
    fields: dict[str, Any] = {
        "day": DAY,
        "provider": "openai",
        "stage": "provisional",
        "state": "claimed",
        "claim_token": holder,
        "claimed_at": CHECKED,
        **changes,
    }
    return AlertClaim(**fields)


@pytest.fixture
def reconciliations(store: str, request: pytest.FixtureRequest) -> ReconciliationRepository:
    if store == "fake":
        return InMemoryReconciliations()
    dynamodb = request.getfixturevalue("dynamodb")
    return ReconciliationStore("CostsTable", dynamodb.client())


def test_a_result_reads_back_exactly_with_its_breakdown(reconciliations: ReconciliationRepository) -> None:
    reconciliations.put_result(result())
    assert reconciliations.results(DAY) == [result()]
    assert reconciliations.results(DAY + timedelta(days=1)) == []


def test_a_later_result_of_the_same_day_provider_and_stage_replaces_the_earlier(
    reconciliations: ReconciliationRepository,
) -> None:
    reconciliations.put_result(result())
    later = result(status="matched", rows=(), checked_at=CHECKED + timedelta(hours=1))
    reconciliations.put_result(later)
    assert reconciliations.results(DAY) == [later]


def test_results_come_in_provider_then_stage_order(reconciliations: ReconciliationRepository) -> None:
    reconciliations.put_result(result("openai", stage="close"))
    reconciliations.put_result(result("openai"))
    reconciliations.put_result(result("anthropic", stage="close"))
    assert [(found.provider, found.stage) for found in reconciliations.results(DAY)] == [
        ("anthropic", "close"),
        ("openai", "provisional"),
        ("openai", "close"),
    ]


def test_an_error_result_keeps_its_reason_up_to_a_bound_and_the_instant_in_utc(
    reconciliations: ReconciliationRepository,
) -> None:
    elsewhere = CHECKED.astimezone(timezone(timedelta(hours=-5)))
    reconciliations.put_result(
        result(
            status="error",
            rows=(),
            error="x" * 1500,
            checked_at=elsewhere,
            ledger_total_micros=0,
            provider_total_micros=0,
        )
    )
    [stored] = reconciliations.results(DAY)
    assert stored.error == "x" * 1000
    assert stored.checked_at == CHECKED
    assert stored.checked_at.utcoffset() == timedelta(0)


def test_one_claimant_wins_an_alert(reconciliations: ReconciliationRepository) -> None:
    assert reconciliations.claim_alert(claim("token-1")) is True
    assert reconciliations.claim_alert(claim("token-2")) is False
    assert reconciliations.alert_claims(DAY) == {("openai", "provisional"): claim("token-1")}
    assert reconciliations.claim_alert(claim("token-3", stage="close")) is True


def test_a_stale_claim_is_taken_over_only_with_its_token(reconciliations: ReconciliationRepository) -> None:
    reconciliations.claim_alert(claim("token-1"))
    later = CHECKED + timedelta(hours=1)
    assert reconciliations.take_over_alert(claim("token-2", claimed_at=later), "wrong") is False
    assert reconciliations.take_over_alert(claim("token-2", claimed_at=later), "token-1") is True
    assert reconciliations.alert_claims(DAY) == {
        ("openai", "provisional"): claim("token-2", claimed_at=later)
    }


def test_only_the_holder_releases_a_claim_and_then_it_can_be_claimed_again(
    reconciliations: ReconciliationRepository,
) -> None:
    reconciliations.claim_alert(claim("token-1"))
    assert reconciliations.release_alert(claim("token-2")) is False
    assert reconciliations.release_alert(claim("token-1")) is True
    assert reconciliations.alert_claims(DAY) == {}
    assert reconciliations.claim_alert(claim("token-2")) is True


def test_a_published_alert_is_kept_and_can_neither_be_taken_over_nor_released(
    reconciliations: ReconciliationRepository,
) -> None:
    reconciliations.claim_alert(claim("token-1"))
    published_at = CHECKED + timedelta(minutes=1)
    assert reconciliations.mark_alert_published(claim("token-2"), published_at) is False
    assert reconciliations.mark_alert_published(claim("token-1"), published_at) is True
    assert reconciliations.alert_claims(DAY) == {
        ("openai", "provisional"): claim("token-1", state="published", published_at=published_at)
    }
    assert reconciliations.take_over_alert(claim("token-2"), "token-1") is False
    assert reconciliations.release_alert(claim("token-1")) is False
