from enum import StrEnum

class EnvVarDtoTarget(StrEnum):
    PREVIEW = "PREVIEW"
    PRODUCTION = "PRODUCTION"

    def __str__(self) -> str:
        return str(self.value)
