from enum import StrEnum

class UpdateProjectRequestDtoRuntimeType1(StrEnum):
    CONTAINER = "container"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
