"""Base classes for API objects (:class:`Resource`) and method groups (:class:`Namespace`)."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import attrs
from attrs import define, field

from ._api.ops import Call, call_async, call_sync
from ._dump import DumpableFields
from ._http.secrets import scrub_text

if TYPE_CHECKING:
    from .client import Client

T = TypeVar("T")
R = TypeVar("R", bound="Resource")
#: Turns a (non-null) JSON value into the attribute value, e.g. a nested object.
Converter = Callable[["Client | None", Any], Any]
# Per class: (attribute, converter, value when the JSON lacks it), computed once.
_plans: dict[type, list[tuple[str, Converter | None, Any]]] = {}
# Per class: the keyword arguments its attrs initialiser takes.
_init_name_sets: dict[type, frozenset[str]] = {}


def _init_names(cls: type) -> frozenset[str]:
    names = _init_name_sets.get(cls)
    if names is None:
        names = frozenset(a.alias for a in attrs.fields(cls) if a.init)
        _init_name_sets[cls] = names
    return names


class _IgnoresUnknownMembers(type):
    # 1.x's objects were pydantic models, which ignore members they do not declare: a
    # webhook handler's Prediction(**payload) keeps working when the API adds a member.
    # (Type checkers still check the attrs signature of a call.)
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        names = _init_names(cls)
        known = {name: value for name, value in kwargs.items() if name in names}
        return super().__call__(*args, **known)


class _Vars:
    # 1.x's pydantic objects kept their fields in __dict__, so vars(obj) and obj.__dict__
    # worked; ours have slots. A property here, outside the attrs classes, which drop it.
    __slots__ = ()

    @property
    def __dict__(self) -> builtins.dict[str, Any]:  # type: ignore[override]
        """The attributes by name, as 1.x's ``vars(obj)`` gave them (nested objects kept)."""
        kind: Any = type(self)  # an attrs class: every subclass of Resource is one
        return {a.name: getattr(self, a.name) for a in attrs.fields(kind) if a.repr}


@define(kw_only=True, repr=False)
class Resource(DumpableFields, _Vars, metaclass=_IgnoresUnknownMembers):
    """An object returned by the API.

    Attributes mirror the JSON fields; :meth:`to_dict` returns the JSON as received
    (including fields this version of the client does not know about).
    """

    _client: Client | None = field(default=None, repr=False, eq=False, alias="client")
    _data: dict[str, Any] = field(factory=dict, repr=False, eq=False, alias="data")
    #: Converters for attributes that are not plain JSON values (set by subclasses).
    _convert: ClassVar[Mapping[str, Converter]] = {}

    @classmethod
    def from_json(cls, client: Client | None, data: Any) -> Self:
        """Build from the API's JSON. Each attribute is the JSON member of the same name;
        missing members become ``None`` (``""`` for identifiers), unknown ones are kept
        in :meth:`to_dict`."""
        plan = _plan_of(cls)
        values: dict[str, Any] = {}
        for name, convert, missing in plan:
            value = data.get(name, missing)
            if convert is not None and value is not None:
                value = convert(client, value)
            values[name] = value
        # Every member named here is declared: the metaclass's filter is not needed.
        made: Self = type.__call__(cls, client=client, data=data, **values)
        return made

    def to_dict(self) -> dict[str, Any]:
        """The object's JSON as the API sent it."""
        return dict(self._data)

    def __repr__(self) -> str:
        # attrs' repr, with the tokens and secret inputs this process sent taken out: a
        # prediction's logs or error may echo them, and reprs end up in logs and trackers.
        # (Subclasses are declared with repr=False so that attrs does not replace it.)
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(type(self))
            if field.repr
        )
        return scrub_text(f"{type(self).__name__}({shown})")

    # 1.x's objects were pydantic models: code written for them uses dict(obj), .dict(),
    # .json(), .model_dump() and .model_dump_json(). They give the JSON as received, plus
    # every field this class declares that the API left out, as None (as pydantic did:
    # code reads obj.dict()["completed_at"] before the prediction has completed), and the
    # attributes' current values where they were set by hand (or the object built by hand).
    def _model_fields(self) -> builtins.dict[str, Any]:
        fields: dict[str, Any] = {}
        for name, convert, missing in _plan_of(type(self)):
            value = getattr(self, name)
            received = name in self._data
            if received and value is self._data[name]:  # the usual case, nothing to compare
                fields[name] = value
                continue
            if received and convert is not None and self._data[name] is not None:
                as_received = convert(self._client, self._data[name])
            else:
                as_received = self._data.get(name, missing)
            if received and value == as_received:
                fields[name] = self._data[name]
            else:
                fields[name] = None if value is missing and not received else _as_json(value)
        return {**fields, **{k: v for k, v in self._data.items() if k not in fields}}

    def _replace_with(self, fresh: Self) -> None:
        """Update every field in place from a freshly fetched copy (for ``reload``)."""
        for attribute in self.__attrs_attrs__:
            if attribute.name != "_client":
                setattr(self, attribute.name, getattr(fresh, attribute.name))

    def _bound_client(self) -> Client:
        if self._client is None:
            raise RuntimeError(
                f"this {type(self).__name__} is not attached to a replicate.Client (it was "
                "unpickled or built by hand): get it again through a client"
            )
        return self._client

    # Copies and pickles carry the JSON and the attributes (which may have been changed since).
    # A copy shares the client (its connections are not the object's to duplicate); a pickle
    # leaves it behind, since it holds locks and sockets and another process has its own.
    def _attribute_values(self) -> builtins.dict[str, Any]:
        return {name: getattr(self, name) for name, _, _ in _plan_of(type(self))}

    def __copy__(self) -> Self:
        return type(self)(client=self._client, data=self._data, **self._attribute_values())

    def __deepcopy__(self, memo: builtins.dict[int, Any]) -> Self:
        # One memo for both: an attribute that is the JSON's own value stays so in the copy.
        data = copy.deepcopy(self._data, memo)
        values = copy.deepcopy(self._attribute_values(), memo)
        return type(self)(client=self._client, data=data, **values)

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return _unpickle, (type(self), self._data, self._attribute_values())


