from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_training_response import SchemasTrainingResponse
from ...types import Response


def request_kwargs(
    training_id: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/trainings/{training_id}".format(
            training_id=quote(str(training_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasTrainingResponse | None:
    if response.status_code == 200:
        response_200 = SchemasTrainingResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasTrainingResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasTrainingResponse]:
    """Get a training

     Returns a training's current state (see `status`). Once finished it carries `metrics.predict_time`
    and `metrics.total_time` in seconds; output files are HTTPS URLs that need the `Authorization`
    header.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasTrainingResponse]
    """

    kwargs = request_kwargs(
        training_id=training_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasTrainingResponse | None:
    """Get a training

     Returns a training's current state (see `status`). Once finished it carries `metrics.predict_time`
    and `metrics.total_time` in seconds; output files are HTTPS URLs that need the `Authorization`
    header.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasTrainingResponse
    """

    return sync_detailed(
        training_id=training_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasTrainingResponse]:
    """Get a training

     Returns a training's current state (see `status`). Once finished it carries `metrics.predict_time`
    and `metrics.total_time` in seconds; output files are HTTPS URLs that need the `Authorization`
    header.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasTrainingResponse]
    """

    kwargs = request_kwargs(
        training_id=training_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasTrainingResponse | None:
    """Get a training

     Returns a training's current state (see `status`). Once finished it carries `metrics.predict_time`
    and `metrics.total_time` in seconds; output files are HTTPS URLs that need the `Authorization`
    header.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasTrainingResponse
    """

    return (
        await asyncio_detailed(
            training_id=training_id,
            client=client,
        )
    ).parsed
