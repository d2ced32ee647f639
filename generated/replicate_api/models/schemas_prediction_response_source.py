from enum import StrEnum

class SchemasPredictionResponseSource(StrEnum):
    API = "api"
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)
