"""Reconciliation results and their alert claims in CostsTable (the only module that knows these items).

| item | pk | sk |
|---|---|---|
| result of a run | `RECONCILIATION#<day>` | `RESULT#<provider>#<stage>` |
| alert claim | `RECONCILIATION#<day>` | `ALERT#<provider>#<stage>` |

A result is replaced by a later run of the same day, provider and stage (an on-demand re-run sees
the provider's latest figures); its per-model breakdown is one JSON attribute whose size is bounded
by the number of models (at most `MAX_MODELS`). Amounts are kept as the exact decimal strings both
sides had, tokens as integers. An alert claim is a conditional put: one winner per day, provider
and stage, like the budget alerts.

`ReconciliationRepository` is the protocol the reconciliation run uses; `ReconciliationStore` its
DynamoDB implementation. The in-memory fake and the contract suite both pass are in
tests/support/fakes/reconciliations.py and tests/contract/test_reconciliations_contract.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Protocol

from orgair.aws import store_errors
from orgair.dal.tables import TableStore
from orgair.dynamo.codec import integer, number, optional_text, string, text
from orgair.dynamo.writes import conditional_write
from orgair.records.reconciliations import (
    STAGES,
    AlertClaim,
    ModelComparison,
    ModelFigures,
    ReconciliationResult,
    Stage,
    Status,
    Tokens,
)

Item = dict[str, Any]
PK_PREFIX: Final = "RECONCILIATION#"


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _figures_json(figures: ModelFigures) -> dict[str, Any]:
    return {"amount_usd": str(figures.amount_usd), "tokens": figures.tokens.as_dict()}


def _figures_from(document: Mapping[str, Any]) -> ModelFigures:
    return ModelFigures(tokens=Tokens(**document["tokens"]), amount_usd=Decimal(document["amount_usd"]))


def rows_json(rows: tuple[ModelComparison, ...]) -> str:
    return json.dumps(
        [
            {
                "model": row.model,
                "ledger": _figures_json(row.ledger),
                "provider": _figures_json(row.provider),
                "reasons": list(row.reasons),
            }
            for row in rows
        ],
        sort_keys=True,
        separators=(",", ":"),
    )


def rows_from(text: str) -> tuple[ModelComparison, ...]:
    return tuple(
        ModelComparison(
            model=str(row["model"]),
            ledger=_figures_from(row["ledger"]),
            provider=_figures_from(row["provider"]),
            reasons=tuple(str(reason) for reason in row["reasons"]),
        )
        for row in json.loads(text)
    )


def _stage(text: str) -> Stage:
    for stage in STAGES:
        if stage == text:
            return stage
    raise ValueError(f"unknown reconciliation stage {text!r}")


def _status(text: str) -> Status:
    if text == "matched":
        return "matched"
    if text == "flagged":
        return "flagged"
    return "error"


class ReconciliationRepository(Protocol):
    """Reconciliation results and alert claims; every method fails closed (DependencyUnavailable)."""

    def put_result(self, result: ReconciliationResult) -> None:
        """Store the result, replacing any earlier one of its day, provider and stage."""
        ...

    def results(self, day: date) -> list[ReconciliationResult]:
        """Every provider's and stage's latest result of the day, in provider then stage order."""
        ...

    def alert_claims(self, day: date) -> dict[tuple[str, Stage], AlertClaim]:
        """The day's alert claims by (provider, stage)."""
        ...

    def claim_alert(self, claim: AlertClaim) -> bool:
        """Claim (day, provider, stage); True only for the one winner."""
        ...

    def take_over_alert(self, claim: AlertClaim, stale_token: str) -> bool:
        """Re-claim an unconfirmed claim still held under `stale_token`; whether this call won."""
        ...

    def release_alert(self, claim: AlertClaim) -> bool:
        """Give back an unconfirmed claim this caller holds; whether it was released."""
        ...

    def mark_alert_published(self, claim: AlertClaim, at: datetime) -> bool:
        """Confirm publication of a claim this caller holds; whether it was confirmed."""
        ...


