"""API key creation, registration, listing, revocation and authentication against the embedded DynamoDB."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from orgair.auth.keys import (
    KEY_PREFIX,
    assign_usage_key,
    authenticate,
    create_key,
    hash_key,
    list_keys,
    register_key,
    revoke_key,
    tenant_usage_key,
    verify_key,
)
from orgair.auth.principal import SCOPES, Principal, principal_of
from orgair.dal.api_keys import ApiKeyTable
from orgair.errors import Conflict, DependencyUnavailable, NotFound, ValidationFailed
from orgair.observability import logger
from pydantic import SecretStr
from support.dynamodb_faults import inject_fault, record_operations, unreachable_client

from devtools.embedded_dynamodb import EmbeddedDynamoDB

TABLE = "ApiKeysTable"
READ = frozenset({"scores:read"})
LOCAL_KEY = "local-admin-key-chosen-by-the-developer-0001"


@pytest.fixture
def client(dynamodb: EmbeddedDynamoDB) -> Any:
    """A client of the test's own, so the test can watch or break its calls."""
    return dynamodb.client()


@pytest.fixture
def table(client: Any) -> ApiKeyTable:
    return ApiKeyTable(client, TABLE)


def raw_items(dynamodb: EmbeddedDynamoDB) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = dynamodb.client().scan(TableName=TABLE)["Items"]
    return items


def test_created_key_is_prefixed_and_carries_32_random_bytes(dynamodb: EmbeddedDynamoDB) -> None:
    plaintext, record = create_key(tenant_id="acme", scopes=READ, name="ci")
    assert plaintext.startswith(KEY_PREFIX)
    secret = plaintext.removeprefix(KEY_PREFIX)
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) == 32
    assert record.tenant_id == "acme"
    assert record.scopes == READ
    assert record.status == "active"
    assert record.last_used_at is None


def test_created_keys_and_their_ids_never_repeat(dynamodb: EmbeddedDynamoDB) -> None:
    created = [create_key(tenant_id="acme", scopes=READ, name=f"key {n}") for n in range(20)]
    assert len({plaintext for plaintext, _ in created}) == 20
    assert len({record.key_id for _, record in created}) == 20


def test_only_the_hash_of_a_key_is_stored(dynamodb: EmbeddedDynamoDB) -> None:
    plaintext, _ = create_key(tenant_id="acme", scopes=READ, name="ci")
    stored = json.dumps(raw_items(dynamodb))
    assert plaintext not in stored
    assert plaintext.removeprefix(KEY_PREFIX) not in stored
    assert f"KEY#{hash_key(plaintext)}" in stored


def test_created_record_is_the_stored_record(dynamodb: EmbeddedDynamoDB) -> None:
    _, record = create_key(tenant_id="acme", scopes=READ, name="ci")
    assert list_keys("acme") == [record]


def test_active_key_authenticates_as_its_tenant_and_scopes(dynamodb: EmbeddedDynamoDB) -> None:
    scopes = frozenset({"scores:read", "costs:read"})
    plaintext, record = create_key(tenant_id="acme", scopes=scopes, name="ci")
    assert authenticate(plaintext) == Principal(tenant_id="acme", scopes=scopes, key_id=record.key_id)


def test_unknown_key_does_not_authenticate(dynamodb: EmbeddedDynamoDB) -> None:
    create_key(tenant_id="acme", scopes=READ, name="ci")
    assert authenticate(KEY_PREFIX + "A" * 43) is None


def test_revoked_key_does_not_authenticate(dynamodb: EmbeddedDynamoDB) -> None:
    plaintext, record = create_key(tenant_id="acme", scopes=READ, name="ci")
    revoke_key(record.key_id)
    assert authenticate(plaintext) is None


@pytest.mark.parametrize(
    "candidate",
    ["", "short", "x" * 31, "a key with spaces in it that is long enough", "x" * 257, "ключ" * 10],
)
def test_shapes_no_key_can_have_are_refused_without_a_lookup(candidate: str) -> None:
    assert authenticate(candidate, table=ApiKeyTable(unreachable_client(), TABLE)) is None


def test_unreachable_store_fails_closed() -> None:
    with pytest.raises(DependencyUnavailable):
        authenticate(KEY_PREFIX + "A" * 43, table=ApiKeyTable(unreachable_client(), TABLE))


