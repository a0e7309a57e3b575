"""API keys: creation, registration, listing, revocation and authentication.

A key is `oak_` followed by 32 random bytes (URL-safe base64). Only its SHA-256 hex digest is
stored, as the item key; the plaintext exists once, in the return value of `create_key`. A plain
hash (no salt, no stretching) is enough because the keys carry 256 bits of entropy: there is
nothing to brute-force. Nothing here logs or raises with a key or its hash; the public `key_id` is
what identifies a key in logs, listings and revocation.

Every key of a tenant carries the tenant's usage key: the value of the tenant's API Gateway API
key, which the authorizer returns as `usageIdentifierKey` so API Gateway applies the usage plan's
throttle and quota per tenant (docs/tenants.md). It is drawn here (`ouk_` + 30 random bytes) when
the tenant has none yet, and like the key itself it is never logged.

Every function takes an optional `table` (an `ApiKeyRepository`), defaulting to the container's
client and the table named by settings; tools pointed elsewhere (the CLI) pass their own, tests may
pass the in-memory fake. The repository answers None or a typed outcome; this module maps them to
the service's errors (NotFound, Conflict).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Final

from pydantic import SecretStr

from orgair.auth.principal import SCOPES, Principal, principal_of
from orgair.dal.api_keys import ApiKeyRepository, ApiKeyTable
from orgair.errors import Conflict, FieldError, NotFound, ValidationFailed
from orgair.observability import logger
from orgair.records.api_keys import ApiKeyRecord, KeyStatus

__all__ = [
    "KEY_PREFIX",
    "ApiKeyRecord",
    "KeyStatus",
    "assign_usage_key",
    "authenticate",
    "create_key",
    "hash_key",
    "list_keys",
    "new_usage_key",
    "register_key",
    "revoke_key",
    "tenant_usage_key",
    "validate_tenant_id",
    "verify_key",
]

KEY_PREFIX: Final = "oak_"
KEY_ID_PREFIX: Final = "kid_"
USAGE_KEY_PREFIX: Final = "ouk_"
KEY_ENTROPY_BYTES: Final = 32
USAGE_KEY_ENTROPY_BYTES: Final = 30
MIN_KEY_LENGTH: Final = 32
MAX_KEY_LENGTH: Final = 256
MAX_NAME_LENGTH: Final = 128
LAST_USED_RESOLUTION: Final = timedelta(minutes=1)
_ATTEMPTS: Final = 5

_TENANT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# What can travel as one Bearer token: printable ASCII, no spaces.
_KEY_SHAPE = re.compile(rf"[\x21-\x7e]{{{MIN_KEY_LENGTH},{MAX_KEY_LENGTH}}}")
_KEY_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# API Gateway API key values: 20-128 characters; ours are `ouk_` + URL-safe base64.
_USAGE_KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,128}")


def hash_key(plaintext: str) -> str:
    """The stored form of a key: SHA-256 hex of its UTF-8 bytes."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    """UTC at the millisecond precision the table stores, so returned records equal stored ones."""
    current = (now or datetime.now(UTC)).astimezone(UTC)
    return current.replace(microsecond=current.microsecond // 1000 * 1000)


def _table(table: ApiKeyRepository | None) -> ApiKeyRepository:
    return table or ApiKeyTable.default()


def _tenant_errors(tenant_id: str, field: str = "tenant_id") -> list[FieldError]:
    if _TENANT_ID.fullmatch(tenant_id):
        return []
    return [FieldError(field, "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'")]


def validate_tenant_id(tenant_id: str, field: str = "tenant_id") -> str:
    """A tenant id as keys are issued for (1-64 of A-Z a-z 0-9 . _ -), else a 422 naming `field`."""
    errors = _tenant_errors(tenant_id, field)
    if errors:
        raise ValidationFailed("The tenant id is invalid.", errors=errors)
    return tenant_id


def _validate(tenant_id: str, scopes: frozenset[str], name: str) -> None:
    """Reject bad input with one 422 listing every offending field."""
    errors = _tenant_errors(tenant_id)
    if not scopes:
        errors.append(FieldError("scopes", "at least one scope is required"))
    unknown = sorted(scopes - SCOPES)
    if unknown:
        allowed = ", ".join(sorted(SCOPES))
        errors.append(FieldError("scopes", f"unknown scope(s) {', '.join(unknown)}; allowed: {allowed}"))
    if not name.strip() or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        errors.append(FieldError("name", f"must be 1-{MAX_NAME_LENGTH} printable characters"))
    if errors:
        raise ValidationFailed("The API key request is invalid.", errors=errors)


def _new_key_id() -> str:
    return KEY_ID_PREFIX + secrets.token_hex(8)


def _store_new(
    plaintext: str,
    *,
    tenant_id: str,
    scopes: frozenset[str],
    name: str,
    usage_key: SecretStr,
    table: ApiKeyRepository,
) -> ApiKeyRecord | None:
    """Insert the key under a fresh key id (redrawn on the rare collision); None when a key with
    this hash is already stored."""
    key_hash = hash_key(plaintext)
    for _ in range(_ATTEMPTS):
        record = ApiKeyRecord(
            key_id=_new_key_id(),
            tenant_id=tenant_id,
            scopes=scopes,
            name=name,
            status="active",
            created_at=_now(None),
            usage_key=usage_key,
        )
        outcome = table.insert(key_hash, record)
        if outcome == "duplicate_key_id":
            continue
        return record if outcome == "inserted" else None
    raise Conflict("Could not allocate a unique key id; try again.")


def new_usage_key() -> SecretStr:
    """A fresh usage key: a valid API Gateway API key value that no one can guess."""
    return SecretStr(USAGE_KEY_PREFIX + secrets.token_urlsafe(USAGE_KEY_ENTROPY_BYTES))


def _usage_key_errors(usage_key: SecretStr | None) -> list[FieldError]:
    if usage_key is None or _USAGE_KEY_SHAPE.fullmatch(usage_key.get_secret_value()):
        return []
    return [FieldError("usage_key", "must be 20-128 characters of A-Z, a-z, 0-9, '_' or '-'")]


def tenant_usage_key(tenant_id: str, *, table: ApiKeyRepository | None = None) -> SecretStr | None:
    """The usage key the tenant's keys carry (of its newest key that has one), or None."""
    for record in reversed(list_keys(tenant_id, table=table)):
        if record.usage_key is not None:
            return record.usage_key
    return None


