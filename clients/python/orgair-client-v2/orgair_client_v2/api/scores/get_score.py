from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.stored_score import StoredScore
from typing import cast



def _get_kwargs(
    score_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/scores/{score_id}".format(score_id=quote(str(score_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | StoredScore | None:
    if response.status_code == 200:
        response_200 = StoredScore.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | StoredScore]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    score_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ProblemDetails | StoredScore]:
    """ Read a stored score

     The score with this id, rendered in this stage's model. A score of another tenant, or one created on
    the other stage, is a 404: each stage shows only its own version's scores.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        score_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StoredScore]
     """


    kwargs = _get_kwargs(
        score_id=score_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    score_id: str,
    *,
    client: AuthenticatedClient,

) -> ProblemDetails | StoredScore | None:
    """ Read a stored score

     The score with this id, rendered in this stage's model. A score of another tenant, or one created on
    the other stage, is a 404: each stage shows only its own version's scores.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        score_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StoredScore
     """


    return sync_detailed(
        score_id=score_id,
client=client,

    ).parsed

async def asyncio_detailed(
    score_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ProblemDetails | StoredScore]:
    """ Read a stored score

     The score with this id, rendered in this stage's model. A score of another tenant, or one created on
    the other stage, is a 404: each stage shows only its own version's scores.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        score_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | StoredScore]
     """


    kwargs = _get_kwargs(
        score_id=score_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    score_id: str,
    *,
    client: AuthenticatedClient,

) -> ProblemDetails | StoredScore | None:
    """ Read a stored score

     The score with this id, rendered in this stage's model. A score of another tenant, or one created on
    the other stage, is a 404: each stage shows only its own version's scores.

    **Required scope:** `scores:read` (or `admin`).

    Args:
        score_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | StoredScore
     """


    return (await asyncio_detailed(
        score_id=score_id,
client=client,

    )).parsed
