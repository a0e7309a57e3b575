"""The answer of a POST that creates something a retry must not create again.

With an `Idempotency-Key` (optional; checked by `orgair.idempotency.check_key`) the creation runs
once per (operation, tenant, key): a retry with the same key and body answers the first result
with `Idempotent-Replayed: true`, the same key with another body is a 422 and a key still in flight
a 409 (`orgair.idempotency.run_once`). Without one it simply runs. Either way the answer carries the
`Location` of what was created, `/<stage>/<collection>/<id>`.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from pydantic import BaseModel

from orgair.http import caller, created, current_stage, header
from orgair.idempotency import IDEMPOTENCY_HEADER, check_key, run_once
from orgair.settings import get_settings


def create_once(
    app: APIGatewayRestResolver,
    operation: str,
    body: BaseModel,
    produce: Callable[[], BaseModel],
    *,
    collection: str,
    id_field: str,
    status: HTTPStatus = HTTPStatus.CREATED,
) -> Response[Any]:
    """Run `produce` (at most once per Idempotency-Key) and answer what it created with its Location.

    `operation` names what is created (with the parameter version where the stages differ), `body`
    is the request whose JSON a retry must repeat, `collection` and `id_field` build the Location.
    """
    key = check_key(header(app.current_event.headers, IDEMPOTENCY_HEADER), required=False)
    answer: BaseModel | dict[str, Any]
    if key is None:
        # The model itself: response validation takes it as it is and dumps it once, where a dict
        # would be validated into the model again and dumped again.
        answer, replayed = produce(), False
        created_id = getattr(answer, id_field)
    else:
        answer, replayed = run_once(
            operation=operation,
            tenant_id=caller(app).tenant_id,
            key=key,
            payload=body.model_dump(mode="json"),
            produce=lambda: produce().model_dump(mode="json"),
            table_name=get_settings().IDEMPOTENCY_TABLE_NAME,
            context=app.lambda_context,
        )
        created_id = answer[id_field]
    response = created(answer, f"/{current_stage(app)}/{collection}/{created_id}", replayed=replayed)
    response.status_code = status
    return response
