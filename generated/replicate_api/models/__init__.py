"""Contains all the data models used in inputs/outputs.

Model modules are imported on first attribute access (PEP 562), so importing one endpoint module
does not pay for importing every model.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .account_get_response_200 import AccountGetResponse200
    from .account_get_response_200_type import AccountGetResponse200Type
    from .deployments_create_body import DeploymentsCreateBody
    from .deployments_list_response_200 import DeploymentsListResponse200
    from .deployments_update_body import DeploymentsUpdateBody
    from .files_create_body import FilesCreateBody
    from .files_create_body_metadata import FilesCreateBodyMetadata
    from .files_create_response_413 import FilesCreateResponse413
    from .files_delete_response_404 import FilesDeleteResponse404
    from .files_download_response_404 import FilesDownloadResponse404
    from .files_get_response_404 import FilesGetResponse404
    from .files_list_response_200 import FilesListResponse200
    from .hardware_list_response_200_item import HardwareListResponse200Item
    from .models_create_body import ModelsCreateBody
    from .models_create_body_visibility import ModelsCreateBodyVisibility
    from .models_list_sort_by import ModelsListSortBy
    from .models_list_sort_direction import ModelsListSortDirection
    from .models_update_body import ModelsUpdateBody
    from .predictions_list_response_200 import PredictionsListResponse200
    from .predictions_list_source import PredictionsListSource
    from .schemas_collection_list_item import SchemasCollectionListItem
    from .schemas_collection_response import SchemasCollectionResponse
    from .schemas_deployment_response import SchemasDeploymentResponse
    from .schemas_deployment_response_current_release import SchemasDeploymentResponseCurrentRelease
    from .schemas_deployment_response_current_release_configuration import (
        SchemasDeploymentResponseCurrentReleaseConfiguration,
    )
    from .schemas_deployment_response_current_release_created_by import SchemasDeploymentResponseCurrentReleaseCreatedBy
    from .schemas_deployment_response_current_release_created_by_type import (
        SchemasDeploymentResponseCurrentReleaseCreatedByType,
    )
    from .schemas_file_response import SchemasFileResponse
    from .schemas_file_response_checksums import SchemasFileResponseChecksums
    from .schemas_file_response_metadata import SchemasFileResponseMetadata
    from .schemas_file_response_urls import SchemasFileResponseUrls
    from .schemas_model_response import SchemasModelResponse
    from .schemas_model_response_default_example_type_0 import SchemasModelResponseDefaultExampleType0
    from .schemas_model_response_latest_version_type_0 import SchemasModelResponseLatestVersionType0
    from .schemas_model_response_visibility import SchemasModelResponseVisibility
    from .schemas_page_response import SchemasPageResponse
    from .schemas_paginated_collection_response import SchemasPaginatedCollectionResponse
    from .schemas_paginated_model_response import SchemasPaginatedModelResponse
    from .schemas_paginated_prediction_response import SchemasPaginatedPredictionResponse
    from .schemas_paginated_version_response import SchemasPaginatedVersionResponse
    from .schemas_prediction_request import SchemasPredictionRequest
    from .schemas_prediction_request_input import SchemasPredictionRequestInput
    from .schemas_prediction_request_webhook_events_filter_item import SchemasPredictionRequestWebhookEventsFilterItem
    from .schemas_prediction_response import SchemasPredictionResponse
    from .schemas_prediction_response_input import SchemasPredictionResponseInput
    from .schemas_prediction_response_metrics import SchemasPredictionResponseMetrics
    from .schemas_prediction_response_source import SchemasPredictionResponseSource
    from .schemas_prediction_response_status import SchemasPredictionResponseStatus
    from .schemas_prediction_response_urls import SchemasPredictionResponseUrls
    from .schemas_search_collection_response import SchemasSearchCollectionResponse
    from .schemas_search_model_metadata_response import SchemasSearchModelMetadataResponse
    from .schemas_search_response import SchemasSearchResponse
    from .schemas_search_response_models_item import SchemasSearchResponseModelsItem
    from .schemas_training_request import SchemasTrainingRequest
    from .schemas_training_request_input import SchemasTrainingRequestInput
    from .schemas_training_request_webhook_events_filter_item import SchemasTrainingRequestWebhookEventsFilterItem
    from .schemas_training_response import SchemasTrainingResponse
    from .schemas_training_response_input import SchemasTrainingResponseInput
    from .schemas_training_response_metrics import SchemasTrainingResponseMetrics
    from .schemas_training_response_output_type_0 import SchemasTrainingResponseOutputType0
    from .schemas_training_response_source import SchemasTrainingResponseSource
    from .schemas_training_response_status import SchemasTrainingResponseStatus
    from .schemas_training_response_urls import SchemasTrainingResponseUrls
    from .schemas_version_prediction_request import SchemasVersionPredictionRequest
    from .schemas_version_prediction_request_input import SchemasVersionPredictionRequestInput
    from .schemas_version_prediction_request_webhook_events_filter_item import (
        SchemasVersionPredictionRequestWebhookEventsFilterItem,
    )
    from .schemas_version_response import SchemasVersionResponse
    from .schemas_version_response_openapi_schema_type_0 import SchemasVersionResponseOpenapiSchemaType0
    from .search_response_400 import SearchResponse400
    from .search_response_500 import SearchResponse500
    from .trainings_list_response_200 import TrainingsListResponse200
    from .webhooks_default_secret_get_response_200 import WebhooksDefaultSecretGetResponse200

_MODULE_OF: dict[str, str] = {
    "AccountGetResponse200": ".account_get_response_200",
    "AccountGetResponse200Type": ".account_get_response_200_type",
    "DeploymentsCreateBody": ".deployments_create_body",
    "DeploymentsListResponse200": ".deployments_list_response_200",
    "DeploymentsUpdateBody": ".deployments_update_body",
    "FilesCreateBody": ".files_create_body",
    "FilesCreateBodyMetadata": ".files_create_body_metadata",
    "FilesCreateResponse413": ".files_create_response_413",
    "FilesDeleteResponse404": ".files_delete_response_404",
    "FilesDownloadResponse404": ".files_download_response_404",
    "FilesGetResponse404": ".files_get_response_404",
    "FilesListResponse200": ".files_list_response_200",
    "HardwareListResponse200Item": ".hardware_list_response_200_item",
    "ModelsCreateBody": ".models_create_body",
    "ModelsCreateBodyVisibility": ".models_create_body_visibility",
    "ModelsListSortBy": ".models_list_sort_by",
    "ModelsListSortDirection": ".models_list_sort_direction",
    "ModelsUpdateBody": ".models_update_body",
    "PredictionsListResponse200": ".predictions_list_response_200",
    "PredictionsListSource": ".predictions_list_source",
    "SchemasCollectionListItem": ".schemas_collection_list_item",
    "SchemasCollectionResponse": ".schemas_collection_response",
    "SchemasDeploymentResponse": ".schemas_deployment_response",
    "SchemasDeploymentResponseCurrentRelease": ".schemas_deployment_response_current_release",
    "SchemasDeploymentResponseCurrentReleaseConfiguration": ".schemas_deployment_response_current_release_configuration",
    "SchemasDeploymentResponseCurrentReleaseCreatedBy": ".schemas_deployment_response_current_release_created_by",
    "SchemasDeploymentResponseCurrentReleaseCreatedByType": ".schemas_deployment_response_current_release_created_by_type",
    "SchemasFileResponse": ".schemas_file_response",
    "SchemasFileResponseChecksums": ".schemas_file_response_checksums",
    "SchemasFileResponseMetadata": ".schemas_file_response_metadata",
    "SchemasFileResponseUrls": ".schemas_file_response_urls",
    "SchemasModelResponse": ".schemas_model_response",
    "SchemasModelResponseDefaultExampleType0": ".schemas_model_response_default_example_type_0",
    "SchemasModelResponseLatestVersionType0": ".schemas_model_response_latest_version_type_0",
    "SchemasModelResponseVisibility": ".schemas_model_response_visibility",
    "SchemasPageResponse": ".schemas_page_response",
    "SchemasPaginatedCollectionResponse": ".schemas_paginated_collection_response",
    "SchemasPaginatedModelResponse": ".schemas_paginated_model_response",
    "SchemasPaginatedPredictionResponse": ".schemas_paginated_prediction_response",
    "SchemasPaginatedVersionResponse": ".schemas_paginated_version_response",
    "SchemasPredictionRequest": ".schemas_prediction_request",
    "SchemasPredictionRequestInput": ".schemas_prediction_request_input",
    "SchemasPredictionRequestWebhookEventsFilterItem": ".schemas_prediction_request_webhook_events_filter_item",
    "SchemasPredictionResponse": ".schemas_prediction_response",
    "SchemasPredictionResponseInput": ".schemas_prediction_response_input",
    "SchemasPredictionResponseMetrics": ".schemas_prediction_response_metrics",
    "SchemasPredictionResponseSource": ".schemas_prediction_response_source",
    "SchemasPredictionResponseStatus": ".schemas_prediction_response_status",
    "SchemasPredictionResponseUrls": ".schemas_prediction_response_urls",
    "SchemasSearchCollectionResponse": ".schemas_search_collection_response",
    "SchemasSearchModelMetadataResponse": ".schemas_search_model_metadata_response",
    "SchemasSearchResponse": ".schemas_search_response",
    "SchemasSearchResponseModelsItem": ".schemas_search_response_models_item",
    "SchemasTrainingRequest": ".schemas_training_request",
    "SchemasTrainingRequestInput": ".schemas_training_request_input",
    "SchemasTrainingRequestWebhookEventsFilterItem": ".schemas_training_request_webhook_events_filter_item",
    "SchemasTrainingResponse": ".schemas_training_response",
    "SchemasTrainingResponseInput": ".schemas_training_response_input",
    "SchemasTrainingResponseMetrics": ".schemas_training_response_metrics",
    "SchemasTrainingResponseOutputType0": ".schemas_training_response_output_type_0",
    "SchemasTrainingResponseSource": ".schemas_training_response_source",
    "SchemasTrainingResponseStatus": ".schemas_training_response_status",
    "SchemasTrainingResponseUrls": ".schemas_training_response_urls",
    "SchemasVersionPredictionRequest": ".schemas_version_prediction_request",
    "SchemasVersionPredictionRequestInput": ".schemas_version_prediction_request_input",
    "SchemasVersionPredictionRequestWebhookEventsFilterItem": ".schemas_version_prediction_request_webhook_events_filter_item",
    "SchemasVersionResponse": ".schemas_version_response",
    "SchemasVersionResponseOpenapiSchemaType0": ".schemas_version_response_openapi_schema_type_0",
    "SearchResponse400": ".search_response_400",
    "SearchResponse500": ".search_response_500",
    "TrainingsListResponse200": ".trainings_list_response_200",
    "WebhooksDefaultSecretGetResponse200": ".webhooks_default_secret_get_response_200",
}

__all__ = (
    "AccountGetResponse200",
    "AccountGetResponse200Type",
    "DeploymentsCreateBody",
    "DeploymentsListResponse200",
    "DeploymentsUpdateBody",
    "FilesCreateBody",
    "FilesCreateBodyMetadata",
    "FilesCreateResponse413",
    "FilesDeleteResponse404",
    "FilesDownloadResponse404",
    "FilesGetResponse404",
    "FilesListResponse200",
    "HardwareListResponse200Item",
    "ModelsCreateBody",
    "ModelsCreateBodyVisibility",
    "ModelsListSortBy",
    "ModelsListSortDirection",
    "ModelsUpdateBody",
    "PredictionsListResponse200",
    "PredictionsListSource",
    "SchemasCollectionListItem",
    "SchemasCollectionResponse",
    "SchemasDeploymentResponse",
    "SchemasDeploymentResponseCurrentRelease",
    "SchemasDeploymentResponseCurrentReleaseConfiguration",
    "SchemasDeploymentResponseCurrentReleaseCreatedBy",
    "SchemasDeploymentResponseCurrentReleaseCreatedByType",
    "SchemasFileResponse",
    "SchemasFileResponseChecksums",
    "SchemasFileResponseMetadata",
    "SchemasFileResponseUrls",
    "SchemasModelResponse",
    "SchemasModelResponseDefaultExampleType0",
    "SchemasModelResponseLatestVersionType0",
    "SchemasModelResponseVisibility",
    "SchemasPageResponse",
    "SchemasPaginatedCollectionResponse",
    "SchemasPaginatedModelResponse",
    "SchemasPaginatedPredictionResponse",
    "SchemasPaginatedVersionResponse",
    "SchemasPredictionRequest",
    "SchemasPredictionRequestInput",
    "SchemasPredictionRequestWebhookEventsFilterItem",
    "SchemasPredictionResponse",
    "SchemasPredictionResponseInput",
    "SchemasPredictionResponseMetrics",
    "SchemasPredictionResponseSource",
    "SchemasPredictionResponseStatus",
    "SchemasPredictionResponseUrls",
    "SchemasSearchCollectionResponse",
    "SchemasSearchModelMetadataResponse",
    "SchemasSearchResponse",
    "SchemasSearchResponseModelsItem",
    "SchemasTrainingRequest",
    "SchemasTrainingRequestInput",
    "SchemasTrainingRequestWebhookEventsFilterItem",
    "SchemasTrainingResponse",
    "SchemasTrainingResponseInput",
    "SchemasTrainingResponseMetrics",
    "SchemasTrainingResponseOutputType0",
    "SchemasTrainingResponseSource",
    "SchemasTrainingResponseStatus",
    "SchemasTrainingResponseUrls",
    "SchemasVersionPredictionRequest",
    "SchemasVersionPredictionRequestInput",
    "SchemasVersionPredictionRequestWebhookEventsFilterItem",
    "SchemasVersionResponse",
    "SchemasVersionResponseOpenapiSchemaType0",
    "SearchResponse400",
    "SearchResponse500",
    "TrainingsListResponse200",
    "WebhooksDefaultSecretGetResponse200",
)


def __getattr__(name: str) -> Any:
    try:
        module_name = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
