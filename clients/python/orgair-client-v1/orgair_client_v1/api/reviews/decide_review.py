from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details import ProblemDetails
from ...models.review_decision_request import ReviewDecisionRequest
from ...models.review_item import ReviewItem
from typing import cast



def _get_kwargs(
    review_id: str,
    *,
    body: ReviewDecisionRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/reviews/{review_id}/decision".format(review_id=quote(str(review_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetails | ReviewItem | None:
    if response.status_code == 200:
        response_200 = ReviewItem.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetails | ReviewItem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    review_id: str,
    *,
    client: AuthenticatedClient,
    body: ReviewDecisionRequest,

) -> Response[ProblemDetails | ReviewItem]:
    """ Approve or reject a review

     Records the caller's decision (and comment) on a pending review, once: deciding a review again is a
    409 whatever the decision, so a retry after a lost answer shows the decision already taken. A review
    of another tenant or of the other stage is a 404.

    **Required scope:** `reviews:decide` (or `admin`).

    Args:
        review_id (str):
        body (ReviewDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReviewItem]
     """


    kwargs = _get_kwargs(
        review_id=review_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    review_id: str,
    *,
    client: AuthenticatedClient,
    body: ReviewDecisionRequest,

) -> ProblemDetails | ReviewItem | None:
    """ Approve or reject a review

     Records the caller's decision (and comment) on a pending review, once: deciding a review again is a
    409 whatever the decision, so a retry after a lost answer shows the decision already taken. A review
    of another tenant or of the other stage is a 404.

    **Required scope:** `reviews:decide` (or `admin`).

    Args:
        review_id (str):
        body (ReviewDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReviewItem
     """


    return sync_detailed(
        review_id=review_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    review_id: str,
    *,
    client: AuthenticatedClient,
    body: ReviewDecisionRequest,

) -> Response[ProblemDetails | ReviewItem]:
    """ Approve or reject a review

     Records the caller's decision (and comment) on a pending review, once: deciding a review again is a
    409 whatever the decision, so a retry after a lost answer shows the decision already taken. A review
    of another tenant or of the other stage is a 404.

    **Required scope:** `reviews:decide` (or `admin`).

    Args:
        review_id (str):
        body (ReviewDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ReviewItem]
     """


    kwargs = _get_kwargs(
        review_id=review_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    review_id: str,
    *,
    client: AuthenticatedClient,
    body: ReviewDecisionRequest,

) -> ProblemDetails | ReviewItem | None:
    """ Approve or reject a review

     Records the caller's decision (and comment) on a pending review, once: deciding a review again is a
    409 whatever the decision, so a retry after a lost answer shows the decision already taken. A review
    of another tenant or of the other stage is a 404.

    **Required scope:** `reviews:decide` (or `admin`).

    Args:
        review_id (str):
        body (ReviewDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ReviewItem
     """


    return (await asyncio_detailed(
        review_id=review_id,
client=client,
body=body,

    )).parsed
