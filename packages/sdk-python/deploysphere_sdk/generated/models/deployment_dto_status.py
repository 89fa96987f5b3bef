from enum import StrEnum

class DeploymentDtoStatus(StrEnum):
    BUILDING = "BUILDING"
    CANCELED = "CANCELED"
    CRASHED = "CRASHED"
    FAILED = "FAILED"
    QUEUED = "QUEUED"
    READY = "READY"
    STARTING = "STARTING"
    TIMED_OUT = "TIMED_OUT"
    UPLOADING = "UPLOADING"

    def __str__(self) -> str:
        return str(self.value)
