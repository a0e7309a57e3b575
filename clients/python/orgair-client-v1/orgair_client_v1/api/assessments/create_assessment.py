from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.assessment_request import AssessmentRequest
from ...models.problem_details import ProblemDetails
from ...models.stored_score import StoredScore
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: AssessmentRequest,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/assessments",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | StoredScore | None:
    if response.status_code == 201:
        response_201 = StoredScore.from_dict(response.json())



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

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ProblemDetails.from_dict(response.json())



        return response_409

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

    if response.status_code == 502:
        response_502 = ProblemDetails.from_dict(response.json())



        return response_502

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | StoredScore]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AssessmentRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[ProblemDetails | StoredScore]:
    """ Assess a company from evidence with an LLM, then score and store it

     Sends the evidence (inline `evidence` text, kept in the evidence bucket first, or on v2 an
    `evidence_id` uploaded through POST /evidence) to the default model (retries with backoff, then the
    fallback model) for a rating of each dimension, then scores and stores the company as POST /scores
    does; every attempt is priced and on the ledger (`assessment.llm`). Admission is checked against
    every daily budget first: over budget is a 429 with `Retry-After` and no model is called; a budget
    store or provider that cannot be reached is a 503. Send an `Idempotency-Key` so that a retry answers
    the first assessment instead of paying for a second one.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        idempotency_key (str | Unset):
        body (AssessmentRequest): The body of POST /assessments: the evidence inline (`evidence`)
            or, on v2, a document uploaded
            through POST /evidence (`evidence_id`); exactly one of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StoredScore]
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
    body: AssessmentRequest,
    idempotency_key: str | Unset = UNSET,

) -> ProblemDetails | StoredScore | None:
    """ Assess a company from evidence with an LLM, then score and store it

     Sends the evidence (inline `evidence` text, kept in the evidence bucket first, or on v2 an
    `evidence_id` uploaded through POST /evidence) to the default model (retries with backoff, then the
    fallback model) for a rating of each dimension, then scores and stores the company as POST /scores
    does; every attempt is priced and on the ledger (`assessment.llm`). Admission is checked against
    every daily budget first: over budget is a 429 with `Retry-After` and no model is called; a budget
    store or provider that cannot be reached is a 503. Send an `Idempotency-Key` so that a retry answers
    the first assessment instead of paying for a second one.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        idempotency_key (str | Unset):
        body (AssessmentRequest): The body of POST /assessments: the evidence inline (`evidence`)
            or, on v2, a document uploaded
            through POST /evidence (`evidence_id`); exactly one of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StoredScore
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AssessmentRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[ProblemDetails | StoredScore]:
    """ Assess a company from evidence with an LLM, then score and store it

     Sends the evidence (inline `evidence` text, kept in the evidence bucket first, or on v2 an
    `evidence_id` uploaded through POST /evidence) to the default model (retries with backoff, then the
    fallback model) for a rating of each dimension, then scores and stores the company as POST /scores
    does; every attempt is priced and on the ledger (`assessment.llm`). Admission is checked against
    every daily budget first: over budget is a 429 with `Retry-After` and no model is called; a budget
    store or provider that cannot be reached is a 503. Send an `Idempotency-Key` so that a retry answers
    the first assessment instead of paying for a second one.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        idempotency_key (str | Unset):
        body (AssessmentRequest): The body of POST /assessments: the evidence inline (`evidence`)
            or, on v2, a document uploaded
            through POST /evidence (`evidence_id`); exactly one of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StoredScore]
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
    body: AssessmentRequest,
    idempotency_key: str | Unset = UNSET,

) -> ProblemDetails | StoredScore | None:
    """ Assess a company from evidence with an LLM, then score and store it

     Sends the evidence (inline `evidence` text, kept in the evidence bucket first, or on v2 an
    `evidence_id` uploaded through POST /evidence) to the default model (retries with backoff, then the
    fallback model) for a rating of each dimension, then scores and stores the company as POST /scores
    does; every attempt is priced and on the ledger (`assessment.llm`). Admission is checked against
    every daily budget first: over budget is a 429 with `Retry-After` and no model is called; a budget
    store or provider that cannot be reached is a 503. Send an `Idempotency-Key` so that a retry answers
    the first assessment instead of paying for a second one.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        idempotency_key (str | Unset):
        body (AssessmentRequest): The body of POST /assessments: the evidence inline (`evidence`)
            or, on v2, a document uploaded
            through POST /evidence (`evidence_id`); exactly one of them.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StoredScore
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
