from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deployments_create_body import DeploymentsCreateBody
from ...models.schemas_deployment_response import SchemasDeploymentResponse
from ...types import Response


def request_kwargs(
    *,
    body: DeploymentsCreateBody,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/deployments",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> SchemasDeploymentResponse | None:
    if response.status_code == 200:
        response_200 = SchemasDeploymentResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[SchemasDeploymentResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> Response[SchemasDeploymentResponse]:
    """Create a deployment

     Creates a deployment that serves one model version on the chosen hardware, scaling between
    `min_instances` and `max_instances`. Returns the new deployment.

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasDeploymentResponse]
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
    body: DeploymentsCreateBody,
) -> SchemasDeploymentResponse | None:
    """Create a deployment

     Creates a deployment that serves one model version on the chosen hardware, scaling between
    `min_instances` and `max_instances`. Returns the new deployment.

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasDeploymentResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> Response[SchemasDeploymentResponse]:
    """Create a deployment

     Creates a deployment that serves one model version on the chosen hardware, scaling between
    `min_instances` and `max_instances`. Returns the new deployment.

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[SchemasDeploymentResponse]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> SchemasDeploymentResponse | None:
    """Create a deployment

     Creates a deployment that serves one model version on the chosen hardware, scaling between
    `min_instances` and `max_instances`. Returns the new deployment.

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SchemasDeploymentResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
