"""The GitHub workflows are valid (actionlint) and deploy without stored AWS keys: credentials come
from an OIDC role, dev -> staging -> prod each behind its GitHub environment."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.python_runs import run

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
DEPLOY = WORKFLOWS / "deploy.yml"
DEPLOY_ACTION = ROOT / ".github" / "actions" / "sam-deploy" / "action.yml"
FORBIDDEN = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "aws-access-key-id")


def load(path: Path) -> dict[Any, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), path
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    value = workflow.get("on", workflow.get(True))
    assert isinstance(value, dict)
    return value


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def actionlint() -> str | None:
    """The binary pip installs next to this interpreter (`--group actions`), else one on PATH."""
    beside = Path(sys.executable).with_name("actionlint")
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def test_actionlint_accepts_both_workflows() -> None:
    binary = actionlint()
    if binary is None:
        pytest.skip("actionlint not installed (make venv installs it with the lint group)")

    result = run(binary, "-no-color", str(CI), str(DEPLOY), timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path", [*sorted(WORKFLOWS.glob("*.y*ml")), DEPLOY_ACTION], ids=lambda path: path.name
)
def test_no_workflow_or_action_uses_stored_aws_keys(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    for name in FORBIDDEN:
        assert name not in text, f"{path.name} mentions {name}: use the OIDC role instead"


def test_ci_runs_on_every_push_and_pull_request_with_the_required_checks() -> None:
    workflow = load(CI)
    on = triggers(workflow)
    commands = "\n".join(
        str(step.get("run", "")) + str(step.get("uses", ""))
        for job in workflow["jobs"].values()
        for step in steps(job)
    )

    assert set(on) == {"push", "pull_request"}
    assert on["push"] is None
    for needle in (
        "actions/setup-python",
        "make venv",
        "ruff check",
        "ruff format --check",
        "make typecheck",
        "--cov-report=xml:coverage.xml",
        "actions/upload-artifact",
        "sam validate --lint",
        "cfn-lint template.yaml",
        "checkov",
        "make build",
    ):
        assert needle in commands, needle
    pythons = {
        str(step["with"]["python-version"])
        for job in workflow["jobs"].values()
        for step in steps(job)
        if str(step.get("uses", "")).startswith("actions/setup-python")
    }
    assert pythons == {"3.13"}


def test_ci_needs_no_cloud_credentials() -> None:
    workflow = load(CI)

    assert workflow["permissions"] == {"contents": "read"}
    assert "id-token" not in str(workflow)


def test_deploy_assumes_a_role_through_oidc_in_every_environment() -> None:
    workflow = load(DEPLOY)
    action = load(DEPLOY_ACTION)
    jobs = workflow["jobs"]

    assert workflow["permissions"] == {"contents": "read"}
    for name in ("dev", "staging", "prod"):
        job = jobs[name]
        assert job["permissions"]["id-token"] == "write", name
        assert job["environment"]["name"] == name
        (deploy,) = [step for step in steps(job) if step.get("uses") == "./.github/actions/sam-deploy"]
        assert deploy["with"]["config-env"] == name
        assert deploy["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    (credentials,) = [
        step
        for step in action["runs"]["steps"]
        if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials")
    ]
    assert credentials["with"]["role-to-assume"] == "${{ inputs.role-to-assume }}"


def test_deploy_promotes_dev_then_staging_then_prod_from_one_build() -> None:
    workflow = load(DEPLOY)
    jobs = workflow["jobs"]

    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert jobs["dev"]["needs"] == "build"
    assert jobs["staging"]["needs"] == "dev"
    assert jobs["prod"]["needs"] == "staging"
    build_commands = [str(step.get("run", "")) for step in steps(jobs["build"])]
    assert "make test" in build_commands
    assert "make build" in build_commands


def test_every_deploy_is_followed_by_the_smoke_test_of_both_stages() -> None:
    action = load(DEPLOY_ACTION)
    runs = [str(step.get("run", "")) for step in action["runs"]["steps"]]
    deploy_index = next(index for index, run in enumerate(runs) if run.startswith("sam deploy"))
    smoke_index = next(index for index, run in enumerate(runs) if "devtools.smoke" in run)
    outputs = "\n".join(runs)

    assert deploy_index < smoke_index
    assert "ApiV1Url" in outputs
    assert "ApiV2Url" in outputs
    assert "--v1-url" in runs[smoke_index]
    assert "--v2-url" in runs[smoke_index]
