from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.models_update_body import ModelsUpdateBody
from ...models.schemas_model_response import SchemasModelResponse
from ...types import UNSET, Response, Unset


def request_kwargs(
    model_owner: str,
    model_name: str,
    *,
    body: ModelsUpdateBody | Unset = UNSET,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/models/{model_owner}/{model_name}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SchemasModelResponse | None:
    if response.status_code == 200:
        response_200 = SchemasModelResponse.from_dict(response.json())

        return response_200

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
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> Response[SchemasModelResponse]:
    """Update a model

     Changes some of a model's metadata: `description`, `readme`, `github_url`, `paper_url`,
    `weights_url` and `license_url`. Returns the whole updated model.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasModelResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> SchemasModelResponse | None:
    """Update a model

     Changes some of a model's metadata: `description`, `readme`, `github_url`, `paper_url`,
    `weights_url` and `license_url`. Returns the whole updated model.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasModelResponse
    """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> Response[SchemasModelResponse]:
    """Update a model

     Changes some of a model's metadata: `description`, `readme`, `github_url`, `paper_url`,
    `weights_url` and `license_url`. Returns the whole updated model.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasModelResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> SchemasModelResponse | None:
    """Update a model

     Changes some of a model's metadata: `description`, `readme`, `github_url`, `paper_url`,
    `weights_url` and `license_url`. Returns the whole updated model.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasModelResponse
    """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            client=client,
            body=body,
        )
    ).parsed