def _usage_key_for(tenant_id: str, usage_key: SecretStr | None, table: ApiKeyRepository) -> SecretStr:
    """The given usage key, else the tenant's, else a new one: one usage key per tenant."""
    return usage_key or tenant_usage_key(tenant_id, table=table) or new_usage_key()


def assign_usage_key(tenant_id: str, usage_key: SecretStr, *, table: ApiKeyRepository | None = None) -> int:
    """Give every key of the tenant this usage key; how many keys changed."""
    errors = _tenant_errors(tenant_id) + _usage_key_errors(usage_key)
    if errors:
        raise ValidationFailed("The usage key request is invalid.", errors=errors)
    table = _table(table)
    changed = 0
    for record in list_keys(tenant_id, table=table):
        if record.usage_key == usage_key:
            continue
        key_hash = table.key_hash_for(record.key_id)
        if key_hash is not None and table.set_usage_key(key_hash, usage_key) is not None:
            changed += 1
    return changed


def create_key(
    *,
    tenant_id: str,
    scopes: frozenset[str],
    name: str,
    usage_key: SecretStr | None = None,
    table: ApiKeyRepository | None = None,
) -> tuple[str, ApiKeyRecord]:
    """A new random key for the tenant: the plaintext (shown once, never stored) and its record.

    The record carries `usage_key` if given, else the tenant's existing one, else a new one.
    """
    _validate(tenant_id, scopes, name)
    errors = _usage_key_errors(usage_key)
    if errors:
        raise ValidationFailed("The API key request is invalid.", errors=errors)
    scopes = frozenset(scopes)
    table = _table(table)
    usage_key = _usage_key_for(tenant_id, usage_key, table)
    for _ in range(_ATTEMPTS):
        plaintext = KEY_PREFIX + secrets.token_urlsafe(KEY_ENTROPY_BYTES)
        record = _store_new(
            plaintext, tenant_id=tenant_id, scopes=scopes, name=name, usage_key=usage_key, table=table
        )
        if record is not None:
            return plaintext, record
    raise Conflict("Could not generate a unique API key; try again.")


