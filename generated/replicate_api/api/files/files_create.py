from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.files_create_body import FilesCreateBody
from ...models.files_create_response_413 import FilesCreateResponse413
from ...models.schemas_file_response import SchemasFileResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: FilesCreateBody | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/files",
    }

    if not isinstance(body, Unset):
        _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FilesCreateResponse413 | SchemasFileResponse | None:
    if response.status_code == 201:
        response_201 = SchemasFileResponse.from_dict(response.json())

        return response_201

    if response.status_code == 413:
        response_413 = FilesCreateResponse413.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FilesCreateResponse413 | SchemasFileResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> Response[FilesCreateResponse413 | SchemasFileResponse]:
    """Upload a file

     Stores a file sent as `multipart/form-data` and returns its record. Form fields: `content` (the
    bytes; required), `filename` (at most 255 bytes, valid UTF-8), `type` (MIME type,
    `application/octet-stream` if omitted) and `metadata` (a JSON object, `{}` if omitted).

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesCreateResponse413 | SchemasFileResponse]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> FilesCreateResponse413 | SchemasFileResponse | None:
    """Upload a file

     Stores a file sent as `multipart/form-data` and returns its record. Form fields: `content` (the
    bytes; required), `filename` (at most 255 bytes, valid UTF-8), `type` (MIME type,
    `application/octet-stream` if omitted) and `metadata` (a JSON object, `{}` if omitted).

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesCreateResponse413 | SchemasFileResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> Response[FilesCreateResponse413 | SchemasFileResponse]:
    """Upload a file

     Stores a file sent as `multipart/form-data` and returns its record. Form fields: `content` (the
    bytes; required), `filename` (at most 255 bytes, valid UTF-8), `type` (MIME type,
    `application/octet-stream` if omitted) and `metadata` (a JSON object, `{}` if omitted).

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesCreateResponse413 | SchemasFileResponse]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> FilesCreateResponse413 | SchemasFileResponse | None:
    """Upload a file

     Stores a file sent as `multipart/form-data` and returns its record. Form fields: `content` (the
    bytes; required), `filename` (at most 255 bytes, valid UTF-8), `type` (MIME type,
    `application/octet-stream` if omitted) and `metadata` (a JSON object, `{}` if omitted).

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesCreateResponse413 | SchemasFileResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
