"""The `CostsRepository` contract, proven against the in-memory fake and CostsTable (embedded) alike:
holds reserved once and in every scope or none, settled once, job reservations drawn and released
once, reported usage and corrections recorded once, the ledger and day index read back in order,
tenant budgets with their history, and alerts claimed by one winner."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from orgair.dal.costs import (
    CostsRepository,
    CostsStore,
    Duplicate,
    ScopeRefused,
    ScopeUpdate,
    Written,
    correction_sk,
    ledger_sk,
    line_sk,
)
from orgair.records.costs import AlertRecord, CallMeta, Counter, ExternalMarker, Hold, LedgerLine, Usage
from support.fakes.costs import InMemoryCostsRepository

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
DAY = NOW.date()
SCOPES = ("global", "tenant:acme", "global-share:acme")


@pytest.fixture
def repo(store: str, request: pytest.FixtureRequest) -> Iterator[CostsRepository]:
    if store == "fake":
        yield InMemoryCostsRepository()
        return
    request.getfixturevalue("dynamodb")
    yield CostsStore("CostsTable")


def meta(tenant: str = "acme") -> CallMeta:
    return CallMeta(
        tenant_id=tenant, purpose="assessment", correlation_id="corr", request_id="req", parent_request_id=""
    )


def hold(call_id: str = "call-1", *, estimate: int = 1_000, tenant: str = "acme", **changes: object) -> Hold:
    made = Hold(
        call_id=call_id,
        meta=meta(tenant),
        provider="openai",
        model="gpt-4o-2024-08-06",
        pricing_version="2026-03-01",
        day=DAY,
        scopes=("global", f"tenant:{tenant}", f"global-share:{tenant}"),
        estimate_micros=estimate,
        reserved_at=NOW,
        expires_at=NOW + timedelta(minutes=15),
        price_row_id="gpt-4o-2024-08-06@2026-03-01",
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def line_of(held: Hold, cost: int, **changes: object) -> LedgerLine:
    made = LedgerLine(
        call_id=held.call_id,
        meta=held.meta,
        day=held.day,
        timestamp=held.reserved_at,
        provider=held.provider,
        model=held.model,
        usage=Usage(input_tokens=100, output_tokens=20),
        cost_micros=cost,
        pricing_version=held.pricing_version,
        status="settled",
        outcome="ok",
        source="gateway",
        estimate_micros=held.estimate_micros,
        price_row_id=held.price_row_id,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def admit(amount: int, *, ceiling: int | None = None, scopes: tuple[str, ...] = SCOPES) -> list[ScopeUpdate]:
    return [
        ScopeUpdate(scope=scope, committed_delta=amount, ceiling=ceiling, limit_micros=None)
        for scope in scopes
    ]


def committed(repo: CostsRepository, scopes: tuple[str, ...] = SCOPES) -> dict[str, int]:
    counters = repo.counters(list(scopes), DAY)
    return {scope: counters[scope].committed_micros for scope in scopes}


def test_a_missing_counter_reads_as_zero(repo: CostsRepository) -> None:
    assert repo.counter("global", DAY) == Counter(scope="global", day=DAY)
    assert repo.counters(["global", "tenant:x"], DAY) == {
        "global": Counter(scope="global", day=DAY),
        "tenant:x": Counter(scope="tenant:x", day=DAY),
    }


def test_a_hold_is_admitted_in_every_scope_at_once_and_only_once(repo: CostsRepository) -> None:
    updates = [*admit(1_000), replace(admit(1_000)[0], scope="external:acme", limit_micros=9_000)]

    assert repo.reserve(hold(), updates, NOW) == Written()
    assert repo.reserve(hold(), updates, NOW) == Duplicate()

    assert committed(repo) == dict.fromkeys(SCOPES, 1_000)
    assert repo.counter("external:acme", DAY).limit_micros == 9_000
    assert repo.hold("call-1") == hold()


def test_a_refusing_scope_is_named_with_its_committed_amount_and_nothing_is_written(
    repo: CostsRepository,
) -> None:
    repo.reserve(hold("first", estimate=4_000), admit(4_000), NOW)
    tight = [
        ScopeUpdate(scope="global", committed_delta=2_000),
        *admit(2_000, ceiling=3_000, scopes=SCOPES[1:]),
    ]

    outcome = repo.reserve(hold("second", estimate=2_000), tight, NOW)

    assert outcome == ScopeRefused(update=tight[1], committed_micros=4_000)
    assert committed(repo) == dict.fromkeys(SCOPES, 4_000)
    assert repo.hold("second") is None


def test_a_hold_settles_once_correcting_every_scope_and_its_hour(repo: CostsRepository) -> None:
    held = hold(estimate=1_000)
    repo.reserve(held, admit(1_000), NOW)
    line = line_of(held, 300)

    assert repo.settle(held, line, NOW)
    assert not repo.settle(held, line, NOW)
    assert not repo.settle(held, replace(line, cost_micros=900), NOW)

    counter = repo.counter("tenant:acme", DAY)
    assert (counter.committed_micros, counter.settled_micros, counter.settled_by_hour) == (
        300,
        300,
        {10: 300},
    )
    stored = repo.hold("call-1")
    assert stored is not None
    assert stored.status == "settled"
    assert repo.ledger_line("acme", DAY, ledger_sk(NOW, "call-1")) == line
    assert list(repo.open_holds(DAY)) == []


def test_counters_never_go_below_zero_when_nothing_was_spent(repo: CostsRepository) -> None:
    held = hold(estimate=1_000)
    repo.reserve(held, admit(1_000), NOW)
    assert repo.settle(held, line_of(held, 0, usage=Usage()), NOW)
    repo.reserve_job("job:j1", "acme", DAY, admit(2_000), NOW)
    spent = hold("f1", estimate=2_000, funded_by="job:j1")
    repo.reserve_funded(spent, ceiling=0, now=NOW)

    assert repo.release_job("job:j1", DAY, NOW) == 0, "a job whose calls hold all of it returns nothing"
    assert repo.settle(spent, line_of(spent, 0, usage=Usage()), NOW)

    for scope in SCOPES:
        counter = repo.counter(scope, DAY)
        assert (counter.committed_micros, counter.settled_micros) == (0, 0)
        assert counter.settled_by_hour == {10: 0}
    job = repo.counter("job:j1", DAY)
    assert (job.committed_micros, job.settled_micros) == (0, 0)


def test_open_holds_are_the_held_ones_of_the_day_and_optionally_only_the_expired(
    repo: CostsRepository,
) -> None:
    early = hold("early", expires_at=NOW + timedelta(minutes=1))
    late = hold("late", expires_at=NOW + timedelta(minutes=30))
    closed = hold("closed")
    for each in (early, late, closed):
        repo.reserve(each, admit(each.estimate_micros), NOW)
    repo.settle(closed, line_of(closed, 10), NOW)

    assert {each.call_id for each in repo.open_holds(DAY)} == {"early", "late"}
    assert [each.call_id for each in repo.open_holds(DAY, expired_at=NOW + timedelta(minutes=5))] == ["early"]
    assert list(repo.open_holds(DAY + timedelta(days=1))) == []


def test_a_job_reservation_is_drawn_by_its_calls_and_released_once(repo: CostsRepository) -> None:
    assert repo.reserve_job("job:j1", "acme", DAY, admit(5_000), NOW) == Written()
    assert repo.reserve_job("job:j1", "acme", DAY, admit(5_000), NOW) == Duplicate()
    funded = hold("f1", estimate=2_000, funded_by="job:j1")

    assert repo.reserve_funded(funded, ceiling=3_000, now=NOW) == Written()
    assert repo.reserve_funded(funded, ceiling=3_000, now=NOW) == Duplicate()
    over = repo.reserve_funded(hold("f2", estimate=4_000, funded_by="job:j1"), ceiling=1_000, now=NOW)
    assert isinstance(over, ScopeRefused)
    assert (over.update.scope, over.committed_micros) == ("job:j1", 2_000)

    assert repo.settle(funded, line_of(funded, 500), NOW)
    job = repo.counter("job:j1", DAY)
    assert (job.committed_micros, job.settled_micros, job.limit_micros) == (500, 500, 5_000)
    assert committed(repo) == dict.fromkeys(SCOPES, 5_000), "the day keeps the whole budget until released"
    assert repo.counter("global", DAY).settled_micros == 500

    assert not repo.job_released("job:j1", DAY)
    assert repo.release_job("job:j1", DAY, NOW) == 4_500
    assert repo.release_job("job:j1", DAY, NOW) is None
    assert repo.job_released("job:j1", DAY)
    assert committed(repo) == dict.fromkeys(SCOPES, 500)
    late = repo.reserve_funded(hold("f3", estimate=1, funded_by="job:j1"), ceiling=4_999, now=NOW)
    assert isinstance(late, ScopeRefused), "a released job admits nothing more"


def test_a_call_still_held_at_the_release_corrects_the_day_when_it_settles(repo: CostsRepository) -> None:
    repo.reserve_job("job:j1", "acme", DAY, admit(5_000), NOW)
    funded = hold("f1", estimate=2_000, funded_by="job:j1")
    repo.reserve_funded(funded, ceiling=3_000, now=NOW)

    assert repo.release_job("job:j1", DAY, NOW) == 3_000
    assert committed(repo) == dict.fromkeys(SCOPES, 2_000)
    assert repo.settle(funded, line_of(funded, 700), NOW)

    assert committed(repo) == dict.fromkeys(SCOPES, 700)
    assert repo.counter("tenant:acme", DAY).settled_by_hour == {10: 700}


def test_a_job_reservation_refused_by_a_scope_writes_nothing(repo: CostsRepository) -> None:
    repo.reserve_job("job:j1", "acme", DAY, admit(5_000), NOW)
    updates = admit(1_000, ceiling=4_000)

    assert repo.reserve_job("job:j2", "acme", DAY, updates, NOW) == ScopeRefused(
        update=updates[0], committed_micros=5_000
    )
    assert repo.counter("job:j2", DAY) == Counter(scope="job:j2", day=DAY)
    assert committed(repo) == dict.fromkeys(SCOPES, 5_000)
    assert repo.release_job("job:j2", DAY, NOW) is None


def test_reported_usage_is_recorded_once_per_key_and_admitted_under_its_ceiling(
    repo: CostsRepository,
) -> None:
    line = line_of(hold("ext-1"), 800, source="external", outcome="reported", estimate_micros=None)
    marker = ExternalMarker("acme", "key-1", "f" * 64, "ext-1", DAY, ledger_sk(NOW, "ext-1"))
    scopes = [ScopeUpdate(scope="external:acme", committed_delta=800, ceiling=500, limit_micros=1_300)]

    assert repo.record_external(marker, line, scopes, NOW) == Written()
    assert repo.record_external(marker, line, scopes, NOW) == Duplicate()
    assert repo.external_marker("acme", "key-1") == marker
    assert repo.external_marker("acme", "key-2") is None

    second = line_of(hold("ext-2"), 800, source="external", outcome="reported", estimate_micros=None)
    refused = repo.record_external(
        replace(marker, idempotency_key="key-2", call_id="ext-2"), second, scopes, NOW
    )
    assert refused == ScopeRefused(update=scopes[0], committed_micros=800)
    counter = repo.counter("external:acme", DAY)
    assert (counter.committed_micros, counter.settled_micros, counter.limit_micros) == (800, 800, 1_300)
    assert counter.settled_by_hour == {10: 800}
    assert [each.call_id for each in repo.ledger_lines("acme", DAY)] == ["ext-1"]


def test_a_correction_is_appended_once_after_its_line_and_counted_signed(repo: CostsRepository) -> None:
    held = hold()
    repo.reserve(held, admit(1_000), NOW)
    charge = line_of(held, 600)
    repo.settle(held, charge, NOW)
    target = line_sk(charge)
    correction = replace(
        charge,
        call_id=f"{held.call_id}#C001",
        cost_micros=-100,
        kind="correction",
        corrects=target,
        reason="restated by ops",
    )

    assert repo.append_correction(correction, list(SCOPES), NOW)
    assert not repo.append_correction(correction, list(SCOPES), NOW)

    assert [line_sk(each) for each in repo.ledger_lines("acme", DAY)] == [target, correction_sk(target, 1)]
    counter = repo.counter("global", DAY)
    assert (counter.committed_micros, counter.settled_micros, counter.settled_by_hour) == (
        500,
        500,
        {10: 500},
    )


def test_the_ledger_pages_in_order_and_the_day_index_reads_every_tenant(repo: CostsRepository) -> None:
    for tenant, call_id, second in [
        ("beta", "beta-0", 0),
        ("acme", "call-2", 2),
        ("acme", "call-0", 0),
        ("acme", "call-1", 1),
    ]:
        held = hold(call_id, tenant=tenant, reserved_at=NOW + timedelta(seconds=second))
        repo.reserve(held, admit(10, scopes=("global",)), NOW)
        repo.settle(held, line_of(held, 10), NOW)

    first, after = repo.ledger_page("acme", DAY, 2, None)
    assert [each.call_id for each in first] == ["call-0", "call-1"]
    assert after is not None
    rest, _ = repo.ledger_page("acme", DAY, 2, after)
    assert [each.call_id for each in rest] == ["call-2"]
    assert [(each.meta.tenant_id, each.call_id) for each in repo.day_lines(DAY)] == [
        ("acme", "call-0"),
        ("acme", "call-1"),
        ("acme", "call-2"),
        ("beta", "beta-0"),
    ]
    assert repo.day_lines(DAY + timedelta(days=1)) == []
    assert list(repo.ledger_lines("gamma", DAY)) == []


def test_a_tenant_budget_is_set_and_removed_with_its_history_newest_first(repo: CostsRepository) -> None:
    repo.set_tenant_limit("acme", 5_000, NOW, by="ops@example.com")
    repo.set_tenant_limit("beta", 7_000, NOW, by="ops@example.com")
    repo.set_tenant_limit("acme", 6_000, NOW + timedelta(minutes=1), by="lead@example.com")

    assert repo.tenant_limit("acme") == 6_000
    assert repo.tenant_limits() == {"tenant:acme": 6_000, "tenant:beta": 7_000}
    setting = repo.tenant_budget_setting("acme")
    assert setting is not None
    assert (setting.limit_micros, setting.updated_at, setting.updated_by) == (
        6_000,
        NOW + timedelta(minutes=1),
        "lead@example.com",
    )
    repo.set_tenant_limit("acme", None, NOW + timedelta(minutes=2), by="ops@example.com")

    assert repo.tenant_limit("acme") is None
    assert repo.tenant_budget_setting("acme") is None
    assert list(repo.tenant_budget_settings()) == ["tenant:beta"]
    history = repo.budget_history("acme", 2)
    assert [(change.limit_micros, change.changed_by) for change in history] == [
        (None, "ops@example.com"),
        (6_000, "lead@example.com"),
    ]
    with pytest.raises(ValueError, match="tenant id"):
        repo.set_tenant_limit("a#b", 1, NOW)


def alert(holder: str = "t1", **changes: object) -> AlertRecord:
    made = AlertRecord(
        scope="tenant:acme",
        day=DAY,
        threshold="80",
        state="claimed",
        claimed_at=NOW,
        claim_token=holder,
        utilisation="0.85",
        committed_micros=850,
        limit_micros=1_000,
        forecast_micros=1_200,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_an_alert_is_claimed_once_and_taken_over_only_from_the_stale_claim(repo: CostsRepository) -> None:
    assert repo.claim_alert(alert())
    assert not repo.claim_alert(alert("t2"))
    assert repo.mark_alert_channel(alert(), "sns", NOW)
    assert not repo.mark_alert_channel(alert("other"), "events", NOW)

    assert not repo.take_over_alert(alert("t3"), stale_token="wrong")
    assert repo.take_over_alert(alert("t3", committed_micros=900, utilisation=None), stale_token="t1")
    assert not repo.take_over_alert(alert("t4"), stale_token="t1")

    (taken,) = repo.alerts(DAY)
    assert (taken.claim_token, taken.committed_micros, taken.utilisation) == ("t3", 900, "0.85")
    assert taken.channels == frozenset({"sns"}), "a take-over keeps the channels already published"
    assert not repo.mark_alert_published(alert("t1"), NOW)
    assert repo.mark_alert_published(alert("t3"), NOW + timedelta(seconds=5))
    (published,) = repo.alerts(DAY, "tenant:acme")
    assert (published.state, published.published_at) == ("published", NOW + timedelta(seconds=5))


def test_alerts_are_read_per_day_and_scope_in_scope_and_threshold_order(repo: CostsRepository) -> None:
    repo.claim_alert(alert(threshold="100"))
    repo.claim_alert(alert(threshold="80"))
    repo.claim_alert(alert(scope="global", threshold="80"))
    repo.claim_alert(alert(day=DAY + timedelta(days=1)))

    assert [(each.scope, each.threshold) for each in repo.alerts(DAY)] == [
        ("global", "80"),
        ("tenant:acme", "100"),
        ("tenant:acme", "80"),
    ]
    assert [each.threshold for each in repo.alerts(DAY, "tenant:acme")] == ["100", "80"]
    assert repo.alerts(date(2026, 1, 1)) == []
