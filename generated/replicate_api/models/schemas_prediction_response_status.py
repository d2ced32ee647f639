from enum import StrEnum

class SchemasPredictionResponseStatus(StrEnum):
    ABORTED = "aborted"
    CANCELED = "canceled"
    FAILED = "failed"
    PROCESSING = "processing"
    STARTING = "starting"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
