from enum import StrEnum

class DeleteEnvVarTarget(StrEnum):
    PREVIEW = "PREVIEW"
    PRODUCTION = "PRODUCTION"

    def __str__(self) -> str:
        return str(self.value)
