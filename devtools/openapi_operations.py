"""What every operation of the documents carries beyond what its resolver generates: a stable
operationId (OPERATION_IDS), links, the Idempotency-Key parameter, the bearer requirement with the
route's scope, and the problem+json errors the API really answers (devtools/openapi.py builds the
documents with them)."""

from __future__ import annotations

import re
from typing import Any

from orgair.auth.principal import ADMIN_SCOPE, granting
from orgair.idempotency import IDEMPOTENCY_HEADER, KEY_PATTERN

Document = dict[str, Any]

SECURITY_SCHEME = "ApiKeyBearer"
PROBLEM_SCHEMA = "ProblemDetails"
PROBLEM_FIELD_SCHEMA = "ProblemFieldError"
PROBLEM_CONTENT_TYPE = "application/problem+json"


# One stable operationId per routed operation, the method names generated clients expose
# (`make clients`). A routed operation missing here gets one derived from its method and path
# (`derived_operation_id`); an id used twice fails the build.
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("post", "/assessments"): "createAssessment",
    ("get", "/companies/{company_id}/scores"): "listCompanyScores",
    ("post", "/costs"): "recordUsage",
    ("get", "/costs/alerts"): "listCostAlerts",
    ("get", "/costs/budgets/global"): "getGlobalBudget",
    ("get", "/costs/budgets/tenants"): "listTenantBudgets",
    ("get", "/costs/budgets/tenants/{tenant_id}"): "getTenantBudget",
    ("get", "/costs/entries"): "listCostEntries",
    ("get", "/costs/reconciliations"): "listCostReconciliations",
    ("get", "/costs/summary"): "getCostSummary",
    ("post", "/evidence"): "createEvidenceUpload",
    ("get", "/health"): "getHealth",
    ("get", "/jobs"): "listAssessmentJobs",
    ("get", "/jobs/{job_id}"): "getAssessmentJob",
    ("post", "/jobs/{job_id}/cancel"): "cancelAssessmentJob",
    ("get", "/health/detailed"): "getDetailedHealth",
    ("get", "/health/liveness"): "getLiveness",
    ("get", "/health/readiness"): "getReadiness",
    ("post", "/individuals/scores"): "scoreIndividual",
    ("get", "/openapi.json"): "getOpenApiDocument",
    ("post", "/portfolios/assessments"): "createPortfolioAssessment",
    ("post", "/portfolios/scores"): "createPortfolioScores",
    ("get", "/reviews"): "listReviews",
    ("post", "/reviews/{review_id}/decision"): "decideReview",
    ("post", "/scores"): "createScore",
    ("post", "/scores/simulate"): "simulateScore",
    ("get", "/scores/{score_id}"): "getScore",
}

# OpenAPI links: from an operation's success response to the operations that read what it made, so a
# reader (and Schemathesis' stateful phase) can follow create score -> read score -> history. A link
# to an operation the document does not have is left out.
LINKS: dict[tuple[str, str], dict[str, dict[str, dict[str, Any]]]] = {
    ("post", "/scores"): {
        "201": {
            "GetScore": {
                "operationId": "getScore",
                "parameters": {"score_id": "$response.body#/score_id"},
                "description": "The score just stored (on this stage; the other stage answers 404).",
            },
            "ListCompanyScores": {
                "operationId": "listCompanyScores",
                "parameters": {"company_id": "$response.body#/company_id"},
                "description": "The company's history, the new score first.",
            },
        }
    },
    ("post", "/assessments"): {
        "201": {
            "GetScore": {
                "operationId": "getScore",
                "parameters": {"score_id": "$response.body#/score_id"},
                "description": "The score the assessment stored.",
            }
        }
    },
    ("get", "/scores/{score_id}"): {
        "200": {
            "ListCompanyScores": {
                "operationId": "listCompanyScores",
                "parameters": {"company_id": "$response.body#/company_id"},
                "description": "The scored company's history.",
            }
        }
    },
}

# The operations that read an Idempotency-Key header (orgair.idempotency.check_key in their handler),
# and whether they refuse a request without one. Documented so generated clients can send it.
IDEMPOTENCY_KEY_REQUIRED: dict[tuple[str, str], bool] = {
    ("post", "/assessments"): False,
    ("post", "/costs"): True,
    ("post", "/scores"): False,
}


def idempotency_parameter(required: bool) -> dict[str, Any]:
    return {
        "in": "header",
        "name": IDEMPOTENCY_HEADER,
        "required": required,
        "description": "Retries with the same key return the first answer (Idempotent-Replayed: true).",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN.pattern},
    }


class OpenApiError(ValueError):
    """The code and the template cannot be described as one consistent document."""


def problem_schemas() -> dict[str, Any]:
    """RFC 9457 bodies as orgair.errors renders them (extensions allowed)."""
    return {
        PROBLEM_FIELD_SCHEMA: {
            "type": "object",
            "title": PROBLEM_FIELD_SCHEMA,
            "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        },
        PROBLEM_SCHEMA: {
            "type": "object",
            "title": PROBLEM_SCHEMA,
            "description": "An RFC 9457 problem; `type` is a stable URI per kind of problem.",
            "required": ["type", "title", "status", "detail", "instance", "correlation_id"],
            "properties": {
                "type": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "correlation_id": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/{PROBLEM_FIELD_SCHEMA}"},
                },
            },
            "additionalProperties": True,
        },
    }


