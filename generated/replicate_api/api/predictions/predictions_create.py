from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_prediction_response import SchemasPredictionResponse
from ...models.schemas_version_prediction_request import SchemasVersionPredictionRequest
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    body: SchemasVersionPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}
    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer

    if not isinstance(cancel_after, Unset):
        headers["Cancel-After"] = cancel_after

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/predictions",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasPredictionResponse | None:
    if response.status_code == 201:
        response_201 = SchemasPredictionResponse.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = SchemasPredictionResponse.from_dict(response.json())

        return response_202

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
    *,
    client: AuthenticatedClient | Client,
    body: SchemasVersionPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[SchemasPredictionResponse]:
    """Create a prediction

     Runs a model version, or an official model given by name, on the supplied input. Send `Prefer: wait`
    (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy then,
    you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasVersionPredictionRequest | Unset): Body for `predictions.create`: what to run
            and with which inputs.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SchemasVersionPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> SchemasPredictionResponse | None:
    """Create a prediction

     Runs a model version, or an official model given by name, on the supplied input. Send `Prefer: wait`
    (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy then,
    you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasVersionPredictionRequest | Unset): Body for `predictions.create`: what to run
            and with which inputs.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SchemasVersionPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[SchemasPredictionResponse]:
    """Create a prediction

     Runs a model version, or an official model given by name, on the supplied input. Send `Prefer: wait`
    (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy then,
    you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasVersionPredictionRequest | Unset): Body for `predictions.create`: what to run
            and with which inputs.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SchemasVersionPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> SchemasPredictionResponse | None:
    """Create a prediction

     Runs a model version, or an official model given by name, on the supplied input. Send `Prefer: wait`
    (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy then,
    you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasVersionPredictionRequest | Unset): Body for `predictions.create`: what to run
            and with which inputs.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            prefer=prefer,
            cancel_after=cancel_after,
        )
    ).parsed
