from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.usage_recorded import UsageRecorded
from ...models.usage_report_body import UsageReportBody
from typing import cast



def _get_kwargs(
    *,
    body: UsageReportBody,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/costs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | UsageRecorded | None:
    if response.status_code == 200:
        response_200 = UsageRecorded.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = UsageRecorded.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())



        return response_403

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ProblemDetails.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ProblemDetails.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ProblemDetails.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = ProblemDetails.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | UsageRecorded]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UsageReportBody,
    idempotency_key: str,

) -> Response[ProblemDetails | UsageRecorded]:
    """ Record LLM usage another service paid for

     Prices the reported tokens with this service's price table and records one line on the caller's
    ledger, counted against the daily budgets. `Idempotency-Key` is required: a retry with the same key
    answers 200 with the line recorded first (`Idempotent-Replayed: true`) and records nothing; the same
    key with another body is a 422. An unpriced model is a 422 naming `model`.

    **Required scope:** `costs:write` (or `admin`).

    Args:
        idempotency_key (str):
        body (UsageReportBody): `POST /costs`: usage another service paid a provider for, priced
            here from our table.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | UsageRecorded]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: UsageReportBody,
    idempotency_key: str,

) -> ProblemDetails | UsageRecorded | None:
    """ Record LLM usage another service paid for

     Prices the reported tokens with this service's price table and records one line on the caller's
    ledger, counted against the daily budgets. `Idempotency-Key` is required: a retry with the same key
    answers 200 with the line recorded first (`Idempotent-Replayed: true`) and records nothing; the same
    key with another body is a 422. An unpriced model is a 422 naming `model`.

    **Required scope:** `costs:write` (or `admin`).

    Args:
        idempotency_key (str):
        body (UsageReportBody): `POST /costs`: usage another service paid a provider for, priced
            here from our table.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | UsageRecorded
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UsageReportBody,
    idempotency_key: str,

) -> Response[ProblemDetails | UsageRecorded]:
    """ Record LLM usage another service paid for

     Prices the reported tokens with this service's price table and records one line on the caller's
    ledger, counted against the daily budgets. `Idempotency-Key` is required: a retry with the same key
    answers 200 with the line recorded first (`Idempotent-Replayed: true`) and records nothing; the same
    key with another body is a 422. An unpriced model is a 422 naming `model`.

    **Required scope:** `costs:write` (or `admin`).

    Args:
        idempotency_key (str):
        body (UsageReportBody): `POST /costs`: usage another service paid a provider for, priced
            here from our table.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | UsageRecorded]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UsageReportBody,
    idempotency_key: str,

) -> ProblemDetails | UsageRecorded | None:
    """ Record LLM usage another service paid for

     Prices the reported tokens with this service's price table and records one line on the caller's
    ledger, counted against the daily budgets. `Idempotency-Key` is required: a retry with the same key
    answers 200 with the line recorded first (`Idempotent-Replayed: true`) and records nothing; the same
    key with another body is a 422. An unpriced model is a 422 naming `model`.

    **Required scope:** `costs:write` (or `admin`).

    Args:
        idempotency_key (str):
        body (UsageReportBody): `POST /costs`: usage another service paid a provider for, priced
            here from our table.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | UsageRecorded
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
