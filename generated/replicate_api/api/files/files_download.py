from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.files_download_response_404 import FilesDownloadResponse404
from ...types import UNSET, File, Response


def request_kwargs(
    file_id: str,
    *,
    owner: str,
    expiry: int,
    signature: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    params: dict[str, Any] = {}

    params["owner"] = owner

    params["expiry"] = expiry

    params["signature"] = signature

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/files/{file_id}/download".format(
            file_id=quote(str(file_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> File | FilesDownloadResponse404 | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 404:
        response_404 = FilesDownloadResponse404.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[File | FilesDownloadResponse404]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
    owner: str,
    expiry: int,
    signature: str,
) -> Response[File | FilesDownloadResponse404]:
    """Download a file

     Returns the raw bytes of a file. Access is granted by a signed link: the uploader's username, an
    expiry time and a signature over both plus the file ID.

    Args:
        file_id (str):
        owner (str):
        expiry (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | FilesDownloadResponse404]
    """

    kwargs = request_kwargs(
        file_id=file_id,
        owner=owner,
        expiry=expiry,
        signature=signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
    owner: str,
    expiry: int,
    signature: str,
) -> File | FilesDownloadResponse404 | None:
    """Download a file

     Returns the raw bytes of a file. Access is granted by a signed link: the uploader's username, an
    expiry time and a signature over both plus the file ID.

    Args:
        file_id (str):
        owner (str):
        expiry (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | FilesDownloadResponse404
    """

    return sync_detailed(
        file_id=file_id,
        client=client,
        owner=owner,
        expiry=expiry,
        signature=signature,
    ).parsed


async def asyncio_detailed(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
    owner: str,
    expiry: int,
    signature: str,
) -> Response[File | FilesDownloadResponse404]:
    """Download a file

     Returns the raw bytes of a file. Access is granted by a signed link: the uploader's username, an
    expiry time and a signature over both plus the file ID.

    Args:
        file_id (str):
        owner (str):
        expiry (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | FilesDownloadResponse404]
    """

    kwargs = request_kwargs(
        file_id=file_id,
        owner=owner,
        expiry=expiry,
        signature=signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
    owner: str,
    expiry: int,
    signature: str,
) -> File | FilesDownloadResponse404 | None:
    """Download a file

     Returns the raw bytes of a file. Access is granted by a signed link: the uploader's username, an
    expiry time and a signature over both plus the file ID.

    Args:
        file_id (str):
        owner (str):
        expiry (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | FilesDownloadResponse404
    """

    return (
        await asyncio_detailed(
            file_id=file_id,
            client=client,
            owner=owner,
            expiry=expiry,
            signature=signature,
        )
    ).parsed
