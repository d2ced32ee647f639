from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_prediction_request import SchemasPredictionRequest
from ...models.schemas_prediction_response import SchemasPredictionResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    deployment_owner: str,
    deployment_name: str,
    *,
    body: SchemasPredictionRequest | Unset = UNSET,
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
        "url": "/deployments/{deployment_owner}/{deployment_name}/predictions".format(
            deployment_owner=quote(str(deployment_owner), safe=""),
            deployment_name=quote(str(deployment_name), safe=""),
        ),
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
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[SchemasPredictionResponse]:
    """Run a prediction on a deployment

     Starts a prediction on the deployment's current model version with the given input. Send `Prefer:
    wait` (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy
    then, you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        deployment_owner (str):
        deployment_name (str):
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasPredictionRequest | Unset): Body for creating a prediction when the URL
            already names the model or deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> SchemasPredictionResponse | None:
    """Run a prediction on a deployment

     Starts a prediction on the deployment's current model version with the given input. Send `Prefer:
    wait` (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy
    then, you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        deployment_owner (str):
        deployment_name (str):
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasPredictionRequest | Unset): Body for creating a prediction when the URL
            already names the model or deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return sync_detailed(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        client=client,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    ).parsed


async def asyncio_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[SchemasPredictionResponse]:
    """Run a prediction on a deployment

     Starts a prediction on the deployment's current model version with the given input. Send `Prefer:
    wait` (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy
    then, you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        deployment_owner (str):
        deployment_name (str):
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasPredictionRequest | Unset): Body for creating a prediction when the URL
            already names the model or deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasPredictionResponse]
    """

    kwargs = request_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasPredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> SchemasPredictionResponse | None:
    """Run a prediction on a deployment

     Starts a prediction on the deployment's current model version with the given input. Send `Prefer:
    wait` (or `wait=n`) to block until the output is ready, up to 60 seconds; if the model is still busy
    then, you get the prediction in its current state (e.g. `starting`) and can poll `predictions.get`.
    `Cancel-After` sets a deadline after which the prediction is canceled. A `webhook` lets you skip
    polling.

    Args:
        deployment_owner (str):
        deployment_name (str):
        prefer (str | Unset):
        cancel_after (str | Unset):
        body (SchemasPredictionRequest | Unset): Body for creating a prediction when the URL
            already names the model or deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasPredictionResponse
    """

    return (
        await asyncio_detailed(
            deployment_owner=deployment_owner,
            deployment_name=deployment_name,
            client=client,
            body=body,
            prefer=prefer,
            cancel_after=cancel_after,
        )
    ).parsed
