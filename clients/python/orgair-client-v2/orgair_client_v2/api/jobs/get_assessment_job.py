from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.job_view import JobView
from ...models.problem_details import ProblemDetails
from typing import cast



def _get_kwargs(
    job_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/jobs/{job_id}".format(job_id=quote(str(job_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> JobView | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = JobView.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())



        return response_404

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
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[JobView | ProblemDetails]:
    """ One assessment job: status, companies by outcome, budget, each company's result

     `companies` counts each outcome (they add up to `total`); `budget` has the reserved, spent and still
    held amounts (USD strings); `results` lists every company in input order with its score id or its
    problem. A job of another tenant is a 404.

    **Required scope:** `assessments:read` (or `assessments:write`, or `admin`).

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> JobView | ProblemDetails | None:
    """ One assessment job: status, companies by outcome, budget, each company's result

     `companies` counts each outcome (they add up to `total`); `budget` has the reserved, spent and still
    held amounts (USD strings); `results` lists every company in input order with its score id or its
    problem. A job of another tenant is a 404.

    **Required scope:** `assessments:read` (or `assessments:write`, or `admin`).

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobView | ProblemDetails
     """


    return sync_detailed(
        job_id=job_id,
client=client,

    ).parsed

async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[JobView | ProblemDetails]:
    """ One assessment job: status, companies by outcome, budget, each company's result

     `companies` counts each outcome (they add up to `total`); `budget` has the reserved, spent and still
    held amounts (USD strings); `results` lists every company in input order with its score id or its
    problem. A job of another tenant is a 404.

    **Required scope:** `assessments:read` (or `assessments:write`, or `admin`).

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JobView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> JobView | ProblemDetails | None:
    """ One assessment job: status, companies by outcome, budget, each company's result

     `companies` counts each outcome (they add up to `total`); `budget` has the reserved, spent and still
    held amounts (USD strings); `results` lists every company in input order with its score id or its
    problem. A job of another tenant is a 404.

    **Required scope:** `assessments:read` (or `assessments:write`, or `admin`).

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JobView | ProblemDetails
     """


    return (await asyncio_detailed(
        job_id=job_id,
client=client,

    )).parsed