def register_key(
    plaintext: str,
    *,
    tenant_id: str,
    scopes: frozenset[str],
    name: str,
    usage_key: SecretStr | None = None,
    table: ApiKeyRepository | None = None,
) -> ApiKeyRecord:
    """Store a caller-chosen key (e.g. LOCAL_ADMIN_API_KEY), with a usage key as `create_key` does.

    Idempotent: registering the same key again for the same tenant and scopes returns the stored
    record unchanged (a revoked key stays revoked). The same key with another tenant or other
    scopes is a conflict, never a silent re-grant.
    """
    errors = (
        []
        if _KEY_SHAPE.fullmatch(plaintext)
        else [
            FieldError(
                "key",
                f"must be {MIN_KEY_LENGTH}-{MAX_KEY_LENGTH} printable ASCII characters without spaces",
            )
        ]
    )
    try:
        _validate(tenant_id, scopes, name)
    except ValidationFailed as invalid:
        errors.extend(invalid.errors)
    errors.extend(_usage_key_errors(usage_key))
    if errors:
        raise ValidationFailed("The API key request is invalid.", errors=errors)
    scopes = frozenset(scopes)
    table = _table(table)
    for _ in range(_ATTEMPTS):
        stored = table.get(hash_key(plaintext), consistent=True)
        if stored is not None:
            _, record = stored
            if record.tenant_id != tenant_id or record.scopes != scopes:
                raise Conflict("This API key is already registered for another tenant or other scopes.")
            return record
        inserted = _store_new(
            plaintext,
            tenant_id=tenant_id,
            scopes=scopes,
            name=name,
            usage_key=_usage_key_for(tenant_id, usage_key, table),
            table=table,
        )
        if inserted is not None:
            return inserted
    raise Conflict("Could not register the API key; try again.")


def list_keys(tenant_id: str | None, *, table: ApiKeyRepository | None = None) -> list[ApiKeyRecord]:
    """One tenant's keys through the index, or (None) every tenant's by a scan; oldest first."""
    table = _table(table)
    if tenant_id is None:
        records = table.list_all()
    else:
        errors = _tenant_errors(tenant_id)
        if errors:
            raise ValidationFailed("The tenant id is invalid.", errors=errors)
        records = table.list_for_tenant(tenant_id)
    return sorted(records, key=lambda record: (record.tenant_id, record.created_at, record.key_id))


def revoke_key(
    key_id: str, *, now: datetime | None = None, table: ApiKeyRepository | None = None
) -> ApiKeyRecord:
    """Revoke by public id. Revoking twice is harmless and keeps the first revocation time.

    The message never repeats the given id: an operator who pastes a key here by mistake must not
    find it in a log.
    """
    table = _table(table)
    key_hash = table.key_hash_for(key_id) if _KEY_ID_SHAPE.fullmatch(key_id) else None
    record = table.revoke(key_hash, _now(now)) if key_hash else None
    if record is None:
        raise NotFound("No API key has this id.")
    return record


def authenticate(
    plaintext: str, *, now: datetime | None = None, table: ApiKeyRepository | None = None
) -> Principal | None:
    """The principal of an active key, or None for anything else (see `verify_key`)."""
    record = verify_key(plaintext, now=now, table=table)
    return None if record is None else principal_of(record)


def verify_key(
    plaintext: str, *, now: datetime | None = None, table: ApiKeyRepository | None = None
) -> ApiKeyRecord | None:
    """The record of an active key, or None for anything else.

    Shapes no key can have are refused without a lookup. The lookup is by hash, so no comparison
    of secrets happens in a loop; the one check of the stored hash against ours (that the item read
    is the item asked for) is constant-time anyway. last_used_at is written at most once per
    LAST_USED_RESOLUTION and a failure of that write never fails the request. An unreachable store
    raises DependencyUnavailable: the caller fails closed.
    """
    if not _KEY_SHAPE.fullmatch(plaintext):
        return None
    key_hash = hash_key(plaintext)
    table = _table(table)
    stored = table.get(key_hash)
    if stored is None:
        return None
    stored_hash, record = stored
    if not hmac.compare_digest(stored_hash, key_hash) or not record.active:
        return None
    current = _now(now)
    since = current - LAST_USED_RESOLUTION
    if record.last_used_at is None or record.last_used_at < since:
        try:
            table.touch(key_hash, current, unless_used_since=since)
        except Exception as error:
            logger.warning(
                "could not record API key use; request continues",
                extra={"key_id": record.key_id, "error": type(error).__name__},
            )
    return record
