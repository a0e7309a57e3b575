"""An in-memory `ReconciliationRepository` (orgair.dal.reconciliations): CostsTable's answers, no socket."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from orgair.records.reconciliations import STAGES, AlertClaim, ReconciliationResult, Stage

MAX_ERROR_LENGTH = 1000
"""The table keeps the first 1000 characters of a result's error."""


class InMemoryReconciliations:
    def __init__(self) -> None:
        self._results: dict[tuple[date, str, Stage], ReconciliationResult] = {}
        self._claims: dict[tuple[date, str, Stage], AlertClaim] = {}

    def put_result(self, result: ReconciliationResult) -> None:
        stored = replace(
            result,
            checked_at=result.checked_at.astimezone(UTC),
            error=None if result.error is None else result.error[:MAX_ERROR_LENGTH],
        )
        self._results[(result.day, result.provider, result.stage)] = stored

    def results(self, day: date) -> list[ReconciliationResult]:
        found = [result for (on, _, _), result in self._results.items() if on == day]
        return sorted(found, key=lambda result: (result.provider, STAGES.index(result.stage)))

    def alert_claims(self, day: date) -> dict[tuple[str, Stage], AlertClaim]:
        return {
            (provider, stage): claim for (on, provider, stage), claim in self._claims.items() if on == day
        }

    def claim_alert(self, claim: AlertClaim) -> bool:
        key = (claim.day, claim.provider, claim.stage)
        if key in self._claims:
            return False
        self._claims[key] = replace(
            claim, state="claimed", claimed_at=claim.claimed_at.astimezone(UTC), published_at=None
        )
        return True

    def take_over_alert(self, claim: AlertClaim, stale_token: str) -> bool:
        key = (claim.day, claim.provider, claim.stage)
        held = self._claims.get(key)
        if held is None or held.state != "claimed" or held.claim_token != stale_token:
            return False
        self._claims[key] = replace(
            held, claim_token=claim.claim_token, claimed_at=claim.claimed_at.astimezone(UTC)
        )
        return True

    def release_alert(self, claim: AlertClaim) -> bool:
        key = (claim.day, claim.provider, claim.stage)
        held = self._claims.get(key)
        if held is None or held.state != "claimed" or held.claim_token != claim.claim_token:
            return False
        del self._claims[key]
        return True

    def mark_alert_published(self, claim: AlertClaim, at: datetime) -> bool:
        key = (claim.day, claim.provider, claim.stage)
        held = self._claims.get(key)
        if held is None or held.claim_token != claim.claim_token:
            return False
        self._claims[key] = replace(held, state="published", published_at=at.astimezone(UTC))
        return True
