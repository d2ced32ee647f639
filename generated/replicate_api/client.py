"""Holders of the httpx clients that every generated endpoint function sends requests through."""

import ssl
from typing import Any, Self

import httpx
from attrs import define, evolve, field

DEFAULT_TIMEOUT = httpx.Timeout(90.0, connect=5.0)
"""Timeout used when none is given. The read timeout exceeds the 60 s that a `Prefer: wait`
request may legitimately be held open by the server."""


@define
class Client:
    """Settings for talking to the API, and the lazily created httpx clients built from them.

    Keyword arguments used to build the httpx clients:

        ``base_url``: every request path is relative to it.
        ``cookies`` / ``headers``: sent with every request.
        ``timeout``: an httpx.Timeout; defaults to DEFAULT_TIMEOUT; ``None`` disables timeouts.
        ``verify_ssl``: certificate verification (True, False, a CA bundle path or an SSLContext).
        ``follow_redirects``: whether to follow redirects (default False).
        ``httpx_args``: extra keyword arguments for httpx.Client / httpx.AsyncClient.

    A client passed to ``set_httpx_client`` / ``set_async_httpx_client`` is used as is: its own
    base URL, headers and timeout apply instead of the settings above.

    Attributes:
        raise_on_unexpected_status: raise errors.UnexpectedStatus when the API answers with a
            status code the OpenAPI document does not list.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies")
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")
    _timeout: httpx.Timeout | None = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A copy of this client with additional headers (also applied to live httpx clients)."""
        for live in (self._client, self._async_client):
            if live is not None:
                live.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A copy of this client with additional cookies (also applied to live httpx clients)."""
        for live in (self._client, self._async_client):
            if live is not None:
                live.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A copy of this client with a new timeout (also applied to live httpx clients)."""
        for live in (self._client, self._async_client):
            if live is not None:
                live.timeout = timeout
        return evolve(self, timeout=timeout)

    def _request_headers(self) -> dict[str, str]:
        """Headers for httpx clients this object builds itself."""
        return dict(self._headers)

    def _adopt(self, headers: httpx.Headers) -> None:
        """Adjust the headers of an httpx client handed in from outside (nothing to add here)."""

    def _httpx_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._request_headers(),
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use `client` for all synchronous requests instead of building one."""
        self._adopt(client.headers)
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client in use, built from this object's settings on first use."""
        if self._client is None:
            self._client = httpx.Client(**self._httpx_kwargs())
        return self._client

    def __enter__(self) -> Self:
        """Enter the underlying httpx.Client (it cannot be entered twice; see httpx docs)."""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit the underlying httpx.Client."""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use `async_client` for all asynchronous requests instead of building one."""
        self._adopt(async_client.headers)
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient in use, built from this object's settings on first use."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._httpx_kwargs())
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter the underlying httpx.AsyncClient (it cannot be entered twice; see httpx docs)."""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit the underlying httpx.AsyncClient."""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient(Client):
    """A Client that sends an authorization header with every request.

    The header is added to httpx clients this object builds and to any httpx client handed to
    ``set_httpx_client`` / ``set_async_httpx_client``. The token is kept out of ``repr()``.

    Attributes:
        token: the API token.
        prefix: put before the token in the header value ("" for none).
        auth_header_name: name of the header carrying the token.
    """

    token: str = field(repr=False)
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"

    def _auth_value(self) -> str:
        return f"{self.prefix} {self.token}" if self.prefix else self.token

    def _request_headers(self) -> dict[str, str]:
        return {**self._headers, self.auth_header_name: self._auth_value()}

    def _adopt(self, headers: httpx.Headers) -> None:
        headers[self.auth_header_name] = self._auth_value()
