from enum import StrEnum

class AppInstanceDtoRuntime(StrEnum):
    DOCKER = "docker"
    PROCESS = "process"

    def __str__(self) -> str:
        return str(self.value)
