""" Contains all the data models used in inputs/outputs """

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
from .schemas_deployment_response_current_release_configuration import SchemasDeploymentResponseCurrentReleaseConfiguration
from .schemas_deployment_response_current_release_created_by import SchemasDeploymentResponseCurrentReleaseCreatedBy
from .schemas_deployment_response_current_release_created_by_type import SchemasDeploymentResponseCurrentReleaseCreatedByType
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
from .schemas_prediction_response_version_type_1 import SchemasPredictionResponseVersionType1
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
from .schemas_training_response_output import SchemasTrainingResponseOutput
from .schemas_training_response_source import SchemasTrainingResponseSource
from .schemas_training_response_status import SchemasTrainingResponseStatus
from .schemas_training_response_urls import SchemasTrainingResponseUrls
from .schemas_version_prediction_request import SchemasVersionPredictionRequest
from .schemas_version_prediction_request_input import SchemasVersionPredictionRequestInput
from .schemas_version_prediction_request_webhook_events_filter_item import SchemasVersionPredictionRequestWebhookEventsFilterItem
from .schemas_version_response import SchemasVersionResponse
from .schemas_version_response_openapi_schema_type_0 import SchemasVersionResponseOpenapiSchemaType0
from .search_response_400 import SearchResponse400
from .search_response_500 import SearchResponse500
from .trainings_list_response_200 import TrainingsListResponse200
from .webhooks_default_secret_get_response_200 import WebhooksDefaultSecretGetResponse200

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
    "SchemasPredictionResponseVersionType1",
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
    "SchemasTrainingResponseOutput",
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
