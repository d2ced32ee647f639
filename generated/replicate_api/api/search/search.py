from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_search_response import SchemasSearchResponse
from ...models.search_response_400 import SearchResponse400
from ...models.search_response_500 import SearchResponse500
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    query: str,
    limit: int | Unset = 20,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    params: dict[str, Any] = {}

    params["query"] = query

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/search",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasSearchResponse | SearchResponse400 | SearchResponse500 | None:
    if response.status_code == 200:
        response_200 = SchemasSearchResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = SearchResponse400.from_dict(response.json())

        return response_400

    if response.status_code == 500:
        response_500 = SearchResponse500.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasSearchResponse | SearchResponse400 | SearchResponse500]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    query: str,
    limit: int | Unset = 20,
) -> Response[SchemasSearchResponse | SearchResponse400 | SearchResponse500]:
    """Search (beta): models, collections, documentation

     Text search over public models, collections and documentation pages. Each model hit carries a
    `metadata` object with a machine-written description, tags and a relevance score. Beta: the response
    format may change.

    Args:
        query (str):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasSearchResponse | SearchResponse400 | SearchResponse500]
    """

    kwargs = request_kwargs(
        query=query,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    query: str,
    limit: int | Unset = 20,
) -> SchemasSearchResponse | SearchResponse400 | SearchResponse500 | None:
    """Search (beta): models, collections, documentation

     Text search over public models, collections and documentation pages. Each model hit carries a
    `metadata` object with a machine-written description, tags and a relevance score. Beta: the response
    format may change.

    Args:
        query (str):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasSearchResponse | SearchResponse400 | SearchResponse500
    """

    return sync_detailed(
        client=client,
        query=query,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    query: str,
    limit: int | Unset = 20,
) -> Response[SchemasSearchResponse | SearchResponse400 | SearchResponse500]:
    """Search (beta): models, collections, documentation

     Text search over public models, collections and documentation pages. Each model hit carries a
    `metadata` object with a machine-written description, tags and a relevance score. Beta: the response
    format may change.

    Args:
        query (str):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasSearchResponse | SearchResponse400 | SearchResponse500]
    """

    kwargs = request_kwargs(
        query=query,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    query: str,
    limit: int | Unset = 20,
) -> SchemasSearchResponse | SearchResponse400 | SearchResponse500 | None:
    """Search (beta): models, collections, documentation

     Text search over public models, collections and documentation pages. Each model hit carries a
    `metadata` object with a machine-written description, tags and a relevance score. Beta: the response
    format may change.

    Args:
        query (str):
        limit (int | Unset):  Default: 20.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasSearchResponse | SearchResponse400 | SearchResponse500
    """

    return (
        await asyncio_detailed(
            client=client,
            query=query,
            limit=limit,
        )
    ).parsed
