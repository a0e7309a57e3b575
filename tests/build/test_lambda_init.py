"""Every function initialises from the `make build` output under every samconfig environment.

For each environment of samconfig.toml and each function of the built template: the function's
variables resolved with that environment's parameter_overrides; an embedded moto server on loopback
(SSM, Secrets Manager, DynamoDB with the template's tables) serving every secret the environment
names; then, in a fresh `python -I -S` (tests/build/lambda_init_driver.py), Lambda's sys.path only
(the built function, the built layer, the runtime's boto3 at the locked version), the AWS endpoint
pointing at moto and any address beyond loopback refused: the handler module imports, the settings
load, every secret they name is fetched and valid, and each public GET route without path
parameters answers 200 on every stage.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import platform
import secrets
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.lambda_events import api_event

from devtools.artifacts import LAMBDA_MARKER_ENVIRONMENT, RUNTIME_PROVIDED, read_lock
from devtools.embedded_dynamodb import EmbeddedDynamoDB, create_tables, local_client
from devtools.template import LOCAL_REGION, Template, load_template
from devtools.template_specs import FunctionSpec

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("lambda_init_driver.py")
RUNTIME_CACHE = ROOT / ".aws-sam" / "test-runtime"
SECRET_SUFFIXES = ("_SSM_PARAMETER", "_SECRET_ID")


def samconfig_environments() -> dict[str, dict[str, str]]:
    """Each samconfig environment's parameter_overrides (an environment identical to another, as
    `default` is to `dev`, is checked once)."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    environments: dict[str, dict[str, str]] = {}
    for name, sections in sorted(config.items(), key=lambda item: item[0] == "default"):
        if not isinstance(sections, dict):
            continue
        overrides = sections.get("deploy", {}).get("parameters", {}).get("parameter_overrides")
        if overrides is None:
            continue
        words = shlex.split(overrides) if isinstance(overrides, str) else list(overrides)
        parsed = dict(word.split("=", 1) for word in words)
        if parsed not in environments.values():
            environments[name] = parsed
    return environments


ENVIRONMENTS = samconfig_environments()
FUNCTION_IDS = [spec.logical_id for spec in Template(load_template()).functions()]


def test_every_samconfig_environment_is_checked() -> None:
    assert {"dev", "staging", "prod"} <= set(ENVIRONMENTS)
    assert len(FUNCTION_IDS) >= 9


def secret_value(variable: str) -> str:
    """A valid value for the secret a `<FIELD>_SSM_PARAMETER` / `<FIELD>_SECRET_ID` variable names."""
    token = secrets.token_urlsafe(36)  # 48 characters
    return f"sk-{token}" if "OPENAI" in variable else token


def secret_references(environment: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in environment.items() if key.endswith(SECRET_SUFFIXES) and value}


@dataclass(frozen=True)
class LambdaPaths:
    layer: Path
    runtime: Path


