from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.composite_result import CompositeResult
from ...models.problem_details import ProblemDetails
from ...models.simulate_request import SimulateRequest
from typing import cast



def _get_kwargs(
    *,
    body: SimulateRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/scores/simulate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CompositeResult | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = CompositeResult.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CompositeResult | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SimulateRequest,

) -> Response[CompositeResult | ProblemDetails]:
    """ Score a company under what-if parameters, storing nothing

     Scores the company with the stage's model (v1: composite, v2: Org-AI-R) and the deployment's
    parameters, overridden by `parameters` where given. Nothing is stored and no review is opened, so
    repeating the call is harmless. 422 names every invalid field or parameter.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        body (SimulateRequest): A company plus optional what-if parameter overrides; nothing is
            stored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CompositeResult | ProblemDetails]
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
    body: SimulateRequest,

) -> CompositeResult | ProblemDetails | None:
    """ Score a company under what-if parameters, storing nothing

     Scores the company with the stage's model (v1: composite, v2: Org-AI-R) and the deployment's
    parameters, overridden by `parameters` where given. Nothing is stored and no review is opened, so
    repeating the call is harmless. 422 names every invalid field or parameter.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        body (SimulateRequest): A company plus optional what-if parameter overrides; nothing is
            stored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CompositeResult | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SimulateRequest,

) -> Response[CompositeResult | ProblemDetails]:
    """ Score a company under what-if parameters, storing nothing

     Scores the company with the stage's model (v1: composite, v2: Org-AI-R) and the deployment's
    parameters, overridden by `parameters` where given. Nothing is stored and no review is opened, so
    repeating the call is harmless. 422 names every invalid field or parameter.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        body (SimulateRequest): A company plus optional what-if parameter overrides; nothing is
            stored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CompositeResult | ProblemDetails]
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
    body: SimulateRequest,

) -> CompositeResult | ProblemDetails | None:
    """ Score a company under what-if parameters, storing nothing

     Scores the company with the stage's model (v1: composite, v2: Org-AI-R) and the deployment's
    parameters, overridden by `parameters` where given. Nothing is stored and no review is opened, so
    repeating the call is harmless. 422 names every invalid field or parameter.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        body (SimulateRequest): A company plus optional what-if parameter overrides; nothing is
            stored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CompositeResult | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
