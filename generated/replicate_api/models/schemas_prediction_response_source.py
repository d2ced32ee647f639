from enum import StrEnum
from typing import Any


class SchemasPredictionResponseSource(StrEnum):
    """Known values are members; any other string is accepted too (the API adds values over time)."""

    API = "api"
    WEB = "web"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        # A value newer than this client: build an unregistered member instead of raising.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member
