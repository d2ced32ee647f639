from enum import StrEnum

class PredictionsListSource(StrEnum):
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)
