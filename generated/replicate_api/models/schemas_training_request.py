from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schemas_training_request_webhook_events_filter_item import SchemasTrainingRequestWebhookEventsFilterItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_training_request_input import SchemasTrainingRequestInput


T = TypeVar("T", bound="SchemasTrainingRequest")


@_attrs_define
class SchemasTrainingRequest:
    """Body for starting a training (fine-tune) of a model version.

    Attributes:
        destination (str): Model that will receive the trained version, as
            `{destination_model_owner}/{destination_model_name}`. It must already exist and belong to the calling account
            (user or organization); otherwise a 4xx error comes back.
        input_ (SchemasTrainingRequestInput): Arguments passed to `train()` in the model's Cog code.
        webhook (str | Unset): HTTPS endpoint that Replicate calls with POST as the training progresses; the body is the
            training object, shaped like the `trainings.get` response. Calls may be repeated after network failures, so make
            the handler idempotent. Redirects are not followed: give the final URL.
        webhook_events_filter (list[SchemasTrainingRequestWebhookEventsFilterItem] | Unset): Events that trigger a
            webhook call. Without it, calls happen on new output and on completion.

            - `start`: the training begins
            - `output`: new output appears (may occur many times)
            - `logs`: new log lines are written
            - `completed`: a terminal status is reached (succeeded, failed or canceled)

            `output` and `logs` calls are throttled to one per 500 ms at most; `start` and `completed` are never throttled.
        webhook_completed (str | Unset): A URL told only when the training finishes (sent by replicate 1.x).
    """

    destination: str
    input_: SchemasTrainingRequestInput
    webhook: str | Unset = UNSET
    webhook_events_filter: list[SchemasTrainingRequestWebhookEventsFilterItem] | Unset = UNSET
    webhook_completed: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        destination = self.destination

        input_ = self.input_.to_dict()

        webhook = self.webhook

        webhook_events_filter: list[str] | Unset = UNSET
        if not isinstance(self.webhook_events_filter, Unset):
            webhook_events_filter = []
            for webhook_events_filter_item_data in self.webhook_events_filter:
                webhook_events_filter_item = webhook_events_filter_item_data.value
                webhook_events_filter.append(webhook_events_filter_item)

        webhook_completed = self.webhook_completed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "destination": destination,
                "input": input_,
            }
        )
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter
        if webhook_completed is not UNSET:
            field_dict["webhook_completed"] = webhook_completed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_training_request_input import SchemasTrainingRequestInput  # noqa: PLC0415

        d = dict(src_dict)
        destination = d.pop("destination")

        input_ = SchemasTrainingRequestInput.from_dict(d.pop("input"))

        webhook = d.pop("webhook", UNSET)

        _webhook_events_filter = d.pop("webhook_events_filter", UNSET)
        webhook_events_filter: list[SchemasTrainingRequestWebhookEventsFilterItem] | Unset = UNSET
        if _webhook_events_filter is not UNSET:
            webhook_events_filter = []
            for webhook_events_filter_item_data in _webhook_events_filter:
                webhook_events_filter_item = SchemasTrainingRequestWebhookEventsFilterItem(
                    webhook_events_filter_item_data
                )

                webhook_events_filter.append(webhook_events_filter_item)

        webhook_completed = d.pop("webhook_completed", UNSET)

        schemas_training_request = cls(
            destination=destination,
            input_=input_,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            webhook_completed=webhook_completed,
        )

        schemas_training_request.additional_properties = d
        return schemas_training_request

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
