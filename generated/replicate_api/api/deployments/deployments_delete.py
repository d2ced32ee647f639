from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import Response


def request_kwargs(
    deployment_owner: str,
    deployment_name: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/deployments/{deployment_owner}/{deployment_name}".format(
            deployment_owner=quote(str(deployment_owner), safe=""),
            deployment_name=quote(str(deployment_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | None:
    if response.status_code == 204:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any]:
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
) -> Response[Any]:
    """Delete a deployment

     Removes a deployment. Only possible once it has been offline and idle for 15 minutes or more.
    Answers 204 with an empty body.

    Args:
        deployment_owner (str):
        deployment_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = request_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


async def asyncio_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any]:
    """Delete a deployment

     Removes a deployment. Only possible once it has been offline and idle for 15 minutes or more.
    Answers 204 with an empty body.

    Args:
        deployment_owner (str):
        deployment_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
    """

    kwargs = request_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
