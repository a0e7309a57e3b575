"""Budget counters and tenant budgets: a scope's day counter, many at once, and the operator-set
tenant budgets with their audited history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from orgair.aws import store_errors
from orgair.dal.costs.items import Item, change_from, change_item, counter_from, setting_from, setting_item
from orgair.dal.costs.keys import BUDGET_SETTINGS_PK, budget_audit_pk, counter_key, tenant_setting_key
from orgair.dal.costs.repository import StoreInconsistency
from orgair.dal.costs.table import CostsTable
from orgair.dynamo.codec import optional_integer, text
from orgair.dynamo.transact import TRANSACTION_ATTEMPTS, ConditionFailed
from orgair.errors import DependencyUnavailable
from orgair.records.costs import BudgetChange, BudgetSetting, Counter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class Budgets(CostsTable):
    def counter(self, scope: str, day: date) -> Counter:
        return counter_from(scope, day, self._get(counter_key(scope, day), "reading a budget"))

    def counters(self, scopes: Sequence[str], day: date) -> dict[str, Counter]:
        """Every scope's counter for the day (missing ones as zero), in batches of 100."""
        found: dict[str, Counter] = {scope: Counter(scope=scope, day=day) for scope in scopes}
        for start in range(0, len(scopes), 100):
            pending: list[Item] = [counter_key(scope, day) for scope in scopes[start : start + 100]]
            for _attempt in range(TRANSACTION_ATTEMPTS):
                if not pending:
                    break
                with store_errors("reading budgets"):
                    response = self._client.batch_get_item(
                        RequestItems={self._table: {"Keys": pending, "ConsistentRead": True}}
                    )
                for item in response.get("Responses", {}).get(self._table, []):
                    scope = text(item, "scope")
                    found[scope] = counter_from(scope, day, item)
                unprocessed: Mapping[str, Any] = response.get("UnprocessedKeys", {}).get(self._table, {})
                pending = list(unprocessed.get("Keys", []))
            if pending:
                raise DependencyUnavailable("The data store kept budgets unprocessed.", retry_after_seconds=1)
        return found

    def tenant_limit(self, tenant_id: str) -> int | None:
        item = self._get(tenant_setting_key(tenant_id), "reading a tenant budget")
        return optional_integer(item, "limit_micros") if item else None

    def set_tenant_limit(
        self, tenant_id: str, limit_micros: int | None, now: datetime, *, by: str = "unattributed"
    ) -> None:
        """An operator's per-tenant daily budget (None removes it: the tenant is bound by global only).

        Audited: the setting records who changed it and when (`updated_by`, `updated_at`), and every
        change, a removal included, appends an item to the tenant's budget history, in the same
        transaction, so the trail survives the removal of the setting itself.
        """
        change: dict[str, Any] = (
            {"Delete": {"TableName": self._table, "Key": tenant_setting_key(tenant_id)}}
            if limit_micros is None
            else {"Put": {"TableName": self._table, "Item": setting_item(tenant_id, limit_micros, now, by)}}
        )
        audit = {"Put": {"TableName": self._table, "Item": change_item(tenant_id, limit_micros, now, by)}}
        items = [cast("TransactWriteItemTypeDef", change), cast("TransactWriteItemTypeDef", audit)]
        if isinstance(self._transact(items, "setting a tenant budget"), ConditionFailed):
            raise StoreInconsistency("a tenant budget's unconditional write was refused by a condition")

    def tenant_limits(self) -> dict[str, int]:
        """Every configured tenant budget as {scope: limit}."""
        return {scope: setting.limit_micros for scope, setting in self.tenant_budget_settings().items()}

    def tenant_budget_settings(self) -> dict[str, BudgetSetting]:
        """Every configured tenant budget as {scope: setting}, with who set it and when."""
        return {text(item, "sk"): setting_from(item) for item in self._query({"pk": BUDGET_SETTINGS_PK})}

    def tenant_budget_setting(self, tenant_id: str) -> BudgetSetting | None:
        item = self._get(tenant_setting_key(tenant_id), "reading a tenant budget")
        return setting_from(item) if item else None

    def budget_history(self, tenant_id: str, limit: int) -> list[BudgetChange]:
        """The tenant budget's most recent changes, newest first (at most `limit`)."""
        items = self._query(
            {"pk": budget_audit_pk(tenant_id)},
            newest_first=True,
            limit=limit,
            what="reading a tenant budget's history",
        )
        return [change_from(item) for item in items]