def _runtime(target_root: Path) -> Path:
    """boto3 and its dependencies at the lock's versions, hash-checked, standing for Lambda's runtime."""
    pins = [
        pin for pin in read_lock() if pin.name in RUNTIME_PROVIDED and pin.applies(LAMBDA_MARKER_ENVIRONMENT)
    ]
    lines = [
        f"{pin.name}=={pin.version} " + " ".join(f"--hash={digest}" for digest in pin.hashes) for pin in pins
    ]
    text = "\n".join(lines) + "\n"
    target = target_root / hashlib.sha256(text.encode()).hexdigest()[:20]
    if (target / ".complete").is_file():
        return target
    shutil.rmtree(target_root, ignore_errors=True)
    target.mkdir(parents=True)
    requirements = target_root / "requirements.txt"
    requirements.write_text(text, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--require-hashes",
        "--target",
        str(target),
        "-r",
        str(requirements),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    (target / ".complete").touch()
    return target


def _host_layer(build_dir: Path) -> Path:
    """The built layer, runnable on this machine: the build targets arm64, so on another architecture
    a copy gets this machine's extension modules of the *same* versions (taken from the test venv,
    which holds exactly the locked versions: test_lock.py)."""
    layer = build_dir / "SharedLayer" / "python"
    machine = platform.machine()
    if machine in {"aarch64", "arm64"}:
        return layer
    target = build_dir.parent / f"layer-{machine}" / "python"
    # Workers given tests of this file at once (pytest -n without --dist loadfile) copy it once.
    with (build_dir.parent / f"layer-{machine}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        return _copy_host_layer(layer, target, machine)


def _copy_host_layer(layer: Path, target: Path, machine: str) -> Path:
    if (target.parent / ".complete").is_file():
        return target
    shutil.rmtree(target.parent, ignore_errors=True)
    shutil.copytree(layer, target, symlinks=True)
    for dist_info in target.glob("*.dist-info"):
        record = (dist_info / "RECORD").read_text(encoding="utf-8").splitlines()
        if not any(line.split(",", 1)[0].endswith(".so") for line in record):
            continue
        name, version = dist_info.name.removesuffix(".dist-info").rsplit("-", 1)
        installed = importlib.metadata.distribution(name)
        assert installed.version == version, f"{name}: layer {version}, test venv {installed.version}"
        for file in installed.files or []:
            if file.name.endswith(".so") and machine in file.name:
                destination = target / file
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(str(installed.locate_file(file))), destination)
    (target.parent / ".complete").touch()
    return target


@pytest.fixture(scope="module")
def lambda_paths(build_dir: Path) -> LambdaPaths:
    return LambdaPaths(layer=_host_layer(build_dir), runtime=_runtime(RUNTIME_CACHE))


@pytest.fixture(scope="module")
def aws(build_dir: Path) -> Iterator[str]:
    """moto on loopback with the template's tables and every secret any environment names."""
    server = EmbeddedDynamoDB().start()
    try:
        create_tables(local_client(server.endpoint_url), Template(load_template(build_dir / "template.yaml")))
        import boto3

        session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name=LOCAL_REGION,
        )
        ssm = session.client("ssm", endpoint_url=server.endpoint_url)
        secretsmanager = session.client("secretsmanager", endpoint_url=server.endpoint_url)
        for overrides in ENVIRONMENTS.values():
            for spec in _functions(build_dir, overrides):
                for variable, name in secret_references(spec.environment).items():
                    if variable.endswith("_SSM_PARAMETER"):
                        ssm.put_parameter(
                            Name=name, Value=secret_value(variable), Type="SecureString", Overwrite=True
                        )
                    else:
                        secretsmanager.create_secret(Name=name, SecretString=secret_value(variable))
        yield server.endpoint_url
    finally:
        server.stop()


def _functions(build_dir: Path, overrides: dict[str, str]) -> list[FunctionSpec]:
    template = Template(
        load_template(build_dir / "template.yaml"), parameter_overrides=overrides, base_dir=build_dir
    )
    return template.functions()


def _events(template: Template, spec: FunctionSpec) -> list[dict[str, Any]]:
    """One GET per public route without path parameters, on every stage of its API."""
    events: list[dict[str, Any]] = []
    for route in spec.routes:
        if not route.public or route.method != "GET" or "{" in route.path:
            continue
        for stage in template.stages():
            if stage.api != route.api:
                continue
            event = api_event("GET", route.path, stage="v2")
            event["stageVariables"] = stage.variables or None
            event["requestContext"]["stage"] = stage.name
            event["requestContext"]["path"] = f"/{stage.name}{route.path}"
            events.append(event)
    return events


