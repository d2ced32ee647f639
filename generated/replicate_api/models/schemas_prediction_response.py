from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.schemas_prediction_response_source import SchemasPredictionResponseSource
from ..models.schemas_prediction_response_status import SchemasPredictionResponseStatus
from ..models.schemas_prediction_response_version_type_1 import SchemasPredictionResponseVersionType1
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.schemas_prediction_response_input import SchemasPredictionResponseInput
  from ..models.schemas_prediction_response_metrics import SchemasPredictionResponseMetrics
  from ..models.schemas_prediction_response_urls import SchemasPredictionResponseUrls





T = TypeVar("T", bound="SchemasPredictionResponse")



@_attrs_define
class SchemasPredictionResponse:
    """ 
        Attributes:
            created_at (datetime.datetime):
            data_removed (bool):
            error (None | str):
            id (str):
            input_ (SchemasPredictionResponseInput):
            model (str):
            output (Any):
            status (SchemasPredictionResponseStatus):
            urls (SchemasPredictionResponseUrls):
            version (SchemasPredictionResponseVersionType1 | str):
            completed_at (datetime.datetime | Unset):
            deadline (datetime.datetime | Unset):
            deployment (str | Unset):
            logs (str | Unset):
            metrics (SchemasPredictionResponseMetrics | Unset):
            source (SchemasPredictionResponseSource | Unset):
            started_at (datetime.datetime | Unset):
     """

    created_at: datetime.datetime
    data_removed: bool
    error: None | str
    id: str
    input_: SchemasPredictionResponseInput
    model: str
    output: Any
    status: SchemasPredictionResponseStatus
    urls: SchemasPredictionResponseUrls
    version: SchemasPredictionResponseVersionType1 | str
    completed_at: datetime.datetime | Unset = UNSET
    deadline: datetime.datetime | Unset = UNSET
    deployment: str | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: SchemasPredictionResponseMetrics | Unset = UNSET
    source: SchemasPredictionResponseSource | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_prediction_response_input import SchemasPredictionResponseInput # noqa: PLC0415
        from ..models.schemas_prediction_response_metrics import SchemasPredictionResponseMetrics # noqa: PLC0415
        from ..models.schemas_prediction_response_urls import SchemasPredictionResponseUrls # noqa: PLC0415
        created_at = self.created_at.isoformat()

        data_removed = self.data_removed

        error: None | str
        error = self.error

        id = self.id

        input_ = self.input_.to_dict()

        model = self.model

        output = self.output

        status = self.status.value

        urls = self.urls.to_dict()

        version: str
        if isinstance(self.version, SchemasPredictionResponseVersionType1):
            version = self.version.value
        else:
            version = self.version

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        deadline: str | Unset = UNSET
        if not isinstance(self.deadline, Unset):
            deadline = self.deadline.isoformat()

        deployment = self.deployment

        logs = self.logs

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value


        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "data_removed": data_removed,
            "error": error,
            "id": id,
            "input": input_,
            "model": model,
            "output": output,
            "status": status,
            "urls": urls,
            "version": version,
        })
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if logs is not UNSET:
            field_dict["logs"] = logs
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if source is not UNSET:
            field_dict["source"] = source
        if started_at is not UNSET:
            field_dict["started_at"] = started_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_prediction_response_input import SchemasPredictionResponseInput # noqa: PLC0415
        from ..models.schemas_prediction_response_metrics import SchemasPredictionResponseMetrics # noqa: PLC0415
        from ..models.schemas_prediction_response_urls import SchemasPredictionResponseUrls # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        data_removed = d.pop("data_removed")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        id = d.pop("id")

        input_ = SchemasPredictionResponseInput.from_dict(d.pop("input"))




        model = d.pop("model")

        output = d.pop("output")

        status = SchemasPredictionResponseStatus(d.pop("status"))




        urls = SchemasPredictionResponseUrls.from_dict(d.pop("urls"))




        def _parse_version(data: object) -> SchemasPredictionResponseVersionType1 | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                version_type_1 = SchemasPredictionResponseVersionType1(data)



                return version_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(SchemasPredictionResponseVersionType1 | str, data)

        version = _parse_version(d.pop("version"))


        _completed_at = d.pop("completed_at", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at,  Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)




        _deadline = d.pop("deadline", UNSET)
        deadline: datetime.datetime | Unset
        if isinstance(_deadline,  Unset):
            deadline = UNSET
        else:
            deadline = datetime.datetime.fromisoformat(_deadline)




        deployment = d.pop("deployment", UNSET)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: SchemasPredictionResponseMetrics | Unset
        if isinstance(_metrics,  Unset):
            metrics = UNSET
        else:
            metrics = SchemasPredictionResponseMetrics.from_dict(_metrics)




        _source = d.pop("source", UNSET)
        source: SchemasPredictionResponseSource | Unset
        if isinstance(_source,  Unset):
            source = UNSET
        else:
            source = SchemasPredictionResponseSource(_source)




        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at,  Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)




        schemas_prediction_response = cls(
            created_at=created_at,
            data_removed=data_removed,
            error=error,
            id=id,
            input_=input_,
            model=model,
            output=output,
            status=status,
            urls=urls,
            version=version,
            completed_at=completed_at,
            deadline=deadline,
            deployment=deployment,
            logs=logs,
            metrics=metrics,
            source=source,
            started_at=started_at,
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
