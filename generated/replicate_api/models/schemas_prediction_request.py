from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.schemas_prediction_request_webhook_events_filter_item import SchemasPredictionRequestWebhookEventsFilterItem
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.schemas_prediction_request_input import SchemasPredictionRequestInput





T = TypeVar("T", bound="SchemasPredictionRequest")



@_attrs_define
class SchemasPredictionRequest:
    """ 
        Attributes:
            input_ (SchemasPredictionRequestInput):
            stream (bool | Unset):
            webhook (str | Unset):
            webhook_events_filter (list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset):
     """

    input_: SchemasPredictionRequestInput
    stream: bool | Unset = UNSET
    webhook: str | Unset = UNSET
    webhook_events_filter: list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_prediction_request_input import SchemasPredictionRequestInput # noqa: PLC0415
        input_ = self.input_.to_dict()

        stream = self.stream

        webhook = self.webhook

        webhook_events_filter: list[str] | Unset = UNSET
        if not isinstance(self.webhook_events_filter, Unset):
            webhook_events_filter = []
            for webhook_events_filter_item_data in self.webhook_events_filter:
                webhook_events_filter_item = webhook_events_filter_item_data.value
                webhook_events_filter.append(webhook_events_filter_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "input": input_,
        })
        if stream is not UNSET:
            field_dict["stream"] = stream
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_prediction_request_input import SchemasPredictionRequestInput # noqa: PLC0415
        d = dict(src_dict)
        input_ = SchemasPredictionRequestInput.from_dict(d.pop("input"))




        stream = d.pop("stream", UNSET)

        webhook = d.pop("webhook", UNSET)

        _webhook_events_filter = d.pop("webhook_events_filter", UNSET)
        webhook_events_filter: list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset = UNSET
        if _webhook_events_filter is not UNSET:
            webhook_events_filter = []
            for webhook_events_filter_item_data in _webhook_events_filter:
                webhook_events_filter_item = SchemasPredictionRequestWebhookEventsFilterItem(webhook_events_filter_item_data)



                webhook_events_filter.append(webhook_events_filter_item)


        schemas_prediction_request = cls(
            input_=input_,
            stream=stream,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
        )

        return schemas_prediction_request

