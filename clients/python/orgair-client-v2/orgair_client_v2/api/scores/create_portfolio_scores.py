from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.portfolio_request import PortfolioRequest
from ...models.portfolio_result import PortfolioResult
from ...models.problem_details import ProblemDetails
from typing import cast



def _get_kwargs(
    *,
    body: PortfolioRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/portfolios/scores",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PortfolioResult | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = PortfolioResult.from_dict(response.json())



        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PortfolioResult | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PortfolioRequest,

) -> Response[PortfolioResult | ProblemDetails]:
    """ Score and store up to 500 companies at once

     Validates each company on its own: an invalid one gets its own problem in its result (status
    `invalid`) and the others are still scored and stored, in input order. A company whose write failed
    is `failed` with a 503 problem and is never half-stored; a company may appear only once. The summary
    gives counts, mean, min, max and the companies that opened a review. Not idempotent: a retry stores
    new scores.

    **Required scope:** `scores:write` (or `admin`).

    Args:
        body (PortfolioRequest): Up to 500 companies; each is validated on its own, so one bad
            item does not fail the rest.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PortfolioResult | ProblemDetails]
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
    body: PortfolioRequest,

) -> PortfolioResult | ProblemDetails | None:
    """ Score and store up to 500 companies at once

     Validates each company on its own: an invalid one gets its own problem in its result (status
    `invalid`) and the others are still scored and stored, in input order. A company whose write failed
    is `failed` with a 503 problem and is never half-stored; a company may appear only once. The summary
    gives counts, mean, min, max and the companies that opened a review. Not idempotent: a retry stores
    new scores.

    **Required scope:** `scores:write` (or `admin`).

    Args:
        body (PortfolioRequest): Up to 500 companies; each is validated on its own, so one bad
            item does not fail the rest.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PortfolioResult | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PortfolioRequest,

) -> Response[PortfolioResult | ProblemDetails]:
    """ Score and store up to 500 companies at once

     Validates each company on its own: an invalid one gets its own problem in its result (status
    `invalid`) and the others are still scored and stored, in input order. A company whose write failed
    is `failed` with a 503 problem and is never half-stored; a company may appear only once. The summary
    gives counts, mean, min, max and the companies that opened a review. Not idempotent: a retry stores
    new scores.

    **Required scope:** `scores:write` (or `admin`).

    Args:
        body (PortfolioRequest): Up to 500 companies; each is validated on its own, so one bad
            item does not fail the rest.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PortfolioResult | ProblemDetails]
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
    body: PortfolioRequest,

) -> PortfolioResult | ProblemDetails | None:
    """ Score and store up to 500 companies at once

     Validates each company on its own: an invalid one gets its own problem in its result (status
    `invalid`) and the others are still scored and stored, in input order. A company whose write failed
    is `failed` with a 503 problem and is never half-stored; a company may appear only once. The summary
    gives counts, mean, min, max and the companies that opened a review. Not idempotent: a retry stores
    new scores.

    **Required scope:** `scores:write` (or `admin`).

    Args:
        body (PortfolioRequest): Up to 500 companies; each is validated on its own, so one bad
            item does not fail the rest.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PortfolioResult | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
