from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schemas_training_response_source import SchemasTrainingResponseSource
from ..models.schemas_training_response_status import SchemasTrainingResponseStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_training_response_input import SchemasTrainingResponseInput
    from ..models.schemas_training_response_metrics import SchemasTrainingResponseMetrics
    from ..models.schemas_training_response_output_type_0 import SchemasTrainingResponseOutputType0
    from ..models.schemas_training_response_urls import SchemasTrainingResponseUrls


T = TypeVar("T", bound="SchemasTrainingResponse")


@_attrs_define
class SchemasTrainingResponse:
    """A training job that fine-tunes a model version and pushes the result as a new version.

    Attributes:
        completed_at (datetime.datetime | None | Unset): When the training ended.
        created_at (datetime.datetime | None | Unset): When the training was submitted.
        error (None | str | Unset): Failure message when the training failed; null otherwise.
        id (str | Unset): Identifier of the training.
        input_ (SchemasTrainingResponseInput | Unset): Arguments the training was started with.
        logs (str | Unset): Text printed while training.
        metrics (SchemasTrainingResponseMetrics | Unset): Measurements of the run.
        model (str | Unset): Base model, as `owner/name`.
        output (None | SchemasTrainingResponseOutputType0 | Unset): Result of a successful training.
        source (SchemasTrainingResponseSource | Unset): Where the training was started: `api` or `web`.
        started_at (datetime.datetime | None | Unset): When work on the training began.
        status (SchemasTrainingResponseStatus | Unset): Where the training is in its lifecycle: `starting` (waiting for
            or booting a worker), `processing` (`train()` is running), `succeeded`, `failed`, `canceled` (stopped by a user,
            or by its deadline while running) or `aborted` (ended before it ever ran, e.g. its deadline passed while it was
            queued).
        urls (SchemasTrainingResponseUrls | Unset): Convenience links for this training.
        version (str | Unset): ID of the model version being trained.
    """

    completed_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    error: None | str | Unset = UNSET
    id: str | Unset = UNSET
    input_: SchemasTrainingResponseInput | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: SchemasTrainingResponseMetrics | Unset = UNSET
    model: str | Unset = UNSET
    output: None | SchemasTrainingResponseOutputType0 | Unset = UNSET
    source: SchemasTrainingResponseSource | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    status: SchemasTrainingResponseStatus | Unset = UNSET
    urls: SchemasTrainingResponseUrls | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_training_response_output_type_0 import SchemasTrainingResponseOutputType0  # noqa: PLC0415

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        id = self.id

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        logs = self.logs

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        model = self.model

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, SchemasTrainingResponseOutputType0):
            output = self.output.to_dict()
        else:
            output = self.output

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if error is not UNSET:
            field_dict["error"] = error
        if id is not UNSET:
            field_dict["id"] = id
        if input_ is not UNSET:
            field_dict["input"] = input_
        if logs is not UNSET:
            field_dict["logs"] = logs
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if model is not UNSET:
            field_dict["model"] = model
        if output is not UNSET:
            field_dict["output"] = output
        if source is not UNSET:
            field_dict["source"] = source
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status
        if urls is not UNSET:
            field_dict["urls"] = urls
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_training_response_input import SchemasTrainingResponseInput  # noqa: PLC0415
        from ..models.schemas_training_response_metrics import SchemasTrainingResponseMetrics  # noqa: PLC0415
        from ..models.schemas_training_response_output_type_0 import SchemasTrainingResponseOutputType0  # noqa: PLC0415
        from ..models.schemas_training_response_urls import SchemasTrainingResponseUrls  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        id = d.pop("id", UNSET)

        _input_ = d.pop("input", UNSET)
        input_: SchemasTrainingResponseInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = SchemasTrainingResponseInput.from_dict(_input_)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: SchemasTrainingResponseMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = SchemasTrainingResponseMetrics.from_dict(_metrics)

        model = d.pop("model", UNSET)

        def _parse_output(data: object) -> None | SchemasTrainingResponseOutputType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = SchemasTrainingResponseOutputType0.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SchemasTrainingResponseOutputType0 | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        _source = d.pop("source", UNSET)
        source: SchemasTrainingResponseSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = SchemasTrainingResponseSource(_source)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        _status = d.pop("status", UNSET)
        status: SchemasTrainingResponseStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = SchemasTrainingResponseStatus(_status)

        _urls = d.pop("urls", UNSET)
        urls: SchemasTrainingResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = SchemasTrainingResponseUrls.from_dict(_urls)

        version = d.pop("version", UNSET)

        schemas_training_response = cls(
            completed_at=completed_at,
            created_at=created_at,
            error=error,
            id=id,
            input_=input_,
            logs=logs,
            metrics=metrics,
            model=model,
            output=output,
            source=source,
            started_at=started_at,
            status=status,
            urls=urls,
            version=version,
        )

        schemas_training_response.additional_properties = d
        return schemas_training_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
