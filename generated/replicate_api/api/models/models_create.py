from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.models_create_body import ModelsCreateBody
from ...models.schemas_model_response import SchemasModelResponse
from ...types import Response


def request_kwargs(
    *,
    body: ModelsCreateBody,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SchemasModelResponse | None:
    if response.status_code == 201:
        response_201 = SchemasModelResponse.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasModelResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> Response[SchemasModelResponse]:
    """Create a model

     Creates a new, empty model for a user or organization; push versions to it afterwards. One account
    may hold at most 1,000 models, so keep one model and add versions to it rather than creating a model
    per change.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasModelResponse]
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
    body: ModelsCreateBody,
) -> SchemasModelResponse | None:
    """Create a model

     Creates a new, empty model for a user or organization; push versions to it afterwards. One account
    may hold at most 1,000 models, so keep one model and add versions to it rather than creating a model
    per change.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasModelResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> Response[SchemasModelResponse]:
    """Create a model

     Creates a new, empty model for a user or organization; push versions to it afterwards. One account
    may hold at most 1,000 models, so keep one model and add versions to it rather than creating a model
    per change.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasModelResponse]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> SchemasModelResponse | None:
    """Create a model

     Creates a new, empty model for a user or organization; push versions to it afterwards. One account
    may hold at most 1,000 models, so keep one model and add versions to it rather than creating a model
    per change.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasModelResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
