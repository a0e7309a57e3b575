"""The API's Lambda REQUEST authorizer: `Authorization: Bearer <key>` in, an IAM policy out.

Thin on purpose: the key logic lives in `orgair.auth.keys`. An allowed caller gets a policy for
every method and path of the stage, because API Gateway caches the answer per Authorization header
and reuses it for every route; the per-route scope check happens in the handlers, from the context.
The answer also carries the tenant's `usageIdentifierKey` (the API key source is AUTHORIZER), so
API Gateway applies the usage plan's throttle and quota per tenant (docs/tenants.md).

A malformed, unknown or revoked key is an answer, not a fault: the authorizer returns an explicit
Deny policy for the stage, API Gateway answers with the ACCESS_DENIED gateway response, which
template.yaml makes a 401 problem with `WWW-Authenticate: Bearer`. No Lambda function error is
raised, so a caller with a bad key cannot trip the error alarms that gate a canary. (A request with
no Authorization header at all never reaches us: API Gateway answers it with UNAUTHORIZED, 401.)

When the key cannot be checked at all (the key store is unreachable or the check itself failed),
it raises `AuthorizerUnavailable`: that is a real fault of ours and counts as one. API Gateway
answers it with its authorizer-failure gateway response, which template.yaml makes a 503 problem
with Retry-After. Either way the request is refused: we fail closed, without blaming the caller's
key for our outage. Neither the key, its hash nor the usage key is ever logged; the public key_id is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from orgair.auth.keys import verify_key
from orgair.auth.principal import principal_of
from orgair.business_metrics import (
    API_KEY_ACCEPTED,
    API_KEY_REJECTED,
    API_KEY_STORE_UNAVAILABLE,
    API_KEY_WITHOUT_USAGE_KEY,
    AUTHORIZER_ERROR,
)
from orgair.errors import DependencyUnavailable
from orgair.observability import logger, metrics

ANONYMOUS = "anonymous"
KEY_STORE_UNAVAILABLE = "API key store unavailable"


class AuthorizerUnavailable(Exception):
    """The key could not be checked (not "Unauthorized"): API Gateway's authorizer failure, a 503."""

    def __init__(self) -> None:
        super().__init__(KEY_STORE_UNAVAILABLE)


def _authorization_header(event: Mapping[str, Any]) -> str | None:
    """The Authorization header, whatever its case; None when absent or sent more than once.

    `multiValueHeaders` sees every copy (`headers` keeps only the last), so it decides when present.
    """
    values: list[str] = []
    for name, listed in (event.get("multiValueHeaders") or {}).items():
        if str(name).lower() == "authorization" and isinstance(listed, list):
            values.extend(value for value in listed if isinstance(value, str))
    if not values:
        for name, value in (event.get("headers") or {}).items():
            if str(name).lower() == "authorization" and isinstance(value, str):
                values.append(value)
    return values[0] if len(values) == 1 else None


def bearer_token(event: Mapping[str, Any]) -> str | None:
    """The token of `Bearer <token>` (scheme case-insensitive, RFC 7235); None for anything else."""
    header = _authorization_header(event)
    if header is None:
        return None
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]


def stage_resource(method_arn: str) -> str:
    """`arn:…:<apiId>/<stage>/*/*` from the invoked method's ARN, so the cached policy covers the stage."""
    arn_parts = method_arn.split(":", 5)
    if len(arn_parts) != 6 or arn_parts[0] != "arn" or arn_parts[2] != "execute-api":
        raise ValueError("methodArn is not an execute-api ARN")
    api_id, _, rest = arn_parts[5].partition("/")
    stage = rest.split("/", 1)[0]
    if not api_id or not stage:
        raise ValueError("methodArn names no API id or stage")
    return ":".join(arn_parts[:5]) + f":{api_id}/{stage}/*/*"


def _policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
    }


def _deny(resource: str, reason: str) -> dict[str, Any]:
    """An explicit Deny (API Gateway's ACCESS_DENIED, a 401 here): refused, without a function error."""
    metrics.add_metric(name=API_KEY_REJECTED, unit=MetricUnit.Count, value=1)
    logger.info("request denied", extra={"reason": reason})
    return {"principalId": ANONYMOUS, "policyDocument": _policy("Deny", resource)}


# No tracer.capture_lambda_handler: it would log a traceback for every key store outage, which the
# metrics and the one error line below already report. X-Ray still sees the invocation and
# (auto-patched) the DynamoDB call.
@logger.inject_lambda_context(log_event=False, clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        resource = stage_resource(str(event.get("methodArn") or ""))
    except ValueError:
        # API Gateway always sends a methodArn; whatever this was, deny everything it could name.
        return _deny("*", "malformed methodArn")
    token = bearer_token(event)
    if token is None:
        return _deny(resource, "missing or malformed Authorization header")
    try:
        record = verify_key(token)
    except DependencyUnavailable as error:
        metrics.add_metric(name=API_KEY_STORE_UNAVAILABLE, unit=MetricUnit.Count, value=1)
        logger.error(
            "API key store unreachable; denying the request (fail closed)",
            extra={"error": type(error.__cause__ or error).__name__},
        )
        raise AuthorizerUnavailable from None
    except Exception as error:
        # Only the type: some botocore messages quote request parameters, and the key hash is one.
        metrics.add_metric(name=AUTHORIZER_ERROR, unit=MetricUnit.Count, value=1)
        logger.error(
            "API key check failed; denying the request (fail closed)",
            extra={"error": type(error).__name__},
        )
        raise AuthorizerUnavailable from None
    if record is None:
        return _deny(resource, "unknown, revoked or malformed API key")
    principal = principal_of(record)
    metrics.add_metric(name=API_KEY_ACCEPTED, unit=MetricUnit.Count, value=1)
    logger.info("request allowed", extra={"key_id": principal.key_id, "tenant_id": principal.tenant_id})
    answer: dict[str, Any] = {
        "principalId": principal.key_id,
        "policyDocument": _policy("Allow", resource),
        "context": principal.context(),
    }
    if record.usage_key is None:
        # API Gateway refuses the request (INVALID_API_KEY, 403): the tenant has no usage plan key.
        metrics.add_metric(name=API_KEY_WITHOUT_USAGE_KEY, unit=MetricUnit.Count, value=1)
        logger.warning(
            "API key has no usage key; provision the tenant with `orgair tenants provision`",
            extra={"key_id": principal.key_id, "tenant_id": principal.tenant_id},
        )
    else:
        answer["usageIdentifierKey"] = record.usage_key.get_secret_value()
    return answer
