from enum import StrEnum

class VerificationFailedProblemDtoLookupError(StrEnum):
    ERROR = "ERROR"
    REFUSED = "REFUSED"
    SERVER_FAILURE = "SERVER_FAILURE"
    TIMEOUT = "TIMEOUT"

    def __str__(self) -> str:
        return str(self.value)
