"""The operational wiring of template.yaml: every function and table is watched, deployments shift
traffic through CodeDeploy with the health alarms as rollback triggers, alarms reach OpsTopic, and
the dashboard reads the business metrics the code really emits."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from orgair import business_metrics
from support.samtransform import ROLLBACK_ALARMS

from devtools.template import ROOT, Template, load_template

MAX_METRICS_PER_ALARM = 10


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_template()


def resources_of(raw: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in raw["Resources"].items() if res["Type"] == resource_type}


def alarm(raw: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = raw["Resources"][name]["Properties"]
    return properties


def watched(raw: dict[str, Any], alarm_name: str, dimension: str) -> list[str]:
    """The resources (by !Ref) whose metric feeds a metric-math alarm."""
    names: list[str] = []
    for query in alarm(raw, alarm_name)["Metrics"]:
        if set(query) == {"Fn::If"}:  # the metric of a conditional resource (e.g. CorsPreflightFunction)
            query = query["Fn::If"][1]
        stat = query.get("MetricStat")
        if stat:
            for item in stat["Metric"]["Dimensions"]:
                if item["Name"] == dimension:
                    names.append(item["Value"]["Ref"])
    return names


def scheduled_functions(raw: dict[str, Any]) -> set[str]:
    """The functions no caller waits for: invoked only by EventBridge schedules (asynchronously) or
    by an SQS event source (whose poller retries a throttled batch by itself)."""
    return {
        name
        for name, function in resources_of(raw, "AWS::Serverless::Function").items()
        if (events := function["Properties"].get("Events", {}))
        and all(event["Type"] in ("Schedule", "SQS") for event in events.values())
    }


def test_every_function_is_watched_for_throttles_by_exactly_one_alarm_of_at_most_10_metrics(
    raw: dict[str, Any],
) -> None:
    functions = set(resources_of(raw, "AWS::Serverless::Function"))
    api = watched(raw, "FunctionThrottlesAlarm", "FunctionName")
    scheduled = watched(raw, "ScheduledFunctionThrottlesAlarm", "FunctionName")

    missing = sorted(functions - set(api) - set(scheduled))
    assert not missing, f"add a metric for {missing} to a throttles alarm in template.yaml"
    assert not set(api) & set(scheduled), "a function is in both throttles alarms"
    assert set(scheduled) == scheduled_functions(raw), (
        "scheduled functions go to ScheduledFunctionThrottlesAlarm"
    )
    for name, covered in (("FunctionThrottlesAlarm", api), ("ScheduledFunctionThrottlesAlarm", scheduled)):
        assert len(covered) == len(set(covered)), name
        assert len(covered) <= MAX_METRICS_PER_ALARM, f"{name}: split it, at most 10 metrics"


def test_only_the_throttles_of_functions_behind_the_api_roll_a_deployment_back(raw: dict[str, Any]) -> None:
    """A scheduled function is invoked asynchronously: Lambda retries a throttled event for up to 6
    hours, so its throttles notify but never roll back the canaries of the API's functions."""
    rollback = {item["Ref"] for item in raw["Globals"]["Function"]["DeploymentPreference"]["Alarms"]}

    assert "FunctionThrottlesAlarm" in rollback
    assert "ScheduledFunctionThrottlesAlarm" not in rollback
    assert alarm(raw, "ScheduledFunctionThrottlesAlarm")["AlarmActions"] == [{"Ref": "OpsTopic"}]
    assert not set(watched(raw, "FunctionThrottlesAlarm", "FunctionName")) & scheduled_functions(raw)


def test_every_function_but_the_authorizer_rolls_back_on_errors(raw: dict[str, Any]) -> None:
    """The daily reconciliation's errors notify without rolling back (ScheduledFunctionErrorsAlarm)."""
    functions = set(resources_of(raw, "AWS::Serverless::Function"))
    covered = watched(raw, "FunctionErrorsAlarm", "FunctionName")
    jobs = watched(raw, "JobsFunctionErrorsAlarm", "FunctionName")
    scheduled = watched(raw, "ScheduledFunctionErrorsAlarm", "FunctionName")
    rollback = {item["Ref"] for item in raw["Globals"]["Function"]["DeploymentPreference"]["Alarms"]}

    assert set(covered) | set(jobs) == functions - {"AuthorizerFunction", "ReconciliationFunction"}
    assert not set(covered) & set(jobs)
    assert {"FunctionErrorsAlarm", "JobsFunctionErrorsAlarm"} <= rollback
    assert scheduled == ["ReconciliationFunction"]
    assert len(covered) <= MAX_METRICS_PER_ALARM, "FunctionErrorsAlarm: split it, at most 10 metrics"


