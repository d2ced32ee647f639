"""Generated models parse the shapes the real API sends (codegen/overlay.yaml) and round-trip."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from replicate_api.models import (
    DeploymentsListResponse200,
    ModelsListSortBy,
    PredictionsListResponse200,
    SchemasDeploymentResponse,
    SchemasDeploymentResponseCurrentReleaseCreatedByType,
    SchemasFileResponse,
    SchemasModelResponse,
    SchemasModelResponseVisibility,
    SchemasPaginatedModelResponse,
    SchemasPaginatedVersionResponse,
    SchemasPredictionResponse,
    SchemasPredictionResponseSource,
    SchemasPredictionResponseStatus,
    SchemasTrainingResponse,
    SchemasTrainingResponseStatus,
    SchemasVersionResponse,
)
from replicate_api.types import UNSET

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "codegen"))

from realdata import canonical, mistyped_timestamps

PAYLOADS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "generated" / "payloads.json").read_text("utf-8")
)


def _round_trip(model_class: Any, payload: dict[str, Any]) -> Any:
    parsed = model_class.from_dict(payload)
    assert mistyped_timestamps(parsed) == []
    assert canonical(parsed.to_dict()) == canonical(payload)
    assert model_class.from_dict(parsed.to_dict()).to_dict() == parsed.to_dict()
    return parsed


@pytest.mark.parametrize(
    ("name", "model_class"),
    [
        *[(name, SchemasPredictionResponse) for name in PAYLOADS if name.startswith("prediction_")],
        *[(name, SchemasModelResponse) for name in PAYLOADS if name.startswith("model_")],
        *[(name, SchemasTrainingResponse) for name in PAYLOADS if name.startswith("training_")],
        ("file_minimal", SchemasFileResponse),
        ("deployment", SchemasDeploymentResponse),
        ("deployment_creator_of_new_kind", SchemasDeploymentResponse),
        ("predictions_page", PredictionsListResponse200),
        ("models_page", SchemasPaginatedModelResponse),
        ("versions_page", SchemasPaginatedVersionResponse),
    ],
)
def test_payload_parses_and_round_trips(name: str, model_class: Any) -> None:
    _round_trip(model_class, PAYLOADS[name])


def test_in_flight_prediction_keeps_nulls_and_known_fields() -> None:
    prediction = SchemasPredictionResponse.from_dict(PAYLOADS["prediction_starting"])
    assert prediction.status is SchemasPredictionResponseStatus.STARTING
    assert prediction.started_at is None
    assert prediction.completed_at is None
    assert prediction.output is None
    assert prediction.created_at == datetime.datetime(
        2025, 6, 1, 10, 0, 0, 123456, tzinfo=datetime.UTC
    )
    assert not isinstance(prediction.urls, type(UNSET))
    assert prediction.urls.stream == "https://stream.replicate.com/v1/files/abc123"


def test_old_prediction_lacks_data_removed_model_and_web_url() -> None:
    prediction = SchemasPredictionResponse.from_dict(
        PAYLOADS["prediction_old_without_urls_web_and_data_removed"]
    )
    assert prediction.data_removed is UNSET
    assert prediction.model is UNSET
    assert not isinstance(prediction.urls, type(UNSET))
    assert prediction.urls.web is UNSET
    assert (
        prediction.urls.get == "https://api.replicate.com/v1/predictions/zx4kq2hyt5dwbaqhfm3u6vbl4e"
    )
    assert "data_removed" not in prediction.to_dict()


def test_default_example_without_urls_keeps_unknown_keys() -> None:
    prediction = SchemasPredictionResponse.from_dict(
        PAYLOADS["prediction_default_example_without_urls"]
    )
    assert prediction.urls is UNSET
    assert prediction["webhook"] is None


def test_aborted_is_a_known_status() -> None:
    prediction = SchemasPredictionResponse.from_dict(PAYLOADS["prediction_aborted"])
    assert prediction.status is SchemasPredictionResponseStatus.ABORTED


def test_unknown_enum_values_are_kept_not_raised() -> None:
    prediction = SchemasPredictionResponse.from_dict(
        PAYLOADS["prediction_future_status_and_source"]
    )
    assert isinstance(prediction.status, SchemasPredictionResponseStatus)
    assert prediction.status == "queued_for_review"
    assert prediction.status.value == "queued_for_review"
    assert str(prediction.status) == "queued_for_review"
    assert prediction.status not in list(SchemasPredictionResponseStatus)
    assert prediction.source == "workflow"
    assert isinstance(prediction.source, SchemasPredictionResponseSource)
    assert prediction["new_field_from_the_future"] == {"anything": 1}
    assert prediction.version == "hidden"


def test_every_generated_enum_accepts_unknown_strings_and_rejects_non_strings() -> None:
    for enum_class in (
        SchemasPredictionResponseStatus,
        SchemasTrainingResponseStatus,
        SchemasModelResponseVisibility,
        SchemasDeploymentResponseCurrentReleaseCreatedByType,
        ModelsListSortBy,
    ):
        member = enum_class("value_from_2030")
        assert member == "value_from_2030"
        with pytest.raises(ValueError):
            enum_class(7)


def test_known_enum_values_stay_singletons() -> None:
    assert SchemasPredictionResponseStatus("succeeded") is SchemasPredictionResponseStatus.SUCCEEDED


def test_model_default_example_and_latest_version_parse_as_their_schemas() -> None:
    model = SchemasModelResponse.from_dict(PAYLOADS["model_with_default_example"])
    assert model.default_example is not None and model.default_example is not UNSET
    example = SchemasPredictionResponse.from_dict(model.default_example.to_dict())
    assert example.status is SchemasPredictionResponseStatus.SUCCEEDED
    assert model.latest_version is not None and model.latest_version is not UNSET
    version = SchemasVersionResponse.from_dict(model.latest_version.to_dict())
    assert version.openapi_schema is not None and version.openapi_schema is not UNSET
    assert version.openapi_schema["openapi"] == "3.0.2"


def test_model_nullable_fields_and_unknown_visibility() -> None:
    minimal = SchemasModelResponse.from_dict(PAYLOADS["model_minimal_private"])
    assert minimal.default_example is None
    assert minimal.latest_version is None
    assert minimal.visibility is SchemasModelResponseVisibility.PRIVATE
    beta = SchemasModelResponse.from_dict(PAYLOADS["model_unknown_visibility"])
    assert beta.visibility == "unlisted"


def test_paginated_predictions_parse_each_item() -> None:
    page = PredictionsListResponse200.from_dict(PAYLOADS["predictions_page"])
    assert page.next_ == "https://api.replicate.com/v1/predictions?cursor=cD0yMDI1LTA2LTAx"
    assert page.previous is None
    assert not isinstance(page.results, type(UNSET))
    assert [item.status for item in page.results] == ["succeeded", "canceled"]
    assert page.results[1].input_ is UNSET
    assert page.results[1].started_at is None


def test_training_with_unknown_status_and_null_timestamps() -> None:
    in_flight = SchemasTrainingResponse.from_dict(PAYLOADS["training_in_flight"])
    assert in_flight.completed_at is None
    archived = SchemasTrainingResponse.from_dict(PAYLOADS["training_succeeded_unknown_status"])
    assert archived.status == "archived"


def test_minimal_file_and_null_expiry() -> None:
    file = SchemasFileResponse.from_dict(PAYLOADS["file_minimal"])
    assert file.expires_at is None
    assert file.size is UNSET


def test_deployment_list_and_new_creator_type() -> None:
    page = DeploymentsListResponse200.from_dict(
        {"next": None, "previous": None, "results": [PAYLOADS["deployment_creator_of_new_kind"]]}
    )
    assert not isinstance(page.results, type(UNSET))
    release = page.results[0].current_release
    assert not isinstance(release, type(UNSET))
    assert not isinstance(release.created_by, type(UNSET))
    assert release.created_by.type_ == "team"


def test_prediction_without_id_still_fails_loudly() -> None:
    # The overlay keeps `id` and `status` required: an object without them is not a prediction.
    with pytest.raises(KeyError):
        SchemasPredictionResponse.from_dict({"status": "starting"})
