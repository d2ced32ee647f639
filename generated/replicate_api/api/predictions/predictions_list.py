import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.predictions_list_response_200 import PredictionsListResponse200
from ...models.predictions_list_source import PredictionsListSource
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    source: PredictionsListSource | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    params: dict[str, Any] = {}

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    json_source: str | Unset = UNSET
    if not isinstance(source, Unset):
        json_source = source.value

    params["source"] = json_source

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/predictions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PredictionsListResponse200 | None:
    if response.status_code == 200:
        response_200 = PredictionsListResponse200.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PredictionsListResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    source: PredictionsListSource | Unset = UNSET,
) -> Response[PredictionsListResponse200]:
    """List predictions

     Returns predictions made by the token's account, from both the API and the website, newest first,
    100 per page. Narrow by creation time or by source.

    Args:
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        source (PredictionsListSource | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictionsListResponse200]
    """

    kwargs = request_kwargs(
        created_after=created_after,
        created_before=created_before,
        source=source,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    source: PredictionsListSource | Unset = UNSET,
) -> PredictionsListResponse200 | None:
    """List predictions

     Returns predictions made by the token's account, from both the API and the website, newest first,
    100 per page. Narrow by creation time or by source.

    Args:
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        source (PredictionsListSource | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictionsListResponse200
    """

    return sync_detailed(
        client=client,
        created_after=created_after,
        created_before=created_before,
        source=source,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    source: PredictionsListSource | Unset = UNSET,
) -> Response[PredictionsListResponse200]:
    """List predictions

     Returns predictions made by the token's account, from both the API and the website, newest first,
    100 per page. Narrow by creation time or by source.

    Args:
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        source (PredictionsListSource | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictionsListResponse200]
    """

    kwargs = request_kwargs(
        created_after=created_after,
        created_before=created_before,
        source=source,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    source: PredictionsListSource | Unset = UNSET,
) -> PredictionsListResponse200 | None:
    """List predictions

     Returns predictions made by the token's account, from both the API and the website, newest first,
    100 per page. Narrow by creation time or by source.

    Args:
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        source (PredictionsListSource | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictionsListResponse200
    """

    return (
        await asyncio_detailed(
            client=client,
            created_after=created_after,
            created_before=created_before,
            source=source,
        )
    ).parsed
