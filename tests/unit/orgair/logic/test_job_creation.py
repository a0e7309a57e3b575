"""Creating a job is crash-safe, on the embedded DynamoDB: a creation that died between reserving
its budget and storing its job is released by the budget check after a grace; a retry with the same
Idempotency-Key completes it on one reservation, or answers the stored job reserving and queueing
nothing; without a key a failed store releases at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from orgair.aws import dynamodb_client
from orgair.costs.budget import tenant_scope
from orgair.costs.job_budget import job_position
from orgair.costs.ledger import CostLedger
from orgair.errors import Conflict, DependencyUnavailable
from orgair.logic.jobs import (
    CREATION_GRACE,
    release_abandoned_creations,
)
from support.job_faults import fail_storing_jobs
from support.job_harness import Harness, failing_queue


def test_a_creation_that_died_before_storing_its_job_is_released_by_the_budget_check_after_a_grace(
    harness: Harness,
) -> None:
    refused = fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(2, budget="3.00", key="crash-1")
    (creation,) = harness.repo.pending_creations(harness.now.date())
    leaked = harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros

    early = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + timedelta(minutes=1)
    )
    late = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    assert len(refused) == 1
    assert leaked == 3_000_000
    assert early == []
    assert late == [creation.job_id]
    assert harness.repo.get("acme", creation.job_id) is None
    assert harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros == 0
    assert harness.repo.pending_creations(creation.day) == []


def test_a_retry_with_the_same_key_after_such_a_crash_reserves_nothing_more_and_stores_the_job(
    harness: Harness,
) -> None:
    fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(2, budget="3.00", key="crash-2")
    (creation,) = harness.repo.pending_creations(harness.now.date())

    job = harness.create(2, budget="3.00", key="crash-2")
    released = release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    assert job.job_id == creation.job_id
    assert harness.repo.get("acme", job.job_id) is not None
    assert harness.ledger.store.counter(tenant_scope("acme"), job.day).committed_micros == 3_000_000
    assert harness.repo.pending_creations(job.day) == []
    assert released == []
    assert not job_position(harness.ledger.store, job.job_id, job.day).released


def test_a_retry_after_the_budget_check_released_the_dead_creation_is_a_409_reserving_nothing(
    harness: Harness,
) -> None:
    fail_storing_jobs(dynamodb_client())
    with pytest.raises(DependencyUnavailable):
        harness.create(1, budget="2.00", key="crash-3")
    (creation,) = harness.repo.pending_creations(harness.now.date())
    release_abandoned_creations(
        harness.repo, harness.ledger, creation.started_at + CREATION_GRACE + timedelta(seconds=1)
    )

    with pytest.raises(Conflict, match="new Idempotency-Key"):
        harness.create(1, budget="2.00", key="crash-3")

    assert harness.repo.get("acme", creation.job_id) is None
    assert harness.ledger.store.counter(tenant_scope("acme"), creation.day).committed_micros == 0
    assert harness.repo.pending_creations(creation.day) == []
    assert harness.create(1, budget="2.00", key="crash-3-new").job_id != creation.job_id


def test_a_retry_with_the_same_key_after_its_job_was_stored_answers_it_reserving_and_queueing_nothing(
    harness: Harness,
) -> None:
    """Past Powertools' 24 h response record a retry runs the creation again: even on another day,
    it answers the stored job instead of reserving that day's budget and queueing every company."""
    first = harness.create(2, budget="3.00", key="stored-1")
    tomorrow = harness.now + timedelta(days=1)
    harness.ledger = CostLedger(harness.settings, clock=lambda: tomorrow)
    sends: list[int] = []

    again = harness.create(
        2, budget="3.00", queue=failing_queue(harness.settings, set(), sends), key="stored-1"
    )

    assert again.job_id == first.job_id
    assert sends == []
    assert harness.ledger.store.counter(tenant_scope("acme"), tomorrow.date()).committed_micros == 0
    assert harness.ledger.store.counter(tenant_scope("acme"), first.day).committed_micros == 3_000_000
    assert harness.repo.pending_creations(tomorrow.date()) == []


def test_without_a_key_a_failed_store_releases_at_once_and_notes_nothing(harness: Harness) -> None:
    fail_storing_jobs(dynamodb_client())

    with pytest.raises(DependencyUnavailable):
        harness.create(1, budget="2.00")

    assert harness.repo.pending_creations(harness.now.date()) == []
    assert harness.ledger.store.counter(tenant_scope("acme"), harness.now.date()).committed_micros == 0
