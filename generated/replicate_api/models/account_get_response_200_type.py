from enum import StrEnum

class AccountGetResponse200Type(StrEnum):
    ORGANIZATION = "organization"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
