from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.files_get_response_404 import FilesGetResponse404
from ...models.schemas_file_response import SchemasFileResponse
from ...types import Response


def request_kwargs(
    file_id: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/files/{file_id}".format(
            file_id=quote(str(file_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FilesGetResponse404 | SchemasFileResponse | None:
    if response.status_code == 200:
        response_200 = SchemasFileResponse.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = FilesGetResponse404.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FilesGetResponse404 | SchemasFileResponse]:
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
) -> Response[FilesGetResponse404 | SchemasFileResponse]:
    """Get a file

     Returns the record (size, type, checksums, URLs, metadata) of one uploaded file.

    Args:
        file_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesGetResponse404 | SchemasFileResponse]
    """

    kwargs = request_kwargs(
        file_id=file_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> FilesGetResponse404 | SchemasFileResponse | None:
    """Get a file

     Returns the record (size, type, checksums, URLs, metadata) of one uploaded file.

    Args:
        file_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesGetResponse404 | SchemasFileResponse
    """

    return sync_detailed(
        file_id=file_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[FilesGetResponse404 | SchemasFileResponse]:
    """Get a file

     Returns the record (size, type, checksums, URLs, metadata) of one uploaded file.

    Args:
        file_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesGetResponse404 | SchemasFileResponse]
    """

    kwargs = request_kwargs(
        file_id=file_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    file_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> FilesGetResponse404 | SchemasFileResponse | None:
    """Get a file

     Returns the record (size, type, checksums, URLs, metadata) of one uploaded file.

    Args:
        file_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesGetResponse404 | SchemasFileResponse
    """

    return (
        await asyncio_detailed(
            file_id=file_id,
            client=client,
        )
    ).parsed
