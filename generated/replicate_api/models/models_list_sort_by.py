from enum import StrEnum

class ModelsListSortBy(StrEnum):
    LATEST_VERSION_CREATED_AT = "latest_version_created_at"
    MODEL_CREATED_AT = "model_created_at"

    def __str__(self) -> str:
        return str(self.value)
