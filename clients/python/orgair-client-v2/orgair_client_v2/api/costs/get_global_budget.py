from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.global_budget_view import GlobalBudgetView
from ...models.problem_details import ProblemDetails
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    date: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_date: None | str | Unset
    if isinstance(date, Unset):
        json_date = UNSET
    else:
        json_date = date
    params["date"] = json_date


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/costs/budgets/global",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GlobalBudgetView | ProblemDetails | None:
    if response.status_code == 200:
        response_200 = GlobalBudgetView.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GlobalBudgetView | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    date: None | str | Unset = UNSET,

) -> Response[GlobalBudgetView | ProblemDetails]:
    """ The global daily budget of one UTC day (operators)

     Limit, committed, settled, held, available, utilisation and the burn-rate forecast to midnight UTC
    of the global budget (DailyCostBudgetUsd), with every tenant's share of it, largest first. Read-only
    and safe to retry. A bad date is a 422; a key without the admin scope is a 403.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GlobalBudgetView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        date=date,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    date: None | str | Unset = UNSET,

) -> GlobalBudgetView | ProblemDetails | None:
    """ The global daily budget of one UTC day (operators)

     Limit, committed, settled, held, available, utilisation and the burn-rate forecast to midnight UTC
    of the global budget (DailyCostBudgetUsd), with every tenant's share of it, largest first. Read-only
    and safe to retry. A bad date is a 422; a key without the admin scope is a 403.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GlobalBudgetView | ProblemDetails
     """


    return sync_detailed(
        client=client,
date=date,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    date: None | str | Unset = UNSET,

) -> Response[GlobalBudgetView | ProblemDetails]:
    """ The global daily budget of one UTC day (operators)

     Limit, committed, settled, held, available, utilisation and the burn-rate forecast to midnight UTC
    of the global budget (DailyCostBudgetUsd), with every tenant's share of it, largest first. Read-only
    and safe to retry. A bad date is a 422; a key without the admin scope is a 403.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GlobalBudgetView | ProblemDetails]
     """


    kwargs = _get_kwargs(
        date=date,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    date: None | str | Unset = UNSET,

) -> GlobalBudgetView | ProblemDetails | None:
    """ The global daily budget of one UTC day (operators)

     Limit, committed, settled, held, available, utilisation and the burn-rate forecast to midnight UTC
    of the global budget (DailyCostBudgetUsd), with every tenant's share of it, largest first. Read-only
    and safe to retry. A bad date is a 422; a key without the admin scope is a 403.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GlobalBudgetView | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
date=date,

    )).parsed
