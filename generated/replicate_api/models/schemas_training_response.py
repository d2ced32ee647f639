from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.schemas_training_response_source import SchemasTrainingResponseSource
from ..models.schemas_training_response_status import SchemasTrainingResponseStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.schemas_training_response_input import SchemasTrainingResponseInput
  from ..models.schemas_training_response_metrics import SchemasTrainingResponseMetrics
  from ..models.schemas_training_response_output import SchemasTrainingResponseOutput
  from ..models.schemas_training_response_urls import SchemasTrainingResponseUrls





T = TypeVar("T", bound="SchemasTrainingResponse")



@_attrs_define
class SchemasTrainingResponse:
    """ 
        Attributes:
            completed_at (datetime.datetime | Unset):
            created_at (datetime.datetime | Unset):
            error (None | str | Unset):
            id (str | Unset):
            input_ (SchemasTrainingResponseInput | Unset):
            logs (str | Unset):
            metrics (SchemasTrainingResponseMetrics | Unset):
            model (str | Unset):
            output (SchemasTrainingResponseOutput | Unset):
            source (SchemasTrainingResponseSource | Unset):
            started_at (datetime.datetime | Unset):
            status (SchemasTrainingResponseStatus | Unset):
            urls (SchemasTrainingResponseUrls | Unset):
            version (str | Unset):
     """

    completed_at: datetime.datetime | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    error: None | str | Unset = UNSET
    id: str | Unset = UNSET
    input_: SchemasTrainingResponseInput | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: SchemasTrainingResponseMetrics | Unset = UNSET
    model: str | Unset = UNSET
    output: SchemasTrainingResponseOutput | Unset = UNSET
    source: SchemasTrainingResponseSource | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    status: SchemasTrainingResponseStatus | Unset = UNSET
    urls: SchemasTrainingResponseUrls | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_training_response_input import SchemasTrainingResponseInput # noqa: PLC0415
        from ..models.schemas_training_response_metrics import SchemasTrainingResponseMetrics # noqa: PLC0415
        from ..models.schemas_training_response_output import SchemasTrainingResponseOutput # noqa: PLC0415
        from ..models.schemas_training_response_urls import SchemasTrainingResponseUrls # noqa: PLC0415
        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

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

        output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output.to_dict()

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value


        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value


        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
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
        from ..models.schemas_training_response_input import SchemasTrainingResponseInput # noqa: PLC0415
        from ..models.schemas_training_response_metrics import SchemasTrainingResponseMetrics # noqa: PLC0415
        from ..models.schemas_training_response_output import SchemasTrainingResponseOutput # noqa: PLC0415
        from ..models.schemas_training_response_urls import SchemasTrainingResponseUrls # noqa: PLC0415
        d = dict(src_dict)
        _completed_at = d.pop("completed_at", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at,  Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)




        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




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
        if isinstance(_input_,  Unset):
            input_ = UNSET
        else:
            input_ = SchemasTrainingResponseInput.from_dict(_input_)




        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: SchemasTrainingResponseMetrics | Unset
        if isinstance(_metrics,  Unset):
            metrics = UNSET
        else:
            metrics = SchemasTrainingResponseMetrics.from_dict(_metrics)




        model = d.pop("model", UNSET)

        _output = d.pop("output", UNSET)
        output: SchemasTrainingResponseOutput | Unset
        if isinstance(_output,  Unset):
            output = UNSET
        else:
            output = SchemasTrainingResponseOutput.from_dict(_output)




        _source = d.pop("source", UNSET)
        source: SchemasTrainingResponseSource | Unset
        if isinstance(_source,  Unset):
            source = UNSET
        else:
            source = SchemasTrainingResponseSource(_source)




        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at,  Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)




        _status = d.pop("status", UNSET)
        status: SchemasTrainingResponseStatus | Unset
        if isinstance(_status,  Unset):
            status = UNSET
        else:
            status = SchemasTrainingResponseStatus(_status)




        _urls = d.pop("urls", UNSET)
        urls: SchemasTrainingResponseUrls | Unset
        if isinstance(_urls,  Unset):
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
