from enum import StrEnum

class CreateProjectRequestDtoRuntimeType3Type1(StrEnum):
    CONTAINER = "container"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