def test_authorizer_errors_notify_without_rolling_back(raw: dict[str, Any]) -> None:
    """The authorizer raises only when the key store is unreadable (a dependency outage); a broken
    authorizer version answers 5xx, which Api5xxRateAlarm (a rollback alarm) counts."""
    properties = alarm(raw, "AuthorizerErrorsAlarm")
    rollback = {item["Ref"] for item in raw["Globals"]["Function"]["DeploymentPreference"]["Alarms"]}

    assert properties["MetricName"] == "Errors"
    assert properties["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "AuthorizerFunction"}}]
    assert properties["Threshold"] > 1
    assert "AuthorizerErrorsAlarm" not in rollback
    assert "Api5xxRateAlarm" in rollback


def test_latency_rollback_alarm_leaves_assessments_to_its_own_alarm(raw: dict[str, Any]) -> None:
    functions = set(resources_of(raw, "AWS::Serverless::Function"))
    rollback = {item["Ref"] for item in raw["Globals"]["Function"]["DeploymentPreference"]["Alarms"]}
    scheduled = scheduled_functions(raw)

    fast = set(watched(raw, "ApiLatencyP95Alarm", "FunctionName"))
    assert fast == functions - {"AssessmentsFunction"} - scheduled
    assert alarm(raw, "ApiLatencyP95Alarm")["Threshold"] == 2000
    slow = alarm(raw, "AssessmentsLatencyP95Alarm")
    assert slow["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "AssessmentsFunction"}}]
    assert slow["ExtendedStatistic"] == "p95"
    assert 2000 < slow["Threshold"] < 29000
    assert "ApiLatencyP95Alarm" in rollback
    assert "AssessmentsLatencyP95Alarm" not in rollback


@pytest.mark.parametrize("alarm_name", ["DynamoDbReadThrottleAlarm", "DynamoDbWriteThrottleAlarm"])
def test_every_table_is_watched_for_throttling(raw: dict[str, Any], alarm_name: str) -> None:
    tables = set(resources_of(raw, "AWS::DynamoDB::Table"))
    covered = watched(raw, alarm_name, "TableName")

    assert set(covered) == tables
    assert len(covered) <= MAX_METRICS_PER_ALARM


def test_every_metric_math_alarm_sums_exactly_its_own_metric_ids(raw: dict[str, Any]) -> None:
    for name in (
        "ApiLatencyP95Alarm",
        "FunctionErrorsAlarm",
        "FunctionThrottlesAlarm",
        "ScheduledFunctionThrottlesAlarm",
        "ScheduledFunctionErrorsAlarm",
        "DynamoDbReadThrottleAlarm",
        "DynamoDbWriteThrottleAlarm",
    ):
        queries = alarm(raw, name)["Metrics"]
        (expression,) = [query for query in queries if "Expression" in query]
        prefix = re.search(r'METRICS\("(\w+)"\)', expression["Expression"])
        assert prefix is not None
        ids = [query["Id"] for query in queries if "MetricStat" in query]
        assert all(identifier.startswith(prefix.group(1)) for identifier in ids), name
        assert not expression["Id"].startswith(prefix.group(1)), name


def test_every_function_publishes_a_live_alias_shifted_by_codedeploy(raw: dict[str, Any]) -> None:
    globals_ = raw["Globals"]["Function"]

    assert globals_["AutoPublishAlias"] == "live"
    preference = globals_["DeploymentPreference"]
    assert preference["Type"] == {
        "Fn::FindInMap": ["EnvironmentSettings", {"Ref": "Environment"}, "DeploymentType"]
    }
    assert {item["Ref"] for item in preference["Alarms"]} == ROLLBACK_ALARMS
    assert preference["Role"] == {"Fn::GetAtt": ["CodeDeployRole", "Arn"]}
    for name, function in resources_of(raw, "AWS::Serverless::Function").items():
        assert "AutoPublishAlias" not in function["Properties"], f"{name} overrides the live alias"
        assert "DeploymentPreference" not in function["Properties"], f"{name} overrides the deployment"


def test_prod_deploys_by_canary_and_the_others_all_at_once(raw: dict[str, Any]) -> None:
    settings = raw["Mappings"]["EnvironmentSettings"]

    assert settings["prod"]["DeploymentType"] == "Canary10Percent5Minutes"
    assert settings["staging"]["DeploymentType"] == "AllAtOnce"
    assert settings["dev"]["DeploymentType"] == "AllAtOnce"
    assert set(settings) == set(raw["Parameters"]["Environment"]["AllowedValues"])


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_alarm_and_dashboard_environment_dimension_is_the_app_env_functions_run_with(
    raw: dict[str, Any], environment: str
) -> None:
    template = Template(raw, parameter_overrides={"Environment": environment})
    app_envs = {spec.environment["APP_ENV"] for spec in template.functions()}

    assert app_envs == {raw["Mappings"]["EnvironmentSettings"][environment]["AppEnv"]}


def test_codedeploy_role_reaches_only_this_stacks_aliases_and_alarms(raw: dict[str, Any]) -> None:
    (policy,) = raw["Resources"]["CodeDeployRole"]["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]

    for statement in statements:
        assert statement["Resource"] != "*"
        assert "${AWS::StackName}-*" in statement["Resource"]["Fn::Sub"]
    for name in every_alarm(raw):
        assert alarm(raw, name)["AlarmName"]["Fn::Sub"].startswith("${AWS::StackName}-"), name


def silent_parts_of_composites(raw: dict[str, Any]) -> set[str]:
    """Metric alarms that page only through a composite alarm naming them in its AlarmRule."""
    parts: set[str] = set()
    for name in resources_of(raw, "AWS::CloudWatch::CompositeAlarm"):
        parts.update(re.findall(r'ALARM\("\$\{(\w+)\}"\)', alarm(raw, name)["AlarmRule"]["Fn::Sub"]))
    return parts


def every_alarm(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of(raw, "AWS::CloudWatch::Alarm") | resources_of(raw, "AWS::CloudWatch::CompositeAlarm")


def test_every_alarm_notifies_the_encrypted_ops_topic(raw: dict[str, Any]) -> None:
    silent = silent_parts_of_composites(raw)
    assert silent, "BudgetCheckNotRunAlarm combines two silent alarms"
    for name in every_alarm(raw):
        if name in silent:
            assert alarm(raw, name)["ActionsEnabled"] is False, name
            assert "AlarmActions" not in alarm(raw, name), name
        else:
            assert alarm(raw, name)["AlarmActions"] == [{"Ref": "OpsTopic"}], name
        assert "docs/operations.md#" in alarm(raw, name)["AlarmDescription"], name
    topic = raw["Resources"]["OpsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "OpsTopicKey"}
    subscription = raw["Resources"]["OpsEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_ops_topic_key_lets_cloudwatch_encrypt_only_for_this_account(raw: dict[str, Any]) -> None:
    statements = raw["Resources"]["OpsTopicKey"]["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]

    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_budget_check_not_run_counts_missing_invocations_as_breaching(raw: dict[str, Any]) -> None:
    properties = alarm(raw, "BudgetCheckMissedRunsAlarm")

    assert properties["MetricName"] == "Invocations"
    assert properties["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "BudgetCheckFunction"}}]
    assert properties["Period"] * properties["EvaluationPeriods"] == 1800
    assert properties["ComparisonOperator"] == "LessThanThreshold"
    assert properties["Threshold"] == 1
    assert properties["TreatMissingData"] == "breaching"


def test_budget_check_not_run_pages_only_once_the_check_has_run(raw: dict[str, Any]) -> None:
    """A new stack has no invocations yet: that state must not page; a stopped check must."""
    armed = alarm(raw, "BudgetCheckRanRecentlyAlarm")
    paging = raw["Resources"]["BudgetCheckNotRunAlarm"]

    assert armed["MetricName"] == "Invocations"
    assert armed["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "BudgetCheckFunction"}}]
    assert armed["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert armed["Threshold"] == 1
    assert armed["DatapointsToAlarm"] == 1
    assert armed["Period"] * armed["EvaluationPeriods"] == 86400
    assert armed["TreatMissingData"] == "notBreaching"
    assert paging["Type"] == "AWS::CloudWatch::CompositeAlarm"
    assert paging["Properties"]["AlarmRule"] == {
        "Fn::Sub": 'ALARM("${BudgetCheckMissedRunsAlarm}") AND ALARM("${BudgetCheckRanRecentlyAlarm}")'
    }


def test_budget_alarms_never_roll_a_deployment_back(raw: dict[str, Any]) -> None:
    rollback = {item["Ref"] for item in raw["Globals"]["Function"]["DeploymentPreference"]["Alarms"]}

    assert "BudgetUtilisationAlarm" not in rollback
    assert (
        not {"BudgetCheckNotRunAlarm", "BudgetCheckMissedRunsAlarm", "BudgetCheckRanRecentlyAlarm"} & rollback
    )


def test_budget_utilisation_alarm_reads_the_emitted_metric_against_the_alert_threshold(
    raw: dict[str, Any],
) -> None:
    properties = alarm(raw, "BudgetUtilisationAlarm")
    (stat,) = [query["MetricStat"] for query in properties["Metrics"] if "MetricStat" in query]

    assert properties["Threshold"] == {"Ref": "CostAlertThresholdPct"}
    assert stat["Metric"]["Namespace"] == "Orgair"
    assert stat["Metric"]["MetricName"] == business_metrics.BUDGET_UTILISATION
    dimensions = {item["Name"] for item in stat["Metric"]["Dimensions"]}
    assert dimensions == {"service", "environment", "scope"}


def dashboard(raw: dict[str, Any]) -> dict[str, Any]:
    """The dashboard body with every ${...} substituted as CloudFormation would (dummy values)."""
    body, _ = raw["Resources"]["OpsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    rendered = re.sub(r"\$\{CostAlertThresholdPct\}", "0.8", body)
    rendered = re.sub(r"\$\{([^}]+)\}", lambda match: f"resolved-{match.group(1)}", rendered)
    parsed: dict[str, Any] = json.loads(rendered)
    return parsed


def test_dashboard_body_is_valid_json_with_every_alarm(raw: dict[str, Any]) -> None:
    body = dashboard(raw)

    (alarms_widget,) = [widget for widget in body["widgets"] if widget["type"] == "alarm"]
    shown = set(alarms_widget["properties"]["alarms"])
    expected = {f"resolved-{name}.Arn" for name in every_alarm(raw)}
    assert shown == expected


def test_dashboard_covers_the_requested_views(raw: dict[str, Any]) -> None:
    titles = " | ".join(widget["properties"]["title"] for widget in dashboard(raw)["widgets"])

    for needle in (
        "API requests",
        "4xx and 5xx",
        "latency v1",
        "latency v2",
        "Lambda errors",
        "throttles per function",
        "concurrency",
        "Cold starts",
        "DynamoDB throttle",
        "spend vs global budget today",
        "Reviews",
    ):
        assert needle in titles


def test_dashboard_reads_only_business_metrics_the_code_emits(raw: dict[str, Any]) -> None:
    emitted = {
        value for name, value in vars(business_metrics).items() if name.isupper() and isinstance(value, str)
    }
    used: set[str] = set()
    for widget in dashboard(raw)["widgets"]:
        for row in widget["properties"].get("metrics", []):
            if row and row[0] == "Orgair":
                used.add(row[1])
            elif row and isinstance(row[0], dict):
                used.update(
                    re.findall(r'\{Orgair,[^}]*\} MetricName=\\?"(\w+)', row[0].get("expression", ""))
                )

    assert used
    assert used - {"ColdStart"} <= emitted, f"not emitted by orgair.business_metrics: {used - emitted}"


def test_every_alarm_links_to_a_runbook_section_that_exists(raw: dict[str, Any]) -> None:
    runbook = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^### ([a-z0-9-]+)$", runbook, re.MULTILINE))

    for name in every_alarm(raw):
        anchor = re.search(r"docs/operations\.md#([a-z0-9-]+)", alarm(raw, name)["AlarmDescription"])
        assert anchor is not None, name
        assert anchor.group(1) in sections, f"{name}: no '### {anchor.group(1)}' in docs/operations.md"
