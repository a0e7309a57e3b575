"""Per-function environments, their precedence, and the one-process conflict check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.localrun.environment import (
    LocalEnvironmentError,
    function_environment,
    load_env_vars_file,
    merge_environments,
    unknown_sections,
)
from devtools.template import Template, load_template
from devtools.template_specs import FunctionSpec

LOCAL = {"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000", "AWS_ACCESS_KEY_ID": "local"}


def spec(logical_id: str, **environment: str) -> FunctionSpec:
    return FunctionSpec(logical_id, Path("."), "app.lambda_handler", 3, 128, environment)


def test_template_environment_merges_globals_and_function(project: Path) -> None:
    text = project.read_text().replace(
        "      CodeUri: functions/auth/\n",
        "      CodeUri: functions/auth/\n      Environment:\n        Variables:\n"
        "          SHARED_SETTING: 2\n          FLAG: true\n          GONE: !Ref AWS::NoValue\n",
    )
    project.write_text(text)
    functions = {item.logical_id: item for item in Template(load_template(project)).functions()}
    assert functions["EchoFunction"].environment == {"SHARED_SETTING": "1"}
    assert functions["AuthFunction"].environment == {"SHARED_SETTING": "2", "FLAG": "true"}


def test_precedence_template_local_file_then_shell() -> None:
    function = spec("ScoreFunction", POWERTOOLS_LOG_LEVEL="INFO", W_TALENT="0.17", APP_ENV="development")
    env_file = {
        "Parameters": {"POWERTOOLS_LOG_LEVEL": "DEBUG", "EXTRA": "x"},
        "ScoreFunction": {"APP_ENV": "staging"},
    }
    environment = function_environment(
        function,
        local=LOCAL,
        env_file=env_file,
        process={"POWERTOOLS_LOG_LEVEL": "WARNING", "PATH": "/bin", "AWS_ACCESS_KEY_ID": "real"},
    )
    assert (
        environment["POWERTOOLS_LOG_LEVEL"] == "WARNING"
    )  # the shell wins for a variable the template names
    assert environment["APP_ENV"] == "staging"  # the file's function section beats the template
    assert environment["EXTRA"] == "x"  # file entries the template lacks are kept
    assert environment["W_TALENT"] == "0.17"
    assert environment["AWS_ACCESS_KEY_ID"] == "local"  # not named by the template: never the shell's
    assert environment["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:8000"
    assert environment["TZ"] == "UTC"
    assert "PATH" not in environment


def test_merge_accepts_equal_and_one_sided_values() -> None:
    merged = merge_environments({"A": {"X": "1", "ONLY_A": "a"}, "B": {"X": "1"}})
    assert merged == {"X": "1", "ONLY_A": "a"}


def test_merge_names_every_conflicting_variable_and_hides_secrets() -> None:
    with pytest.raises(LocalEnvironmentError) as raised:
        merge_environments(
            {
                "HealthFunction": {"POWERTOOLS_LOG_LEVEL": "DEBUG", "OPENAI_API_KEY": "sk-a"},
                "ScoreFunction": {"POWERTOOLS_LOG_LEVEL": "INFO", "OPENAI_API_KEY": "sk-b"},
            }
        )
    message = str(raised.value)
    assert "POWERTOOLS_LOG_LEVEL ('DEBUG' for HealthFunction; 'INFO' for ScoreFunction)" in message
    assert "OPENAI_API_KEY" in message
    assert "sk-a" not in message
    assert "sk-b" not in message


def test_env_vars_file_in_sam_format(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    path.write_text(json.dumps({"Parameters": {"A": 1, "B": True, "C": None}, "Fn": {"D": "d"}}))
    assert load_env_vars_file(path) == {"Parameters": {"A": "1", "B": "true", "C": ""}, "Fn": {"D": "d"}}
    assert unknown_sections(load_env_vars_file(path), [spec("Other")]) == ["Fn"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "expected"),
        ('{"Fn": 1}', "must map"),
        ('{"Fn": {"A": []}}', "Fn.A"),
    ],
)
def test_env_vars_file_errors_are_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "env.json"
    path.write_text(content)
    with pytest.raises(LocalEnvironmentError, match=message):
        load_env_vars_file(path)
