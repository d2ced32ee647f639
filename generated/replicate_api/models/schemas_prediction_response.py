from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schemas_prediction_response_source import SchemasPredictionResponseSource
from ..models.schemas_prediction_response_status import SchemasPredictionResponseStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_prediction_response_input import SchemasPredictionResponseInput
    from ..models.schemas_prediction_response_metrics import SchemasPredictionResponseMetrics
    from ..models.schemas_prediction_response_urls import SchemasPredictionResponseUrls


T = TypeVar("T", bound="SchemasPredictionResponse")


@_attrs_define
class SchemasPredictionResponse:
    """A prediction: one run of a model on an input, with its state, output, logs and timings.

    Attributes:
        id (str):
        status (SchemasPredictionResponseStatus): Where the prediction is in its lifecycle: `starting` (waiting for or
            booting a worker), `processing` (`predict()` is running), `succeeded`, `failed`, `canceled` (stopped by a user,
            or by its deadline while running) or `aborted` (ended before it ever ran, e.g. its deadline passed while it was
            queued).
        completed_at (datetime.datetime | None | Unset): When the run ended and all output was uploaded.
        created_at (datetime.datetime | None | Unset): When the prediction was submitted.
        data_removed (bool | Unset): True once the input and output data have been deleted.
        deadline (datetime.datetime | None | Unset): Moment at which an unfinished prediction gets canceled
            automatically.
        deployment (str | Unset): Deployment through which the prediction was made, if any.
        error (None | str | Unset): Failure message when `status` is `failed`; null otherwise.
        input_ (SchemasPredictionResponseInput | Unset): Inputs the model was run with.
        logs (str | Unset): Text the model printed while running.
        metrics (SchemasPredictionResponseMetrics | Unset): Measurements of the run.
        model (str | Unset): Model that ran, as `{model_owner}/{model_name}`.
        output (Any | Unset): What the model produced: any JSON value, shaped by the model. Files appear as HTTPS URLs.
        source (SchemasPredictionResponseSource | Unset): Where the prediction was started: `api` or `web`.
        started_at (datetime.datetime | None | Unset): When the model began work on it.
        urls (SchemasPredictionResponseUrls | Unset): Convenience links for this prediction.
        version (str | Unset):
    """

    id: str
    status: SchemasPredictionResponseStatus
    completed_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    data_removed: bool | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    deployment: str | Unset = UNSET
    error: None | str | Unset = UNSET
    input_: SchemasPredictionResponseInput | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: SchemasPredictionResponseMetrics | Unset = UNSET
    model: str | Unset = UNSET
    output: Any | Unset = UNSET
    source: SchemasPredictionResponseSource | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    urls: SchemasPredictionResponseUrls | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

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

        data_removed = self.data_removed

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        deployment = self.deployment

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        logs = self.logs

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        model = self.model

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

        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if data_removed is not UNSET:
            field_dict["data_removed"] = data_removed
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if error is not UNSET:
            field_dict["error"] = error
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
        if urls is not UNSET:
            field_dict["urls"] = urls
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_prediction_response_input import SchemasPredictionResponseInput  # noqa: PLC0415
        from ..models.schemas_prediction_response_metrics import SchemasPredictionResponseMetrics  # noqa: PLC0415
        from ..models.schemas_prediction_response_urls import SchemasPredictionResponseUrls  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = SchemasPredictionResponseStatus(d.pop("status"))

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

        data_removed = d.pop("data_removed", UNSET)

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        deployment = d.pop("deployment", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        _input_ = d.pop("input", UNSET)
        input_: SchemasPredictionResponseInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = SchemasPredictionResponseInput.from_dict(_input_)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: SchemasPredictionResponseMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = SchemasPredictionResponseMetrics.from_dict(_metrics)

        model = d.pop("model", UNSET)

        output = d.pop("output", UNSET)

        _source = d.pop("source", UNSET)
        source: SchemasPredictionResponseSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = SchemasPredictionResponseSource(_source)

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

        _urls = d.pop("urls", UNSET)
        urls: SchemasPredictionResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = SchemasPredictionResponseUrls.from_dict(_urls)

        version = d.pop("version", UNSET)

        schemas_prediction_response = cls(
            id=id,
            status=status,
            completed_at=completed_at,
            created_at=created_at,
            data_removed=data_removed,
            deadline=deadline,
            deployment=deployment,
            error=error,
            input_=input_,
            logs=logs,
            metrics=metrics,
            model=model,
            output=output,
            source=source,
            started_at=started_at,
            urls=urls,
            version=version,
        )

        schemas_prediction_response.additional_properties = d
        return schemas_prediction_response

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
