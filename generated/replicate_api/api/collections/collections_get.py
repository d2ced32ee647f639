from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_collection_response import SchemasCollectionResponse
from ...types import Response


def request_kwargs(
    collection_slug: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/collections/{collection_slug}".format(
            collection_slug=quote(str(collection_slug), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasCollectionResponse | None:
    if response.status_code == 200:
        response_200 = SchemasCollectionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasCollectionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasCollectionResponse]:
    """Get a collection

     Returns one collection with its Markdown write-up and the full model objects it contains.

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasCollectionResponse]
    """

    kwargs = request_kwargs(
        collection_slug=collection_slug,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasCollectionResponse | None:
    """Get a collection

     Returns one collection with its Markdown write-up and the full model objects it contains.

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasCollectionResponse
    """

    return sync_detailed(
        collection_slug=collection_slug,
        client=client,
    ).parsed


async def asyncio_detailed(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasCollectionResponse]:
    """Get a collection

     Returns one collection with its Markdown write-up and the full model objects it contains.

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasCollectionResponse]
    """

    kwargs = request_kwargs(
        collection_slug=collection_slug,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasCollectionResponse | None:
    """Get a collection

     Returns one collection with its Markdown write-up and the full model objects it contains.

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasCollectionResponse
    """

    return (
        await asyncio_detailed(
            collection_slug=collection_slug,
            client=client,
        )
    ).parsed
