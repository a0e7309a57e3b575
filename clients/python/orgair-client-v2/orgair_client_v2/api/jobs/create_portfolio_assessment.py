from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.job_view import JobView
from ...models.portfolio_assessment_request import PortfolioAssessmentRequest
from ...models.problem_details import ProblemDetails
from typing import cast



def _get_kwargs(
    *,
    body: PortfolioAssessmentRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/portfolios/assessments",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> JobView | ProblemDetails | None:
    if response.status_code == 202:
        response_202 = JobView.from_dict(response.json())



        return response_202

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

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[JobView | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PortfolioAssessmentRequest,

) -> Response[JobView | ProblemDetails]:
    """ Assess a portfolio in the background, within a job budget

     Reserves `budget_usd` whole against the tenant's and the global daily budgets (a 429 naming the
    scope when one cannot hold it, and nothing is queued), stores the companies and queues one message
    per company; answers 202 with the job and its `Location`. Each company is assessed as POST
    /assessments does, every provider attempt drawn from the job's reservation and on the ledger under
    the job's id; companies left when it runs out end `budget_exhausted`. On v2 a company may refer to a
    document uploaded through POST /evidence (`evidence_id`, instead of `evidence`); each is checked
    before anything is reserved (404 unknown, 409 not uploaded, naming `companies.<i>.evidence_id`).
    Send an `Idempotency-Key` so that a retry answers the first job instead of reserving again, even
    after a failure part-way (the retry completes the same job on the same reservation).

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (PortfolioAssessmentRequest): The body of POST /portfolios/assessments.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: PortfolioAssessmentRequest,

) -> JobView | ProblemDetails | None:
    """ Assess a portfolio in the background, within a job budget

     Reserves `budget_usd` whole against the tenant's and the global daily budgets (a 429 naming the
    scope when one cannot hold it, and nothing is queued), stores the companies and queues one message
    per company; answers 202 with the job and its `Location`. Each company is assessed as POST
    /assessments does, every provider attempt drawn from the job's reservation and on the ledger under
    the job's id; companies left when it runs out end `budget_exhausted`. On v2 a company may refer to a
    document uploaded through POST /evidence (`evidence_id`, instead of `evidence`); each is checked
    before anything is reserved (404 unknown, 409 not uploaded, naming `companies.<i>.evidence_id`).
    Send an `Idempotency-Key` so that a retry answers the first job instead of reserving again, even
    after a failure part-way (the retry completes the same job on the same reservation).

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (PortfolioAssessmentRequest): The body of POST /portfolios/assessments.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobView | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PortfolioAssessmentRequest,

) -> Response[JobView | ProblemDetails]:
    """ Assess a portfolio in the background, within a job budget

     Reserves `budget_usd` whole against the tenant's and the global daily budgets (a 429 naming the
    scope when one cannot hold it, and nothing is queued), stores the companies and queues one message
    per company; answers 202 with the job and its `Location`. Each company is assessed as POST
    /assessments does, every provider attempt drawn from the job's reservation and on the ledger under
    the job's id; companies left when it runs out end `budget_exhausted`. On v2 a company may refer to a
    document uploaded through POST /evidence (`evidence_id`, instead of `evidence`); each is checked
    before anything is reserved (404 unknown, 409 not uploaded, naming `companies.<i>.evidence_id`).
    Send an `Idempotency-Key` so that a retry answers the first job instead of reserving again, even
    after a failure part-way (the retry completes the same job on the same reservation).

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (PortfolioAssessmentRequest): The body of POST /portfolios/assessments.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PortfolioAssessmentRequest,

) -> JobView | ProblemDetails | None:
    """ Assess a portfolio in the background, within a job budget

     Reserves `budget_usd` whole against the tenant's and the global daily budgets (a 429 naming the
    scope when one cannot hold it, and nothing is queued), stores the companies and queues one message
    per company; answers 202 with the job and its `Location`. Each company is assessed as POST
    /assessments does, every provider attempt drawn from the job's reservation and on the ledger under
    the job's id; companies left when it runs out end `budget_exhausted`. On v2 a company may refer to a
    document uploaded through POST /evidence (`evidence_id`, instead of `evidence`); each is checked
    before anything is reserved (404 unknown, 409 not uploaded, naming `companies.<i>.evidence_id`).
    Send an `Idempotency-Key` so that a retry answers the first job instead of reserving again, even
    after a failure part-way (the retry completes the same job on the same reservation).

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (PortfolioAssessmentRequest): The body of POST /portfolios/assessments.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobView | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
