from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import Response


def request_kwargs(
    model_owner: str,
    model_name: str,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client.request()`` that send this operation:
    method, URL with its path parameters quoted, query, headers and body."""

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models/{model_owner}/{model_name}/readme".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | str]:
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
) -> Response[Any | str]:
    """Get a model's README

     Returns the model's README as Markdown in a plain-text body.

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | str]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
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
) -> Any | str | None:
    """Get a model's README

     Returns the model's README as Markdown in a plain-text body.

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | str
    """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        client=client,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | str]:
    """Get a model's README

     Returns the model's README as Markdown in a plain-text body.

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | str]
    """

    kwargs = request_kwargs(
        model_owner=model_owner,
        model_name=model_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | str | None:
    """Get a model's README

     Returns the model's README as Markdown in a plain-text body.

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | str
    """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            client=client,
        )
    ).parsed
