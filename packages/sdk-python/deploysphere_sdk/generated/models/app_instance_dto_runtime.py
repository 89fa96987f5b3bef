from enum import StrEnum

class AppInstanceDtoRuntime(StrEnum):
    DOCKER = "docker"
    ECS = "ecs"
    PROCESS = "process"

    def __str__(self) -> str:
        return str(self.value)
