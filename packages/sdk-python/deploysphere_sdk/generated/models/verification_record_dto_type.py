from enum import StrEnum

class VerificationRecordDtoType(StrEnum):
    TXT = "TXT"

    def __str__(self) -> str:
        return str(self.value)
