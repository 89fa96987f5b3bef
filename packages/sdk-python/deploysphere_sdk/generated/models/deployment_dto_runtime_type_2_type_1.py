from enum import StrEnum

class DeploymentDtoRuntimeType2Type1(StrEnum):
    CONTAINER = "container"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
