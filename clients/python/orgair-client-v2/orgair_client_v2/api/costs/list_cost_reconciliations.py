from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.reconciliations_view import ReconciliationsView
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
        "url": "/costs/reconciliations",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | ReconciliationsView | None:
    if response.status_code == 200:
        response_200 = ReconciliationsView.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | ReconciliationsView]:
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

) -> Response[ProblemDetails | ReconciliationsView]:
    """ Each provider's reconciliation of one UTC day with its bill (operators)

     For `date` (a UTC day, default yesterday): per provider and stage (`provisional` at T+1, `close` at
    T+2) the status (`matched`, `flagged`, `error`), both totals, every model's cost and tokens on the
    ledger and on the provider's admin reports, why a model is flagged, and the alert's state. Requires
    the `admin` scope. A bad date is a 422.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReconciliationsView]
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

) -> ProblemDetails | ReconciliationsView | None:
    """ Each provider's reconciliation of one UTC day with its bill (operators)

     For `date` (a UTC day, default yesterday): per provider and stage (`provisional` at T+1, `close` at
    T+2) the status (`matched`, `flagged`, `error`), both totals, every model's cost and tokens on the
    ledger and on the provider's admin reports, why a model is flagged, and the alert's state. Requires
    the `admin` scope. A bad date is a 422.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReconciliationsView
     """


    return sync_detailed(
        client=client,
date=date,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    date: None | str | Unset = UNSET,

) -> Response[ProblemDetails | ReconciliationsView]:
    """ Each provider's reconciliation of one UTC day with its bill (operators)

     For `date` (a UTC day, default yesterday): per provider and stage (`provisional` at T+1, `close` at
    T+2) the status (`matched`, `flagged`, `error`), both totals, every model's cost and tokens on the
    ledger and on the provider's admin reports, why a model is flagged, and the alert's state. Requires
    the `admin` scope. A bad date is a 422.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReconciliationsView]
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

) -> ProblemDetails | ReconciliationsView | None:
    """ Each provider's reconciliation of one UTC day with its bill (operators)

     For `date` (a UTC day, default yesterday): per provider and stage (`provisional` at T+1, `close` at
    T+2) the status (`matched`, `flagged`, `error`), both totals, every model's cost and tokens on the
    ledger and on the provider's admin reports, why a model is flagged, and the alert's state. Requires
    the `admin` scope. A bad date is a 422.

    **Required scope:** `admin` (or `admin`).

    Args:
        date (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReconciliationsView
     """


    return (await asyncio_detailed(
        client=client,
date=date,

    )).parsed
