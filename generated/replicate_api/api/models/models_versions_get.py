from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.schemas_version_response import SchemasVersionResponse
from ...types import Response


def request_kwargs(
    model_owner: str,
    model_name: str,
    version_id: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models/{model_owner}/{model_name}/versions/{version_id}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
            version_id=quote(str(version_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> SchemasVersionResponse | None:
    if response.status_code == 200:
        response_200 = SchemasVersionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasVersionResponse]:
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
) -> Response[SchemasVersionResponse]:
    """Get a model version

     Returns one version. Its `openapi_schema` property holds OpenAPI schema objects
    (`components.schemas.Input` and `.Output`) that describe the model's inputs and outputs, using the
    types Cog supports.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasVersionResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
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
) -> SchemasVersionResponse | None:
    """Get a model version

     Returns one version. Its `openapi_schema` property holds OpenAPI schema objects
    (`components.schemas.Input` and `.Output`) that describe the model's inputs and outputs, using the
    types Cog supports.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasVersionResponse
    """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[SchemasVersionResponse]:
    """Get a model version

     Returns one version. Its `openapi_schema` property holds OpenAPI schema objects
    (`components.schemas.Input` and `.Output`) that describe the model's inputs and outputs, using the
    types Cog supports.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasVersionResponse]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> SchemasVersionResponse | None:
    """Get a model version

     Returns one version. Its `openapi_schema` property holds OpenAPI schema objects
    (`components.schemas.Input` and `.Output`) that describe the model's inputs and outputs, using the
    types Cog supports.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasVersionResponse
    """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            version_id=version_id,
            client=client,
        )
    ).parsed
