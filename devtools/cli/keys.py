"""`orgair keys` (create, list, revoke) and `orgair tenants provision`: API keys and the tenants'
usage keys (docs/tenants.md)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence

from orgair.auth.keys import (
    ApiKeyRecord,
    assign_usage_key,
    create_key,
    list_keys,
    new_usage_key,
    revoke_key,
    tenant_usage_key,
)
from pydantic import SecretStr

from devtools.cli.output import columns, instant
from devtools.cli.target import Target


def _tenant_usage_key(tenant_id: str, target: Target) -> SecretStr:
    """The tenant's usage key: with --aws its API Gateway key's value (created when missing), given
    to every key of the tenant; locally the stored one, else a new one."""
    stored = tenant_usage_key(tenant_id, table=target.table)
    if target.usage_plans is None:
        return stored or new_usage_key()
    key_id, value = target.usage_plans.ensure(tenant_id, stored)
    print(f"tenant {tenant_id}: API key {key_id} in usage plan {target.usage_plans.usage_plan_id}")
    return value


def _scopes(text: str) -> frozenset[str]:
    return frozenset(scope for scope in re.split(r"[,\s]+", text) if scope)


def _table_text(records: Sequence[ApiKeyRecord]) -> str:
    header = ("KEY_ID", "TENANT", "STATUS", "SCOPES", "NAME", "CREATED", "LAST_USED")
    rows = [header] + [
        (
            record.key_id,
            record.tenant_id,
            record.status,
            ",".join(sorted(record.scopes)),
            record.name,
            instant(record.created_at),
            instant(record.last_used_at),
        )
        for record in records
    ]
    return columns(rows)


def create_command(args: argparse.Namespace, target: Target) -> int:
    scopes = _scopes(args.scopes)
    usage_key: SecretStr | None = None
    if target.usage_plans is not None:
        # Validate before creating anything in API Gateway: an API key for a refused tenant id is litter.
        list_keys(args.tenant, table=target.table)
        usage_key = _tenant_usage_key(args.tenant, target)
        assign_usage_key(args.tenant, usage_key, table=target.table)
    plaintext, record = create_key(
        tenant_id=args.tenant, scopes=scopes, name=args.name, usage_key=usage_key, table=target.table
    )
    print(f"key_id:  {record.key_id}")
    print(f"tenant:  {record.tenant_id}")
    print(f"scopes:  {' '.join(sorted(record.scopes))}")
    print(f"name:    {record.name}")
    print("The key is shown this once; only its SHA-256 hash is stored:")
    print(plaintext)
    return 0


def list_command(args: argparse.Namespace, target: Target) -> int:
    records = list_keys(args.tenant, table=target.table)
    print(_table_text(records) if records else "no API keys")
    return 0


def authorizer_cache_seconds() -> int:
    """How long API Gateway may keep answering from a cached authorization: the longest
    `ReauthorizeEvery` of the template's authorizers, the AuthorizerCacheSeconds parameter (a revoked
    key works until it runs out)."""
    from devtools.template import Template, load_template

    ttls = [
        authorizer.reauthorize_every
        for api in Template(load_template()).apis()
        for authorizer in api.authorizers.values()
    ]
    return max(ttls, default=0)


def revoke_command(args: argparse.Namespace, target: Target) -> int:
    record = revoke_key(args.key_id, table=target.table)
    print(f"revoked {record.key_id} (tenant {record.tenant_id}, name {record.name!r})")
    ttl = authorizer_cache_seconds()
    if ttl:
        print(
            f"note: API Gateway caches each key's authorization for up to {ttl} s (template parameter "
            f"AuthorizerCacheSeconds, the authorizer's ReauthorizeEvery), so requests with this key may "
            f"still succeed for up to {ttl} s"
        )
    return 0


def provision_command(args: argparse.Namespace, target: Target) -> int:
    tenants = (
        [args.tenant]
        if args.tenant
        else sorted({record.tenant_id for record in list_keys(None, table=target.table)})
    )
    if not tenants:
        print("no tenants: no API keys exist yet")
        return 0
    for tenant in tenants:
        list_keys(tenant, table=target.table)  # validates the tenant id before anything is created
        changed = assign_usage_key(tenant, _tenant_usage_key(tenant, target), table=target.table)
        print(f"tenant {tenant}: {changed} key(s) given the tenant's usage key")
    return 0