def lambda_environment(spec: FunctionSpec, environment: str, endpoint: str, home: Path) -> dict[str, str]:
    """What Lambda's environment holds for this function, with every AWS endpoint at moto."""
    name = f"orgair-{environment}-{spec.logical_id}"
    return {
        **spec.environment,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": "local",
        "AWS_REGION": LOCAL_REGION,
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "LAMBDA_TASK_ROOT": str(spec.code_uri),
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def initialise(
    spec: FunctionSpec,
    environment: str,
    events: list[dict[str, Any]],
    paths: LambdaPaths,
    endpoint: str,
    work: Path,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run the driver for one function; its process and, when it succeeded, its result."""
    (work / "events.json").write_text(json.dumps(events), encoding="utf-8")
    command = [
        sys.executable,
        "-I",
        "-S",
        str(DRIVER),
        str(spec.code_uri),
        str(paths.layer),
        str(paths.runtime),
        spec.handler,
        str(work / "events.json"),
        str(work / "result.json"),
    ]
    completed = subprocess.run(
        command,
        env=lambda_environment(spec, environment, endpoint, work),
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result_file = work / "result.json"
    result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.is_file() else {}
    return completed, result


def _built_function(
    build_dir: Path, overrides: dict[str, str], function_id: str
) -> tuple[Template, FunctionSpec]:
    template = Template(
        load_template(build_dir / "template.yaml"), parameter_overrides=overrides, base_dir=build_dir
    )
    spec = next(spec for spec in template.functions() if spec.logical_id == function_id)
    assert spec.code_uri.is_dir(), f"{function_id} is not in the build"
    return template, spec


@dataclass(frozen=True)
class Initialised:
    spec: FunctionSpec
    events: list[dict[str, Any]]
    completed: subprocess.CompletedProcess[str]
    result: dict[str, Any]


@pytest.fixture(scope="module")
def initialised(
    build_dir: Path, lambda_paths: LambdaPaths, aws: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Initialised]:
    """Every (environment, function) initialised once, a few fresh processes at a time."""

    def run(environment: str, function_id: str) -> Initialised:
        template, spec = _built_function(build_dir, ENVIRONMENTS[environment], function_id)
        events = _events(template, spec)
        work = tmp_path_factory.mktemp(f"{environment}-{function_id}")
        completed, result = initialise(spec, environment, events, lambda_paths, aws, work)
        return Initialised(spec, events, completed, result)

    pairs = [(environment, function_id) for environment in ENVIRONMENTS for function_id in FUNCTION_IDS]
    with ThreadPoolExecutor(max_workers=min(4, (os.cpu_count() or 1) + 1)) as pool:
        futures = {pair: pool.submit(run, *pair) for pair in pairs}
        return {pair: future.result() for pair, future in futures.items()}


@pytest.mark.integration
@pytest.mark.parametrize("function_id", FUNCTION_IDS)
@pytest.mark.parametrize("environment", list(ENVIRONMENTS))
def test_function_initialises_from_the_build(
    environment: str,
    function_id: str,
    lambda_paths: LambdaPaths,
    initialised: dict[tuple[str, str], Initialised],
) -> None:
    outcome = initialised[(environment, function_id)]
    spec, events, completed, result = outcome.spec, outcome.events, outcome.completed, outcome.result
    assert completed.returncode == 0, (
        f"{function_id} failed to initialise under {environment}:\n{completed.stderr[-6000:]}"
    )

    assert result["sys_path"][:3] == [str(spec.code_uri), str(lambda_paths.layer), str(lambda_paths.runtime)]
    assert result["outside"] == [], (
        "modules loaded from outside the function, the layer, the runtime's boto3 and the standard library"
    )
    assert result["refused"] == []
    assert result["app_env"] == spec.environment["APP_ENV"]
    expected_secrets = {
        variable.removesuffix(suffix)
        for variable in secret_references(spec.environment)
        for suffix in SECRET_SUFFIXES
        if variable.endswith(suffix)
    }
    assert set(result["secrets"]) == expected_secrets
    assert all(length >= 32 for length in result["secrets"].values()), result["secrets"]
    served = {
        f"{event['requestContext']['stage']} {event['path']}": status
        for event, status in zip(events, result["statuses"], strict=True)
    }
    assert all(status < 500 for status in served.values()), served
    assert all(status == 200 for route, status in served.items() if route.endswith("/liveness")), served
    if function_id == "HealthFunction":
        assert any(route.endswith("/health/liveness") for route in served), served


@pytest.mark.integration
def test_a_prod_environment_without_its_secret_key_fails_to_initialise(
    build_dir: Path, lambda_paths: LambdaPaths, aws: str, tmp_path: Path
) -> None:
    """The check catches what issue 11 found: prod's settings refuse to start without SECRET_KEY."""
    overrides = {key: value for key, value in ENVIRONMENTS["prod"].items() if key != "SecretKeyParameter"}
    _, spec = _built_function(build_dir, overrides, "HealthFunction")
    completed, result = initialise(spec, "prod", [], lambda_paths, aws, tmp_path)
    assert completed.returncode != 0
    assert result == {}
    assert "SECRET_KEY: must be set to at least 32 characters in production" in completed.stderr
