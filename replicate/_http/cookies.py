"""Cookies kept as httpx keeps them, without parsing the answers that set none.

For every answer, httpx builds urllib look-alikes of the request and the response before
its cookie jar finds no ``Set-Cookie`` header there: about a sixth of the client's time per
API call (the API sets no cookies). Answers that do set cookies go to the jar as before.
"""

from __future__ import annotations

import httpx


class _AnswerCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


def skip_cookieless_answers(client: httpx.Client | httpx.AsyncClient) -> None:
    """Make ``client`` look for cookies only in answers that set some (same jar)."""
    client._cookies = _AnswerCookies(client._cookies.jar)  # httpx keeps its Cookies here
