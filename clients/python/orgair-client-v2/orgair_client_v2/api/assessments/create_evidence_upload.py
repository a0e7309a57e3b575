from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.evidence_upload import EvidenceUpload
from ...models.evidence_upload_request import EvidenceUploadRequest
from ...models.problem_details import ProblemDetails
from typing import cast



def _get_kwargs(
    *,
    body: EvidenceUploadRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/evidence",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EvidenceUpload | ProblemDetails | None:
    if response.status_code == 201:
        response_201 = EvidenceUpload.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EvidenceUpload | ProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EvidenceUploadRequest,

) -> Response[EvidenceUpload | ProblemDetails]:
    """ Announce an evidence document and get a pre-signed S3 upload for it

     Answers an `evidence_id` and a pre-signed S3 POST (form fields, then the document as `file`) valid
    for 900 s. Its policy pins the key (`evidence/<tenant>/<evidence_id>`), the content type, the exact
    size and server-side encryption, so S3 refuses any other upload. At most 20000 bytes (the inline
    evidence bound). Then assess it on v2: POST /assessments with `evidence_id`.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (EvidenceUploadRequest): The document about to be uploaded: its content type and
            exact size.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvidenceUpload | ProblemDetails]
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
    body: EvidenceUploadRequest,

) -> EvidenceUpload | ProblemDetails | None:
    """ Announce an evidence document and get a pre-signed S3 upload for it

     Answers an `evidence_id` and a pre-signed S3 POST (form fields, then the document as `file`) valid
    for 900 s. Its policy pins the key (`evidence/<tenant>/<evidence_id>`), the content type, the exact
    size and server-side encryption, so S3 refuses any other upload. At most 20000 bytes (the inline
    evidence bound). Then assess it on v2: POST /assessments with `evidence_id`.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (EvidenceUploadRequest): The document about to be uploaded: its content type and
            exact size.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvidenceUpload | ProblemDetails
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EvidenceUploadRequest,

) -> Response[EvidenceUpload | ProblemDetails]:
    """ Announce an evidence document and get a pre-signed S3 upload for it

     Answers an `evidence_id` and a pre-signed S3 POST (form fields, then the document as `file`) valid
    for 900 s. Its policy pins the key (`evidence/<tenant>/<evidence_id>`), the content type, the exact
    size and server-side encryption, so S3 refuses any other upload. At most 20000 bytes (the inline
    evidence bound). Then assess it on v2: POST /assessments with `evidence_id`.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (EvidenceUploadRequest): The document about to be uploaded: its content type and
            exact size.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvidenceUpload | ProblemDetails]
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
    body: EvidenceUploadRequest,

) -> EvidenceUpload | ProblemDetails | None:
    """ Announce an evidence document and get a pre-signed S3 upload for it

     Answers an `evidence_id` and a pre-signed S3 POST (form fields, then the document as `file`) valid
    for 900 s. Its policy pins the key (`evidence/<tenant>/<evidence_id>`), the content type, the exact
    size and server-side encryption, so S3 refuses any other upload. At most 20000 bytes (the inline
    evidence bound). Then assess it on v2: POST /assessments with `evidence_id`.

    **Required scope:** `assessments:write` (or `admin`).

    Args:
        body (EvidenceUploadRequest): The document about to be uploaded: its content type and
            exact size.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvidenceUpload | ProblemDetails
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
