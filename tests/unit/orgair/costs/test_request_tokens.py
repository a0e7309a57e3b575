"""DynamoDB's ClientRequestToken rule, enforced on the wire: one token, one set of parameters.

Real DynamoDB answers `IdempotentParameterMismatchException` when a TransactWriteItems reuses a
token (within 10 minutes) with different parameters; the embedded moto server ignores tokens. The
hook below sits on the botocore client (the transport boundary, not our code): it remembers every
token it sees with the request's parameters and fails the call exactly as DynamoDB would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgair.aws import dynamodb_client
from orgair.costs.check import BudgetCheck
from orgair.costs.ledger import CostLedger
from orgair.costs.pricing import Usage
from orgair.costs.reported import UsageReport
from orgair.errors import ValidationFailed
from orgair.records.costs import AlertRecord
from support.costs import FakeClock, call_meta

from devtools.embedded_dynamodb import EmbeddedDynamoDB

MODEL = "gpt-4o-2024-08-06"


class TokenRule:
    """Records token → parameters of every TransactWriteItems and refuses a mismatching reuse."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.calls = 0

    def __call__(self, params: dict[str, Any], **_: Any) -> None:
        self.calls += 1
        token = params.get("ClientRequestToken")
        assert token, "every TransactWriteItems carries a ClientRequestToken"
        parameters = json.dumps(params["TransactItems"], sort_keys=True)
        first = self.seen.setdefault(token, parameters)
        if first != parameters:
            raise ClientError(
                {
                    "Error": {
                        "Code": "IdempotentParameterMismatchException",
                        "Message": "The request uses the same client token as a previous, but non-identical request.",
                    }
                },
                "TransactWriteItems",
            )


@pytest.fixture
def token_rule(dynamodb: EmbeddedDynamoDB) -> TokenRule:
    rule = TokenRule()
    dynamodb_client().meta.events.register("before-parameter-build.dynamodb.TransactWriteItems", rule)
    return rule


class Sent:
    def publish(self, alert: AlertRecord) -> None:
        return None


def test_settling_normally_then_as_uncertain_uses_two_tokens(
    token_rule: TokenRule, ledger: CostLedger
) -> None:
    hold = ledger.reserve(call_meta(), MODEL, 50_000)
    line = ledger.settle(hold, Usage(input_tokens=1_000, output_tokens=100), outcome="ok")

    late = ledger.settle_uncertain(hold, outcome="no_answer:ReadTimeout")

    assert late is None
    assert ledger.store.hold(hold.call_id) is not None
    assert line.status == "settled"
    assert token_rule.calls == 3


def test_the_budget_check_expiring_a_hold_the_gateway_settled_meanwhile_is_a_clean_no_op(
    token_rule: TokenRule, make_ledger: Any, clock: FakeClock
) -> None:
    ledger: CostLedger = make_ledger()
    hold = ledger.reserve(call_meta(), MODEL, 50_000)
    ledger.settle(hold, Usage(input_tokens=10, output_tokens=10), outcome="ok")
    clock.advance(seconds=ledger.settings.HOLD_EXPIRY_SECONDS + 1)

    expired = ledger.settle_uncertain(hold, outcome="hold_expired")
    report = BudgetCheck(ledger, Sent()).run()

    assert expired is None
    assert report.settled_uncertain == []


def test_a_repeated_settlement_with_the_same_parameters_reuses_its_token(
    token_rule: TokenRule, ledger: CostLedger
) -> None:
    hold = ledger.reserve(call_meta(), MODEL, 50_000)
    usage = Usage(input_tokens=1_000, output_tokens=100)

    first = ledger.settle(hold, usage, outcome="ok")
    again = ledger.settle(hold, usage, outcome="ok")

    assert again == first
    assert len(token_rule.seen) == 2, "reserve and one settlement token: the retry sent the same one"


def test_reports_reusing_a_key_with_a_new_body_and_reservations_of_one_call_id_never_clash(
    token_rule: TokenRule, ledger: CostLedger, clock: FakeClock
) -> None:
    report = UsageReport(provider="openai", model=MODEL, usage=Usage(input_tokens=10, output_tokens=1))
    ledger.record_external(call_meta(), "key-1", report)
    clock.advance(seconds=1)
    other = UsageReport(provider="openai", model=MODEL, usage=Usage(input_tokens=11, output_tokens=1))

    with pytest.raises(ValidationFailed):
        ledger.record_external(call_meta(), "key-1", other)
    ledger.record_external(call_meta("beta"), "key-1", report)
    first = ledger.reserve(call_meta(), MODEL, 10_000, call_id="call-fixed")
    ledger.settle(first, Usage(input_tokens=1, output_tokens=1), outcome="ok")
    clock.advance(seconds=1)
    ledger.settle_uncertain(first, outcome="hold_expired")

    assert token_rule.calls == 5
