from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_prediction_response import SchemasPredictionResponse
from ...types import Response


def request_kwargs(
    prediction_id: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/predictions/{prediction_id}/cancel".format(
            prediction_id=quote(str(prediction_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasPredictionResponse | None:
    if response.status_code == 200:
        response_200 = SchemasPredictionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasPredictionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    prediction_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasPredictionResponse]:
    """Cancel a prediction

     Stops a prediction that has not finished yet and returns it.

    Args:
        prediction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        prediction_id=prediction_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    prediction_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasPredictionResponse | None:
    """Cancel a prediction

     Stops a prediction that has not finished yet and returns it.

    Args:
        prediction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return sync_detailed(
        prediction_id=prediction_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    prediction_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasPredictionResponse]:
    """Cancel a prediction

     Stops a prediction that has not finished yet and returns it.

    Args:
        prediction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        prediction_id=prediction_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    prediction_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasPredictionResponse | None:
    """Cancel a prediction

     Stops a prediction that has not finished yet and returns it.

    Args:
        prediction_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return (
        await asyncio_detailed(
            prediction_id=prediction_id,
            client=client,
        )
    ).parsed