@pytest.mark.parametrize("tenant_id", ["", "a" * 65, "acme corp", "acme/eu", "acme#1", "écoles"])
def test_invalid_tenant_ids_are_refused(dynamodb: EmbeddedDynamoDB, tenant_id: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_key(tenant_id=tenant_id, scopes=READ, name="ci")
    assert [error.field for error in caught.value.errors] == ["tenant_id"]
    assert raw_items(dynamodb) == []


@pytest.mark.parametrize("tenant_id", ["a", "a" * 64, "Acme-EU_2.prod"])
def test_tenant_ids_of_letters_digits_dot_dash_underscore_are_accepted(
    dynamodb: EmbeddedDynamoDB, tenant_id: str
) -> None:
    _, record = create_key(tenant_id=tenant_id, scopes=READ, name="ci")
    assert list_keys(tenant_id) == [record]


def test_unknown_scope_is_refused_and_named(dynamodb: EmbeddedDynamoDB) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_key(tenant_id="acme", scopes=frozenset({"scores:read", "scores:delete"}), name="ci")
    assert [error.field for error in caught.value.errors] == ["scopes"]
    assert "scores:delete" in caught.value.errors[0].message


def test_a_key_needs_at_least_one_scope(dynamodb: EmbeddedDynamoDB) -> None:
    with pytest.raises(ValidationFailed):
        create_key(tenant_id="acme", scopes=frozenset(), name="ci")


def test_every_bad_field_is_reported_at_once(dynamodb: EmbeddedDynamoDB) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_key(tenant_id="", scopes=frozenset({"root"}), name="")
    assert {error.field for error in caught.value.errors} == {"tenant_id", "scopes", "name"}


def test_every_known_scope_can_be_granted(dynamodb: EmbeddedDynamoDB) -> None:
    plaintext, _ = create_key(tenant_id="acme", scopes=SCOPES, name="all")
    principal = authenticate(plaintext)
    assert principal is not None
    assert principal.scopes == SCOPES


def test_registered_key_authenticates(dynamodb: EmbeddedDynamoDB) -> None:
    record = register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    principal = authenticate(LOCAL_KEY)
    assert principal == Principal(tenant_id="local", scopes=frozenset({"admin"}), key_id=record.key_id)
    assert principal.has_scope("costs:write")


def test_registering_the_same_key_again_returns_the_stored_record(dynamodb: EmbeddedDynamoDB) -> None:
    first = register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    again = register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    assert again == first
    assert list_keys(None) == [first]


def test_registering_a_key_for_another_tenant_is_a_conflict(dynamodb: EmbeddedDynamoDB) -> None:
    register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    with pytest.raises(Conflict) as caught:
        register_key(LOCAL_KEY, tenant_id="other", scopes=frozenset({"admin"}), name="local admin")
    assert LOCAL_KEY not in str(caught.value)
    assert [record.tenant_id for record in list_keys(None)] == ["local"]


def test_registering_a_revoked_key_again_does_not_revive_it(dynamodb: EmbeddedDynamoDB) -> None:
    record = register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    revoke_key(record.key_id)
    again = register_key(LOCAL_KEY, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    assert again.status == "revoked"
    assert authenticate(LOCAL_KEY) is None


@pytest.mark.parametrize("plaintext", ["x" * 31, "thirty-two characters but spaced"])
def test_register_refuses_keys_too_short_or_not_one_token_without_echoing_them(
    dynamodb: EmbeddedDynamoDB, plaintext: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register_key(plaintext, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    assert [error.field for error in caught.value.errors] == ["key"]
    rendered = json.dumps(caught.value.to_problem(instance="/", correlation_id="c"))
    assert plaintext not in rendered
    assert raw_items(dynamodb) == []


def test_register_accepts_exactly_32_characters(dynamodb: EmbeddedDynamoDB) -> None:
    register_key("k" * 32, tenant_id="local", scopes=frozenset({"admin"}), name="local admin")
    assert authenticate("k" * 32) is not None


def test_tenant_listing_uses_the_index_and_never_scans(client: Any, table: ApiKeyTable) -> None:
    _, mine = create_key(tenant_id="acme", scopes=READ, name="one", table=table)
    _, also_mine = create_key(tenant_id="acme", scopes=READ, name="two", table=table)
    create_key(tenant_id="globex", scopes=READ, name="theirs", table=table)
    calls = record_operations(client)
    assert list_keys("acme", table=table) == [mine, also_mine]
    assert calls == ["Query"]


def test_listing_every_tenant_returns_every_key_and_no_id_items(dynamodb: EmbeddedDynamoDB) -> None:
    _, acme = create_key(tenant_id="acme", scopes=READ, name="one")
    _, globex = create_key(tenant_id="globex", scopes=READ, name="two")
    assert list_keys(None) == [acme, globex]


def test_listing_an_invalid_tenant_is_refused(dynamodb: EmbeddedDynamoDB) -> None:
    with pytest.raises(ValidationFailed):
        list_keys("not a tenant")


def test_revoking_marks_the_key_revoked_and_keeps_the_first_time(dynamodb: EmbeddedDynamoDB) -> None:
    _, record = create_key(tenant_id="acme", scopes=READ, name="ci")
    first = revoke_key(record.key_id, now=datetime(2030, 1, 1, tzinfo=UTC))
    second = revoke_key(record.key_id, now=datetime(2030, 1, 2, tzinfo=UTC))
    assert first.status == second.status == "revoked"
    assert first.revoked_at == second.revoked_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert list_keys("acme")[0].status == "revoked"


@pytest.mark.parametrize("key_id", ["kid_0000000000000000", "oak_pasted-by-mistake-instead-of-an-id-0000"])
def test_revoking_an_unknown_id_is_not_found_and_does_not_repeat_it(
    dynamodb: EmbeddedDynamoDB, key_id: str
) -> None:
    with pytest.raises(NotFound) as caught:
        revoke_key(key_id)
    assert key_id not in str(caught.value)


def test_last_used_is_recorded_at_most_once_a_minute(dynamodb: EmbeddedDynamoDB) -> None:
    plaintext, _ = create_key(tenant_id="acme", scopes=READ, name="ci")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)

    assert authenticate(plaintext, now=start) is not None
    assert list_keys("acme")[0].last_used_at == start

    assert authenticate(plaintext, now=start + timedelta(seconds=59)) is not None
    assert list_keys("acme")[0].last_used_at == start

    later = start + timedelta(seconds=61)
    assert authenticate(plaintext, now=later) is not None
    assert list_keys("acme")[0].last_used_at == later


def test_recent_use_costs_no_write(client: Any, table: ApiKeyTable) -> None:
    plaintext, _ = create_key(tenant_id="acme", scopes=READ, name="ci", table=table)
    now = datetime.now(UTC) + timedelta(hours=1)
    authenticate(plaintext, now=now, table=table)
    calls = record_operations(client)
    authenticate(plaintext, now=now + timedelta(seconds=10), table=table)
    assert calls == ["GetItem"]


def test_failing_last_used_write_does_not_fail_authentication_nor_log_the_key(
    client: Any, table: ApiKeyTable, caplog: pytest.LogCaptureFixture
) -> None:
    plaintext, record = create_key(tenant_id="acme", scopes=READ, name="ci", table=table)
    inject_fault(client, "UpdateItem", "EndpointConnection")
    with caplog.at_level(logging.WARNING, logger=logger.name):
        principal = authenticate(plaintext, table=table)
    assert principal is not None
    assert principal.key_id == record.key_id
    [warning] = caplog.records
    assert warning.__dict__["key_id"] == record.key_id
    logged = caplog.text + json.dumps({k: str(v) for k, v in warning.__dict__.items()})
    assert plaintext not in logged
    assert hash_key(plaintext) not in logged


# ---------------------------------------------------------------- the tenant's usage key


def test_a_tenants_keys_share_one_usage_key_and_other_tenants_get_their_own(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    _, first = create_key(tenant_id="acme", scopes=frozenset({"scores:read"}), name="one")
    _, second = create_key(tenant_id="acme", scopes=frozenset({"costs:read"}), name="two")
    registered = register_key("oak_" + "R" * 40, tenant_id="acme", scopes=frozenset({"admin"}), name="three")
    _, other = create_key(tenant_id="globex", scopes=frozenset({"scores:read"}), name="other")
    assert first.usage_key is not None
    assert first.usage_key == second.usage_key == registered.usage_key == tenant_usage_key("acme")
    assert other.usage_key is not None
    assert other.usage_key != first.usage_key
    assert first.usage_key.get_secret_value().startswith("ouk_")
    assert 20 <= len(first.usage_key.get_secret_value()) <= 128


def test_a_given_usage_key_is_stored_and_a_malformed_one_refused(dynamodb: EmbeddedDynamoDB) -> None:
    given = SecretStr("ouk_" + "G" * 40)
    _, record = create_key(tenant_id="acme", scopes=frozenset({"scores:read"}), name="one", usage_key=given)
    assert record.usage_key == given
    with pytest.raises(ValidationFailed) as refused:
        create_key(
            tenant_id="acme", scopes=frozenset({"scores:read"}), name="two", usage_key=SecretStr("short")
        )
    assert [error.field for error in refused.value.errors] == ["usage_key"]
    assert "short" not in str(refused.value.to_problem(instance="/keys", correlation_id="c"))


def test_assigning_a_usage_key_changes_only_the_keys_that_lack_it(dynamodb: EmbeddedDynamoDB) -> None:
    create_key(tenant_id="acme", scopes=frozenset({"scores:read"}), name="one")
    create_key(tenant_id="acme", scopes=frozenset({"scores:read"}), name="two")
    plaintext, _ = create_key(tenant_id="globex", scopes=frozenset({"scores:read"}), name="other")
    other_before = tenant_usage_key("globex")
    replacement = SecretStr("ouk_" + "N" * 40)
    assert assign_usage_key("acme", replacement) == 2
    assert assign_usage_key("acme", replacement) == 0
    assert {record.usage_key for record in list_keys("acme")} == {replacement}
    assert tenant_usage_key("globex") == other_before
    verified = verify_key(plaintext)
    assert verified is not None
    assert verified.usage_key == other_before


def test_verify_key_returns_the_record_with_its_usage_key_and_authenticate_the_principal(
    dynamodb: EmbeddedDynamoDB,
) -> None:
    plaintext, record = create_key(tenant_id="acme", scopes=frozenset({"scores:read"}), name="one")
    verified = verify_key(plaintext)
    assert verified is not None
    assert (verified.key_id, verified.usage_key) == (record.key_id, record.usage_key)
    assert authenticate(plaintext) == principal_of(record)
    assert verify_key("oak_" + "Z" * 43) is None
