from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.models_list_sort_by import ModelsListSortBy
from ...models.models_list_sort_direction import ModelsListSortDirection
from ...models.schemas_paginated_model_response import SchemasPaginatedModelResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    sort_by: ModelsListSortBy | Unset = ModelsListSortBy.LATEST_VERSION_CREATED_AT,
    sort_direction: ModelsListSortDirection | Unset = ModelsListSortDirection.DESC,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    params: dict[str, Any] = {}

    json_sort_by: str | Unset = UNSET
    if not isinstance(sort_by, Unset):
        json_sort_by = sort_by.value

    params["sort_by"] = json_sort_by

    json_sort_direction: str | Unset = UNSET
    if not isinstance(sort_direction, Unset):
        json_sort_direction = sort_direction.value

    params["sort_direction"] = json_sort_direction

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasPaginatedModelResponse | None:
    if response.status_code == 200:
        response_200 = SchemasPaginatedModelResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasPaginatedModelResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    sort_by: ModelsListSortBy | Unset = ModelsListSortBy.LATEST_VERSION_CREATED_AT,
    sort_direction: ModelsListSortDirection | Unset = ModelsListSortDirection.DESC,
) -> Response[SchemasPaginatedModelResponse]:
    """List public models

     Returns public models, paginated; each item is a model object as in `models.get`. Choose the order
    with `sort_by` and `sort_direction`; by default the models with the newest versions come first.

    Args:
        sort_by (ModelsListSortBy | Unset):  Default: ModelsListSortBy.LATEST_VERSION_CREATED_AT.
        sort_direction (ModelsListSortDirection | Unset):  Default: ModelsListSortDirection.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPaginatedModelResponse]
    """

    kwargs = request_kwargs(
        sort_by=sort_by,
        sort_direction=sort_direction,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    sort_by: ModelsListSortBy | Unset = ModelsListSortBy.LATEST_VERSION_CREATED_AT,
    sort_direction: ModelsListSortDirection | Unset = ModelsListSortDirection.DESC,
) -> SchemasPaginatedModelResponse | None:
    """List public models

     Returns public models, paginated; each item is a model object as in `models.get`. Choose the order
    with `sort_by` and `sort_direction`; by default the models with the newest versions come first.

    Args:
        sort_by (ModelsListSortBy | Unset):  Default: ModelsListSortBy.LATEST_VERSION_CREATED_AT.
        sort_direction (ModelsListSortDirection | Unset):  Default: ModelsListSortDirection.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPaginatedModelResponse
    """

    return sync_detailed(
        client=client,
        sort_by=sort_by,
        sort_direction=sort_direction,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    sort_by: ModelsListSortBy | Unset = ModelsListSortBy.LATEST_VERSION_CREATED_AT,
    sort_direction: ModelsListSortDirection | Unset = ModelsListSortDirection.DESC,
) -> Response[SchemasPaginatedModelResponse]:
    """List public models

     Returns public models, paginated; each item is a model object as in `models.get`. Choose the order
    with `sort_by` and `sort_direction`; by default the models with the newest versions come first.

    Args:
        sort_by (ModelsListSortBy | Unset):  Default: ModelsListSortBy.LATEST_VERSION_CREATED_AT.
        sort_direction (ModelsListSortDirection | Unset):  Default: ModelsListSortDirection.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPaginatedModelResponse]
    """

    kwargs = request_kwargs(
        sort_by=sort_by,
        sort_direction=sort_direction,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    sort_by: ModelsListSortBy | Unset = ModelsListSortBy.LATEST_VERSION_CREATED_AT,
    sort_direction: ModelsListSortDirection | Unset = ModelsListSortDirection.DESC,
) -> SchemasPaginatedModelResponse | None:
    """List public models

     Returns public models, paginated; each item is a model object as in `models.get`. Choose the order
    with `sort_by` and `sort_direction`; by default the models with the newest versions come first.

    Args:
        sort_by (ModelsListSortBy | Unset):  Default: ModelsListSortBy.LATEST_VERSION_CREATED_AT.
        sort_direction (ModelsListSortDirection | Unset):  Default: ModelsListSortDirection.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPaginatedModelResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            sort_by=sort_by,
            sort_direction=sort_direction,
        )
    ).parsed