def _unpickle(cls: type[R], data: dict[str, Any], values: dict[str, Any] | None = None) -> R:
    if values is None:  # pickled by a version that stored the JSON alone
        return cls.from_json(None, data)
    return cls(data=data, **values)


def _as_json(value: Any) -> Any:
    # An attribute value as JSON: nested API objects become their dicts.
    if isinstance(value, Resource):
        return value.dict()
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    return value


def returns_true(client: Client | None, data: Any) -> bool:
    """The result of operations that answer with no body (deletes)."""
    return True


def keyword_fields(params: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The non-None ``params`` for a request body; ``TypeError`` naming any unknown keyword."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected keyword arguments {unknown}; allowed: {list(allowed)}")
    return {k: v for k, v in params.items() if v is not None}


def _plan_of(cls: type[Resource]) -> list[tuple[str, Converter | None, Any]]:
    """``cls``'s attributes with their converters and missing-member values (made once)."""
    return _plans.get(cls) or _plan(cls)


def _plan(cls: type[Resource]) -> list[tuple[str, Converter | None, Any]]:
    plan = [
        (a.name, cls._convert.get(a.name), "" if a.default is attrs.NOTHING else None)
        for a in attrs.fields(cls)
        if not a.name.startswith("_")
    ]
    _plans[cls] = plan
    return plan


def nested(kind: Callable[[Client | None, Any], T]) -> Converter:
    """A converter building a nested object, or ``None`` for an empty one."""

    def convert(client: Client | None, value: Any) -> T | None:
        return kind(client, value) if value else None

    return convert


def nested_list(kind: Callable[[Client | None, Any], T]) -> Converter:
    """A converter building a list of nested objects."""

    def convert(client: Client | None, value: Any) -> list[T]:
        return [kind(client, item) for item in value]

    return convert


class NamedByOwner:
    """``id`` (``owner/name``) and the 1.x ``username`` alias for account-owned objects."""

    __slots__ = ()
    owner: str
    name: str

    @property
    def id(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    @property
    def username(self) -> str:
        """Deprecated alias of ``owner``."""
        return self.owner


class Namespace:
    """A group of API operations bound to a :class:`~replicate.client.Client`."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _call(self, call: Call[T]) -> T:
        return call_sync(self._client, call)

    def _acall(self, call: Call[T]) -> Coroutine[Any, Any, T]:
        # Hands back call_async's coroutine: one frame fewer per request in flight.
        return call_async(self._client, call)
