"""Where the operator's commands act: the DynamoDB tables (local or --aws), the stack's usage plan
and outputs, the cost ledger, and who the operator is."""

from __future__ import annotations

import argparse
import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from orgair.auth.keys import new_usage_key
from orgair.costs.ledger import CostLedger
from orgair.dal.api_keys import ApiKeyTable
from orgair.dal.costs import CostsStore
from orgair.settings import Settings
from pydantic import SecretStr

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_cloudformation.type_defs import StackTypeDef
    from mypy_boto3_dynamodb import DynamoDBClient


LOCAL_REGION = "us-east-1"
LOCAL_TABLE_NAME = "ApiKeysTable"
LOCAL_COSTS_TABLE_NAME = "CostsTable"
GLOBAL_BUDGET_PARAMETER = "DailyCostBudgetUsd"
USAGE_PLAN_OUTPUT = "TenantUsagePlanId"
USAGE_PLAN_ENV = "TENANT_USAGE_PLAN_ID"


@dataclass(frozen=True)
class Target:
    """Where the keys live, and how to name that place in messages."""

    table: ApiKeyTable
    where: str
    usage_plans: UsagePlanKeys | None = None
    """The stack's usage plan (with --aws); None locally, where no API Gateway exists."""
    client: DynamoDBClient | None = None
    """The DynamoDB client the tables are read with (for CostsTable: `budgets`)."""
    session: boto3.session.Session | None = None
    """With --aws: the session of the environment's credentials."""


@dataclass(frozen=True)
class UsagePlanKeys:
    """The tenants' API Gateway API keys in one usage plan."""

    client: APIGatewayClient
    usage_plan_id: str

    def key_name(self, tenant_id: str) -> str:
        """One API key per tenant and plan (so staging and prod in one account never share one)."""
        return f"orgair-{self.usage_plan_id}-{tenant_id}"

    def ensure(self, tenant_id: str, stored: SecretStr | None) -> tuple[str, SecretStr]:
        """The tenant's API key (id, value), created with `stored` (or a new value) when missing,
        and a member of the plan. An existing API key's value wins: it is what API Gateway meters."""
        name = self.key_name(tenant_id)
        # NotFoundException (exit 2) before anything is created when the plan id is wrong.
        self.client.get_usage_plan(usagePlanId=self.usage_plan_id)
        found = [
            item
            for page in self.client.get_paginator("get_api_keys").paginate(nameQuery=name, includeValues=True)
            for item in page.get("items", [])
            if item.get("name") == name
        ]
        if found:
            key_id, value = str(found[0]["id"]), SecretStr(str(found[0]["value"]))
        else:
            value = stored or new_usage_key()
            created = self.client.create_api_key(
                name=name,
                description=f"orgair tenant {tenant_id}: per-tenant limits (usage plan {self.usage_plan_id})",
                enabled=True,
                value=value.get_secret_value(),
            )
            key_id = str(created["id"])
        try:
            self.client.create_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=key_id, keyType="API_KEY")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise
        return key_id, value


class Unusable(Exception):
    """The command cannot run as configured (exit 2)."""


def client_config() -> Config:
    return Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 2})


def local_endpoint() -> str:
    return f"http://127.0.0.1:{os.environ.get('DYNAMODB_PORT', '8000')}"


def connect(args: argparse.Namespace) -> Target:
    table_name = args.table or os.environ.get("API_KEYS_TABLE_NAME") or LOCAL_TABLE_NAME
    client: DynamoDBClient
    if args.aws:
        session = boto3.session.Session(region_name=args.region)
        if not session.region_name:
            raise Unusable("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) or pass --region")
        client = session.client("dynamodb", config=client_config())
        where = f"DynamoDB in {session.region_name}"
        if args.command == "tenants" or (args.command == "keys" and args.action == "create"):
            plan_id = _usage_plan_id(args, session)
            apigateway = session.client("apigateway", config=client_config())
            return Target(
                ApiKeyTable(client, table_name), where, UsagePlanKeys(apigateway, plan_id), client, session
            )
        return Target(ApiKeyTable(client, table_name), where, None, client, session)
    else:
        endpoint = args.endpoint_url or local_endpoint()
        client = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=args.region or LOCAL_REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the embedded DynamoDB accepts any credentials
            config=client_config(),
        )
        where = f"the local DynamoDB at {endpoint}"
    return Target(ApiKeyTable(client, table_name), where, None, client)


def _usage_plan_id(args: argparse.Namespace, session: boto3.session.Session) -> str:
    """--usage-plan-id, else $TENANT_USAGE_PLAN_ID, else the TenantUsagePlanId output of --stack."""
    plan_id = args.usage_plan_id or os.environ.get(USAGE_PLAN_ENV)
    if plan_id:
        return str(plan_id)
    if not args.stack:
        raise Unusable(
            f"no usage plan: pass --stack <stack name>, --usage-plan-id or set {USAGE_PLAN_ENV} "
            "(every tenant needs an API key in the stack's usage plan, docs/tenants.md)"
        )
    stack = describe_stack(session, args.stack)
    outputs = {output.get("OutputKey"): output.get("OutputValue") for output in stack.get("Outputs", [])}
    plan_id = outputs.get(USAGE_PLAN_OUTPUT)
    if not plan_id:
        raise Unusable(f"stack {args.stack!r} has no {USAGE_PLAN_OUTPUT} output")
    return str(plan_id)


def operator_name(target: Target) -> str:
    """Who is changing a budget: the AWS caller's ARN with --aws, else `local:<user>`."""
    if target.session is None:
        return f"local:{getpass.getuser()}"
    sts = target.session.client("sts", config=client_config())
    return str(sts.get_caller_identity()["Arn"])


def describe_stack(session: boto3.session.Session, name: str) -> StackTypeDef:
    """The CloudFormation stack --stack names (its outputs and parameters); Unusable when unreadable."""
    cloudformation = session.client("cloudformation", config=client_config())
    try:
        return cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise Unusable(f"cannot read stack {name!r} ({code})") from None


def cost_ledger(args: argparse.Namespace, target: Target, settings: Settings) -> CostLedger:
    """The cost ledger in CostsTable (--costs-table, else $COSTS_TABLE_NAME, else CostsTable)."""
    if target.client is None:
        raise Unusable("no DynamoDB client")
    table = args.costs_table or os.environ.get("COSTS_TABLE_NAME") or LOCAL_COSTS_TABLE_NAME
    return CostLedger(settings, store=CostsStore(table, target.client))
