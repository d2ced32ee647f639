"""Deployments: a model version on dedicated, autoscaled hardware under your own name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, Unpack

from attrs import define

from ._api.ops import Call, GeneratedBody
from .account import Account
from .identifier import model_owner_name, path_segment
from .pagination import Cursor, Page, page_call
from .prediction import Prediction
from .resource import NamedByOwner, Namespace, Resource, keyword_fields, returns_true

if TYPE_CHECKING:
    from .client import Client

    DeploymentRef: TypeAlias = "str | tuple[str, str] | Deployment"


@define(kw_only=True, repr=False)  # Resource.__repr__
class Deployment(Resource, NamedByOwner):
    """A deployment: ``owner``, ``name`` and its ``current_release``."""

    owner: str
    name: str
    current_release: Deployment.Release | None = None

    @define(kw_only=True)
    class Release:
        """One release of a deployment: which version runs, on what, at what scale."""

        number: int | None = None
        model: str | None = None
        version: str | None = None
        created_at: str | None = None
        created_by: Account | None = None
        configuration: Deployment.Release.Configuration | None = None

        @define(kw_only=True)
        class Configuration:
            """Hardware and instance limits of a release."""

            hardware: str | None = None
            min_instances: int | None = None
            max_instances: int | None = None

    @property
    def predictions(self) -> DeploymentPredictions:
        """Create predictions on this deployment."""
        return DeploymentPredictions(self._bound_client(), self)


def _release(client: Client | None, data: dict[str, Any]) -> Deployment.Release:
    config, creator = data.get("configuration"), data.get("created_by")
    return Deployment.Release(
        number=data.get("number"),
        model=data.get("model"),
        version=data.get("version"),
        created_at=data.get("created_at"),
        created_by=Account.from_json(client, creator) if creator else None,
        configuration=Deployment.Release.Configuration(
            hardware=config.get("hardware"),
            min_instances=config.get("min_instances"),
            max_instances=config.get("max_instances"),
        )
        if config
        else None,
    )


Deployment._convert = {"current_release": lambda client, value: _release(client, value)}
parse_deployment = Deployment.from_json


class CreateDeploymentParams(TypedDict):
    """Keyword arguments of :meth:`Deployments.create`."""

    name: str
    model: str
    version: str
    hardware: str
    min_instances: int
    max_instances: int


class UpdateDeploymentParams(TypedDict, total=False):
    """Keyword arguments of :meth:`Deployments.update`."""

    version: str
    hardware: str
    min_instances: int
    max_instances: int


_CREATE_FIELDS = tuple(CreateDeploymentParams.__annotations__)
_UPDATE_FIELDS = tuple(UpdateDeploymentParams.__annotations__)


class Deployments(Namespace):
    """``client.deployments``: get, list, create, update and delete deployments."""

    #: 1.x's names for the keyword arguments of :meth:`create` and :meth:`update`.
    CreateDeploymentParams: TypeAlias = CreateDeploymentParams
    UpdateDeploymentParams: TypeAlias = UpdateDeploymentParams

    @property
    def predictions(self) -> DeploymentsPredictions:
        """Create predictions on a deployment by name."""
        return DeploymentsPredictions(self._client)

    def get(self, name: DeploymentRef) -> Deployment:
        """Get a deployment by ``"owner/name"``."""
        return self._call(_get_call(name))

    async def async_get(self, name: DeploymentRef) -> Deployment:
        """Async :meth:`get`."""
        return await self._acall(_get_call(name))

    def list(self, cursor: Cursor = ...) -> Page[Deployment]:
        """List your deployments."""
        return self._call(_list_call(cursor))

    async def async_list(self, cursor: Cursor = ...) -> Page[Deployment]:
        """Async :meth:`list`."""
        return await self._acall(_list_call(cursor))

    def create(self, **params: Unpack[CreateDeploymentParams]) -> Deployment:
        """Create a deployment: name, model, version, hardware, min_instances, max_instances."""
        return self._call(_create_call(params))

    async def async_create(self, **params: Unpack[CreateDeploymentParams]) -> Deployment:
        """Async :meth:`create`."""
        return await self._acall(_create_call(params))

    def update(
        self,
        deployment_owner: str,
        deployment_name: str,
        **params: Unpack[UpdateDeploymentParams],
    ) -> Deployment:
        """Change a deployment's version, hardware, min_instances or max_instances."""
        return self._call(_update_call(deployment_owner, deployment_name, params))

    async def async_update(
        self,
        deployment_owner: str,
        deployment_name: str,
        **params: Unpack[UpdateDeploymentParams],
    ) -> Deployment:
        """Async :meth:`update`."""
        return await self._acall(_update_call(deployment_owner, deployment_name, params))

    def delete(self, deployment_owner: str, deployment_name: str) -> bool:
        """Delete a deployment; returns True."""
        return self._call(_delete_call(deployment_owner, deployment_name))

    async def async_delete(self, deployment_owner: str, deployment_name: str) -> bool:
        """Async :meth:`delete`."""
        return await self._acall(_delete_call(deployment_owner, deployment_name))