class ReconciliationStore(TableStore):
    """The DynamoDB `ReconciliationRepository`: reconciliation items of CostsTable."""

    @staticmethod
    def _key(day: date, kind: str, provider: str, stage: Stage) -> Item:
        return {"pk": string(f"{PK_PREFIX}{day.isoformat()}"), "sk": string(f"{kind}#{provider}#{stage}")}

    def put_result(self, result: ReconciliationResult) -> None:
        item: Item = {
            **self._key(result.day, "RESULT", result.provider, result.stage),
            "type": string("reconciliation"),
            "day": string(result.day.isoformat()),
            "provider": string(result.provider),
            "stage": string(result.stage),
            "status": string(result.status),
            "checked_at": string(_iso(result.checked_at)),
            "rows": string(rows_json(result.rows)),
            "ledger_total_micros": number(result.ledger_total_micros),
            "provider_total_micros": number(result.provider_total_micros),
        }
        if result.error is not None:
            item["error"] = string(result.error[:1000])
        with store_errors("recording a reconciliation"):
            self._client.put_item(TableName=self._table, Item=item)

    def _items(self, day: date, kind: str) -> list[Mapping[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :kind)",
            "ExpressionAttributeValues": {
                ":pk": string(f"{PK_PREFIX}{day.isoformat()}"),
                ":kind": string(f"{kind}#"),
            },
            "ConsistentRead": True,
        }
        items: list[Mapping[str, Any]] = []
        while True:
            with store_errors("reading reconciliations"):
                response = self._client.query(**request)
            items.extend(response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                return items
            request["ExclusiveStartKey"] = last

    def results(self, day: date) -> list[ReconciliationResult]:
        """Every provider's and stage's latest result of the day, in provider then stage order."""
        found = [
            ReconciliationResult(
                day=day,
                provider=text(item, "provider"),
                stage=_stage(text(item, "stage")),
                status=_status(text(item, "status")),
                checked_at=_parse_iso(text(item, "checked_at")),
                rows=rows_from(text(item, "rows")),
                error=optional_text(item, "error"),
                ledger_total_micros=integer(item, "ledger_total_micros"),
                provider_total_micros=integer(item, "provider_total_micros"),
            )
            for item in self._items(day, "RESULT")
        ]
        return sorted(found, key=lambda result: (result.provider, STAGES.index(result.stage)))

    def alert_claims(self, day: date) -> dict[tuple[str, Stage], AlertClaim]:
        claims: dict[tuple[str, Stage], AlertClaim] = {}
        for item in self._items(day, "ALERT"):
            published = optional_text(item, "published_at")
            claim = AlertClaim(
                day=day,
                provider=text(item, "provider"),
                stage=_stage(text(item, "stage")),
                state="published" if text(item, "state") == "published" else "claimed",
                claim_token=text(item, "claim_token"),
                claimed_at=_parse_iso(text(item, "claimed_at")),
                published_at=_parse_iso(published) if published else None,
            )
            claims[(claim.provider, claim.stage)] = claim
        return claims

    def claim_alert(self, claim: AlertClaim) -> bool:
        """Claim (day, provider, stage) with a conditional put; True only for the one winner."""
        item: Item = {
            **self._key(claim.day, "ALERT", claim.provider, claim.stage),
            "type": string("reconciliation_alert"),
            "provider": string(claim.provider),
            "stage": string(claim.stage),
            "state": string("claimed"),
            "claim_token": string(claim.claim_token),
            "claimed_at": string(_iso(claim.claimed_at)),
        }
        return (
            conditional_write(
                "claiming a reconciliation alert",
                lambda: self._client.put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
                ),
            )
            is not None
        )

    def _change_alert(
        self, what: str, claim: AlertClaim, condition: str, values: Mapping[str, str], update: str | None
    ) -> bool:
        """Update (with `update`) or else delete the claim's alert item if `condition` holds; whether it did."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(claim.day, "ALERT", claim.provider, claim.stage),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": {name: string(value) for name, value in values.items()},
        }
        if update is None:
            return conditional_write(what, lambda: self._client.delete_item(**request)) is not None
        return (
            conditional_write(what, lambda: self._client.update_item(UpdateExpression=update, **request))
            is not None
        )

    def take_over_alert(self, claim: AlertClaim, stale_token: str) -> bool:
        """Re-claim an alert whose claimant never confirmed it (its run died or SNS failed)."""
        return self._change_alert(
            "re-claiming a reconciliation alert",
            claim,
            condition="#state = :claimed AND claim_token = :stale",
            values={
                ":token": claim.claim_token,
                ":at": _iso(claim.claimed_at),
                ":claimed": "claimed",
                ":stale": stale_token,
            },
            update="SET claim_token = :token, claimed_at = :at",
        )

    def release_alert(self, claim: AlertClaim) -> bool:
        """Give a claim back after its publication failed, so the next run (or the invocation's
        retry) claims and sends it; only the claim's holder can release it."""
        return self._change_alert(
            "releasing a reconciliation alert",
            claim,
            condition="#state = :claimed AND claim_token = :token",
            values={":claimed": "claimed", ":token": claim.claim_token},
            update=None,
        )

    def mark_alert_published(self, claim: AlertClaim, at: datetime) -> bool:
        return self._change_alert(
            "confirming a reconciliation alert",
            claim,
            condition="claim_token = :token",
            values={":published": "published", ":at": _iso(at), ":token": claim.claim_token},
            update="SET #state = :published, published_at = :at",
        )
