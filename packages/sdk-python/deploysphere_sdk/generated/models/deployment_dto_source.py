from enum import StrEnum

class DeploymentDtoSource(StrEnum):
    GIT = "GIT"
    UPLOAD = "UPLOAD"

    def __str__(self) -> str:
        return str(self.value)
