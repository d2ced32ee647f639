from enum import StrEnum

class SchemasTrainingResponseSource(StrEnum):
    API = "api"
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)
