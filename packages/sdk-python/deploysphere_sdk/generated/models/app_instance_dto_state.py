from enum import StrEnum

class AppInstanceDtoState(StrEnum):
    ASLEEP = "asleep"
    EXITED = "exited"
    RESTARTING = "restarting"
    RUNNING = "running"
    STARTING = "starting"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