def _problem_response(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
        }
    return response


def _problem_content(response: dict[str, Any]) -> dict[str, Any]:
    """An error response a route declares (e.g. 409) is a problem+json body, whatever the route returns."""
    described = _problem_response(str(response.get("description") or "A problem."))
    return {**response, "content": described["content"]}


def scope_sentence(scope: str) -> str:
    """How the description states the scope (Swagger UI renders it; `security` carries it for tools)."""
    return f"**Required scope:** `{scope}` ({alternatives(scope)})."


def alternatives(scope: str) -> str:
    """`or `admin``, or `or `assessments:write`, or `admin`` for a scope another one implies."""
    return "or " + ", or ".join(f"`{other}`" for other in granting(scope)[1:])


def secure(operation: dict[str, Any], label: str, public: bool, scope: str | None) -> None:
    """The bearer requirement with the route's scope as its role (OpenAPI 3.1 allows role names on
    non-OAuth schemes), the same scope stated in the description, and the 401/403 it implies."""
    if public:
        if scope is not None:
            raise OpenApiError(f"{label} is public in template.yaml but declares the scope {scope!r}")
        operation.pop("security", None)
        return
    if scope is None:
        raise OpenApiError(f"{label} is behind the authorizer but declares no scope (orgair.http.requires)")
    operation["security"] = [{SECURITY_SCHEME: [scope]}]
    operation["description"] = (
        f"{operation.get('description', '').rstrip()}\n\n{scope_sentence(scope)}".lstrip()
    )
    responses = operation.setdefault("responses", {})
    responses.setdefault("401", _problem_response("No, unknown or revoked API key."))
    responses.setdefault(
        "403",
        _problem_response(
            f"The API key lacks the `{scope}` scope (and is not `{ADMIN_SCOPE}`)."
            if granting(scope) == (scope, ADMIN_SCOPE)
            else f"The API key has none of {', '.join(f'`{other}`' for other in granting(scope))}."
        ),
    )


def decorate(operation: dict[str, Any], public: bool, tag: str) -> None:
    """Tags and the problem+json error responses the API really sends."""
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        if operation.get("requestBody") or operation.get("parameters"):
            responses["422"] = _problem_response("The request does not match the schema.")
        else:
            del responses["422"]
    # The errors any operation can answer (orgair.http and the gateway responses of template.yaml).
    if operation.get("requestBody"):
        responses.setdefault("400", _problem_response("The body is not UTF-8 JSON, or nests too deep."))
        responses.setdefault("413", _problem_response("The body is larger than allowed."))
        responses.setdefault("415", _problem_response("The body is not application/json."))
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        responses.setdefault(
            "404", _problem_response("Not found (another tenant's resource is not found either).")
        )
    responses.setdefault("429", _problem_response("Too many requests or over budget.", retry_after=True))
    responses.setdefault("500", _problem_response("An unexpected error (details only with DEBUG on)."))
    responses.setdefault(
        "503",
        _problem_response("A dependency (data store, key store, LLM) is unavailable.", retry_after=True),
    )
    for status, response in responses.items():
        if (
            status.isdigit()
            and int(status) >= 400
            and PROBLEM_CONTENT_TYPE not in response.get("content", {})
        ):
            responses[status] = _problem_content(response)
    if not operation.get("tags"):
        operation["tags"] = [tag]


def link(paths: dict[str, dict[str, Any]]) -> None:
    """Add LINKS whose source and target operations are both in the document."""
    present = {operation.get("operationId") for item in paths.values() for operation in item.values()}
    for (method, path), by_status in LINKS.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        for status, links in by_status.items():
            response = operation.get("responses", {}).get(status)
            kept = {name: link for name, link in links.items() if link["operationId"] in present}
            if response is not None and kept:
                response["links"] = kept


def allowed_values(node: Any) -> Any:
    """A number enum (`{"type": "number", "enum": [0.9, 0.95, 0.99]}`) as a `oneOf` of `const`s.

    Same accepted values, but a shape client generators represent (openapi-python-client refuses
    number enums and drops the whole model; a `const` becomes a `Literal`, openapi-typescript's too).
    """
    if isinstance(node, list):
        return [allowed_values(item) for item in node]
    if not isinstance(node, dict):
        return node
    values = node.get("enum")
    if node.get("type") == "number" and isinstance(values, list):
        rest = {key: value for key, value in node.items() if key not in {"type", "enum"}}
        return {**rest, "oneOf": [{"const": value, "type": "number"} for value in values]}
    return {key: allowed_values(value) for key, value in node.items()}


def derived_operation_id(method: str, path: str) -> str:
    """For a route not (yet) in OPERATION_IDS: method and path words in camelCase (`getScoresScoreId`)."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", path) if word]
    return method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def name_operation(operation: dict[str, Any], method: str, path: str, used: dict[str, str]) -> None:
    operation_id = OPERATION_IDS.get((method, path)) or derived_operation_id(method, path)
    if operation_id in used:
        raise OpenApiError(
            f"operationId {operation_id!r} names both {used[operation_id]} and {method.upper()} {path}"
        )
    used[operation_id] = f"{method.upper()} {path}"
    operation["operationId"] = operation_id
