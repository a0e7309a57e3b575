"""Each function's environment, as Lambda would give it, and their union for one process.

Per function, later sources win: the template (Globals, then the function), the local DynamoDB's
endpoint and fake credentials, an env-vars file in `sam local`'s format (`Parameters` for every
function, then `<LogicalId>`), and finally the developer's shell for the variables the template
names, so `W_TALENT=0.5 make run` or `POWERTOOLS_LOG_LEVEL=DEBUG make run` takes effect. Unlike `sam local`,
file entries the template does not declare are kept, so a local file can add e.g. OPENAI_BASE_URL.

Handlers run in this one process and `os.environ` is shared, so two functions needing different
values for one variable cannot both be served: that is refused at startup, naming the variable.
A variable only some functions define is shared with the others (harmless for our settings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from devtools.template import cfn_string
from devtools.template_specs import FunctionSpec

ALL_FUNCTIONS = "Parameters"
# Lambda's runtime sets TZ=:UTC; `AWS_SAM_LOCAL` is what `sam local` sets (Powertools reads it).
RUNTIME_ENVIRONMENT = {"TZ": "UTC", "AWS_SAM_LOCAL": "true"}
_SECRET_MARKERS = ("KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL")

EnvVarsFile = dict[str, dict[str, str]]


class LocalEnvironmentError(ValueError):
    """An env-vars file or a combination of environments the runner cannot serve."""


def load_env_vars_file(path: Path) -> EnvVarsFile:
    """Read `{"Parameters": {...}, "<LogicalId>": {...}}`; values become strings as in CloudFormation."""
    try:
        loaded: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise LocalEnvironmentError(f"--env-vars {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise LocalEnvironmentError(
            f"--env-vars {path}: not valid JSON ({error.msg}, line {error.lineno})"
        ) from None
    if not isinstance(loaded, dict):
        raise LocalEnvironmentError(
            f'--env-vars {path}: expected {{"Parameters": {{...}}, "<LogicalId>": {{...}}}}'
        )
    parsed: EnvVarsFile = {}
    for section, variables in loaded.items():
        if not isinstance(variables, dict):
            raise LocalEnvironmentError(f"--env-vars {path}: {section} must map variable names to values")
        values: dict[str, str] = {}
        for name, value in variables.items():
            if isinstance(value, dict | list):
                raise LocalEnvironmentError(
                    f"--env-vars {path}: {section}.{name} must be a string, number or boolean"
                )
            values[str(name)] = "" if value is None else cfn_string(value)
        parsed[str(section)] = values
    return parsed


def unknown_sections(env_file: Mapping[str, Any], specs: Iterable[FunctionSpec]) -> list[str]:
    """Sections naming no function of the template (usually a typo in a logical id)."""
    known = {spec.logical_id for spec in specs} | {ALL_FUNCTIONS}
    return sorted(set(env_file) - known)


def function_environment(
    spec: FunctionSpec,
    *,
    local: Mapping[str, str],
    env_file: Mapping[str, Mapping[str, str]] | None = None,
    process: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """One function's variables: template, then `local` (DynamoDB, runtime), file, and shell overrides."""
    environment = dict(spec.environment)
    environment.update(RUNTIME_ENVIRONMENT)
    environment.update(local)
    if env_file:
        environment.update(env_file.get(ALL_FUNCTIONS, {}))
        environment.update(env_file.get(spec.logical_id, {}))
    if process:
        for name in spec.environment:
            if name in process:
                environment[name] = process[name]
    return environment


def _shown(name: str, value: str) -> str:
    if any(marker in name.upper() for marker in _SECRET_MARKERS):
        return "<hidden>"
    return repr(value)


def merge_environments(environments: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The one process environment serving every function, or an error naming each conflict."""
    values: dict[str, dict[str, list[str]]] = {}
    for function_id, environment in environments.items():
        for name, value in environment.items():
            values.setdefault(name, {}).setdefault(value, []).append(function_id)
    conflicts = []
    for name in sorted(values):
        by_value = values[name]
        if len(by_value) > 1:
            described = "; ".join(
                f"{_shown(name, value)} for {', '.join(functions)}" for value, functions in by_value.items()
            )
            conflicts.append(f"{name} ({described})")
    if conflicts:
        raise LocalEnvironmentError(
            "functions need different values for the same environment variable, which one process "
            "cannot serve (handlers share os.environ): "
            + " | ".join(conflicts)
            + ". Give them one value (template Globals, the env-vars file's Parameters) "
            "or run the function alone with `invoke`."
        )
    return {name: next(iter(by_value)) for name, by_value in values.items()}
