from enum import StrEnum

class SchemasPredictionRequestWebhookEventsFilterItem(StrEnum):
    COMPLETED = "completed"
    LOGS = "logs"
    OUTPUT = "output"
    START = "start"

    def __str__(self) -> str:
        return str(self.value)
