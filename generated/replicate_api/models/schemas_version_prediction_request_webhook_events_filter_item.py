from enum import StrEnum

class SchemasVersionPredictionRequestWebhookEventsFilterItem(StrEnum):
    COMPLETED = "completed"
    LOGS = "logs"
    OUTPUT = "output"
    START = "start"

    def __str__(self) -> str:
        return str(self.value)
