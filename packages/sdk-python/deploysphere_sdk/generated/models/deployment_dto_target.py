from enum import StrEnum

class DeploymentDtoTarget(StrEnum):
    PREVIEW = "PREVIEW"
    PRODUCTION = "PRODUCTION"

    def __str__(self) -> str:
        return str(self.value)
