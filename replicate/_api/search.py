"""``GET /search``: one query across models, collections and documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import define, field

from ..collection import Collection
from ..model import Model
from .ops import Call

if TYPE_CHECKING:
    from ..client import Client


@define(kw_only=True)
class ModelHit:
    """A model found by search, with the search ``metadata`` (score, tags, description)."""

    model: Model
    metadata: dict[str, Any] = field(factory=dict)


@define(kw_only=True)
class DocPage:
    """A documentation page found by search."""

    name: str
    href: str


@define(kw_only=True)
class SearchResults:
    """Results of :meth:`replicate.Client.search`."""

    query: str
    models: list[ModelHit] = field(factory=list)
    collections: list[Collection] = field(factory=list)
    pages: list[DocPage] = field(factory=list)

    @classmethod
    def from_json(cls, client: Client | None, data: Any) -> SearchResults:
        """Build search results from the API's JSON."""
        return cls(
            query=data.get("query", ""),
            models=[
                ModelHit(
                    model=Model.from_json(client, hit.get("model") or {}),
                    metadata=hit.get("metadata") or {},
                )
                for hit in data.get("models") or []
            ],
            collections=[Collection.from_json(client, c) for c in data.get("collections") or []],
            pages=[
                DocPage(name=p.get("name", ""), href=p.get("href", ""))
                for p in data.get("pages") or []
            ],
        )


def search_call(query: str, limit: int | None) -> Call[SearchResults]:
    """The ``GET /search`` call."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    kwargs: dict[str, Any] = {"query": query}
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            raise ValueError(f"limit must be an integer from 1 to 50, got {limit!r}")
        kwargs["limit"] = limit
    from replicate_api.api.search import search

    return Call(SearchResults.from_json, search.request_kwargs, kwargs=kwargs)
