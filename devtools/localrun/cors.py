"""CORS in the local runner as deployed: the functions' CORS_ORIGINS becomes the template's
CorsOrigins parameter, so what the template makes conditional on it appears locally too.

With an origin set, the template's CorsPreflightFunction (condition HasCorsOrigins) answers OPTIONS on
every route without the authorizer, and every gateway response the runner renders from the template
(401, 403, 404, 413, 429, 5xx) carries its Access-Control-Allow-Origin and Vary headers. Without one,
neither exists, as in a stack deployed without CorsOrigins. docs/cors.md describes the design.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from devtools.template import Template

CORS_PARAMETER = "CorsOrigins"
CORS_VARIABLE = "CORS_ORIGINS"


class CorsOriginsError(ValueError):
    """A CORS_ORIGINS the template's CorsOrigins parameter would refuse at deployment."""


def with_cors_origins(template: Template, environment: Mapping[str, str]) -> Template:
    """`template` with CorsOrigins set to the functions' CORS_ORIGINS, checked against the parameter's
    AllowedPattern the way CloudFormation checks it (a value deploy would refuse is refused here)."""
    parameter = (template.raw.get("Parameters") or {}).get(CORS_PARAMETER)
    if parameter is None:
        return template
    value = environment.get(CORS_VARIABLE, "").strip()
    pattern = parameter.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), value) is None:
        allowed = str(parameter.get("ConstraintDescription", f"values matching {pattern}")).strip()
        raise CorsOriginsError(
            f"{CORS_VARIABLE}={value!r} cannot be deployed: the template's {CORS_PARAMETER} accepts {allowed}"
        )
    return replace(template, parameter_overrides={**template.parameter_overrides, CORS_PARAMETER: value})
