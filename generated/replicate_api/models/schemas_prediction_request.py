from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.schemas_prediction_request_webhook_events_filter_item import (
    SchemasPredictionRequestWebhookEventsFilterItem,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_prediction_request_input import SchemasPredictionRequestInput


T = TypeVar("T", bound="SchemasPredictionRequest")


@_attrs_define
class SchemasPredictionRequest:
    """Body for creating a prediction when the URL already names the model or deployment.

    Attributes:
        input_ (SchemasPredictionRequestInput): Inputs for the model, as a JSON object whose keys depend on the model;
            look them up in the version's `openapi_schema` (see `models.versions.get`) or on the model's API tab. Files go
            in as URLs: use an HTTP(S) URL for anything over 256 KB, for files you will reuse, or when predictions should
            stay linked to their input files; use a `data:` URL for small one-off files (256 KB or less) that Replicate will
            not keep.
        stream (bool | Unset): Deprecated, has no effect. Models that can stream always get a `urls.stream` server-sent-
            events link in the response.
        webhook (str | Unset): HTTPS endpoint that Replicate calls with POST as the prediction progresses; the body is
            the prediction object, shaped like the `predictions.get` response. Calls may be repeated after network failures,
            so make the handler idempotent. Redirects are not followed: give the final URL.
        webhook_events_filter (list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset): Events that trigger a
            webhook call. Without it, calls happen on new output and on completion.

            - `start`: the prediction begins
            - `output`: new output appears (may occur many times)
            - `logs`: new log lines are written
            - `completed`: a terminal status is reached (succeeded, failed or canceled)

            `output` and `logs` calls are throttled to one per 500 ms at most; `start` and `completed` are never throttled.
        webhook_completed (str | Unset): A URL told only when the prediction finishes (sent by replicate 1.x).
    """

    input_: SchemasPredictionRequestInput
    stream: bool | Unset = UNSET
    webhook: str | Unset = UNSET
    webhook_events_filter: list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset = UNSET
    webhook_completed: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        stream = self.stream

        webhook = self.webhook

        webhook_events_filter: list[str] | Unset = UNSET
        if not isinstance(self.webhook_events_filter, Unset):
            webhook_events_filter = []
            for webhook_events_filter_item_data in self.webhook_events_filter:
                webhook_events_filter_item = webhook_events_filter_item_data.value
                webhook_events_filter.append(webhook_events_filter_item)

        webhook_completed = self.webhook_completed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "input": input_,
            }
        )
        if stream is not UNSET:
            field_dict["stream"] = stream
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter
        if webhook_completed is not UNSET:
            field_dict["webhook_completed"] = webhook_completed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_prediction_request_input import SchemasPredictionRequestInput  # noqa: PLC0415

        d = dict(src_dict)
        input_ = SchemasPredictionRequestInput.from_dict(d.pop("input"))

        stream = d.pop("stream", UNSET)

        webhook = d.pop("webhook", UNSET)

        _webhook_events_filter = d.pop("webhook_events_filter", UNSET)
        webhook_events_filter: list[SchemasPredictionRequestWebhookEventsFilterItem] | Unset = UNSET
        if _webhook_events_filter is not UNSET:
            webhook_events_filter = []
            for webhook_events_filter_item_data in _webhook_events_filter:
                webhook_events_filter_item = SchemasPredictionRequestWebhookEventsFilterItem(
                    webhook_events_filter_item_data
                )

                webhook_events_filter.append(webhook_events_filter_item)

        webhook_completed = d.pop("webhook_completed", UNSET)

        schemas_prediction_request = cls(
            input_=input_,
            stream=stream,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            webhook_completed=webhook_completed,
        )

        return schemas_prediction_request
