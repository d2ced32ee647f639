from enum import StrEnum

class SchemasPredictionResponseVersionType1(StrEnum):
    HIDDEN = "hidden"

    def __str__(self) -> str:
        return str(self.value)