class DeploymentPredictions(Namespace):
    """``deployment.predictions``: create predictions on one deployment."""

    def __init__(self, client: Client, deployment: Deployment) -> None:
        super().__init__(client)
        self._deployment = deployment

    def create(self, input: dict[str, Any], **params: Any) -> Prediction:
        """Create a prediction; accepts the options of ``predictions.create``."""
        return self._client.predictions.create(deployment=self._deployment, input=input, **params)

    async def async_create(self, input: dict[str, Any], **params: Any) -> Prediction:
        """Async :meth:`create`."""
        return await self._client.predictions.async_create(
            deployment=self._deployment, input=input, **params
        )


class DeploymentsPredictions(Namespace):
    """``client.deployments.predictions``: create predictions on a deployment by name."""

    def create(self, deployment: DeploymentRef, input: dict[str, Any], **params: Any) -> Prediction:
        """Create a prediction on ``deployment``; accepts the options of ``predictions.create``."""
        return self._client.predictions.create(deployment=deployment, input=input, **params)

    async def async_create(
        self, deployment: DeploymentRef, input: dict[str, Any], **params: Any
    ) -> Prediction:
        """Async :meth:`create`."""
        return await self._client.predictions.async_create(
            deployment=deployment, input=input, **params
        )


def _get_call(name: Any) -> Call[Deployment]:
    from replicate_api.api.deployments import deployments_get

    return Call(
        parse_deployment,
        deployments_get.request_kwargs,
        args=model_owner_name(name, "deployment"),
    )


def _delete_call(owner: str, name: str) -> Call[bool]:
    from replicate_api.api.deployments import deployments_delete

    return Call(
        returns_true,
        deployments_delete.request_kwargs,
        args=model_owner_name((owner, name), "deployment"),
        decode="none",
    )


def _list_call(cursor: Cursor) -> Call[Page[Deployment]]:
    from replicate_api.api.deployments import deployments_list

    return page_call(deployments_list.request_kwargs, parse_deployment, cursor, "/deployments")


def _create_call(params: Mapping[str, Any]) -> Call[Deployment]:
    body = keyword_fields(params, _CREATE_FIELDS)
    missing = [f for f in _CREATE_FIELDS if f not in body]
    if missing:
        raise TypeError(f"deployments.create() is missing {missing}")
    # The name goes into every later path (get, update, delete): one with '/' could be made
    # (by a lenient server) but never addressed again.
    path_segment(body["name"], "deployment name")
    from replicate_api.api.deployments import deployments_create
    from replicate_api.models.deployments_create_body import DeploymentsCreateBody

    return Call(
        parse_deployment,
        deployments_create.request_kwargs,
        kwargs={"body": GeneratedBody(DeploymentsCreateBody, body)},
    )


def _update_call(owner: str, name: str, params: Mapping[str, Any]) -> Call[Deployment]:
    body = keyword_fields(params, _UPDATE_FIELDS)
    if not body:
        raise TypeError(f"deployments.update() needs at least one of {list(_UPDATE_FIELDS)}")
    from replicate_api.api.deployments import deployments_update
    from replicate_api.models.deployments_update_body import DeploymentsUpdateBody

    return Call(
        parse_deployment,
        deployments_update.request_kwargs,
        args=model_owner_name((owner, name), "deployment"),
        kwargs={"body": GeneratedBody(DeploymentsUpdateBody, body)},
    )
