from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_training_request import SchemasTrainingRequest
from ...models.schemas_training_response import SchemasTrainingResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    body: SchemasTrainingRequest | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models/{model_owner}/{model_name}/versions/{version_id}/trainings".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
            version_id=quote(str(version_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasTrainingResponse | None:
    if response.status_code == 201:
        response_201 = SchemasTrainingResponse.from_dict(response.json())

        return response_201

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
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasTrainingRequest | Unset = UNSET,
) -> Response[SchemasTrainingResponse]:
    """Start a training

     Fine-tunes the given version: `input` goes to its `train()` function, and on success a new version
    appears in the `destination` model. Training takes minutes or more, so learn the result through
    `webhook` or by polling `trainings.get`.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (SchemasTrainingRequest | Unset): Body for starting a training (fine-tune) of a model
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasTrainingResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasTrainingRequest | Unset = UNSET,
) -> SchemasTrainingResponse | None:
    """Start a training

     Fine-tunes the given version: `input` goes to its `train()` function, and on success a new version
    appears in the `destination` model. Training takes minutes or more, so learn the result through
    `webhook` or by polling `trainings.get`.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (SchemasTrainingRequest | Unset): Body for starting a training (fine-tune) of a model
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasTrainingResponse
    """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasTrainingRequest | Unset = UNSET,
) -> Response[SchemasTrainingResponse]:
    """Start a training

     Fine-tunes the given version: `input` goes to its `train()` function, and on success a new version
    appears in the `destination` model. Training takes minutes or more, so learn the result through
    `webhook` or by polling `trainings.get`.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (SchemasTrainingRequest | Unset): Body for starting a training (fine-tune) of a model
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasTrainingResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: SchemasTrainingRequest | Unset = UNSET,
) -> SchemasTrainingResponse | None:
    """Start a training

     Fine-tunes the given version: `input` goes to its `train()` function, and on success a new version
    appears in the `destination` model. Training takes minutes or more, so learn the result through
    `webhook` or by polling `trainings.get`.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (SchemasTrainingRequest | Unset): Body for starting a training (fine-tune) of a model
            version.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasTrainingResponse
    """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            version_id=version_id,
            client=client,
            body=body,
        )
    ).parsed
