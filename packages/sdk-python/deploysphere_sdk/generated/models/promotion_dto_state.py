from enum import StrEnum

class PromotionDtoState(StrEnum):
    FAILED = "failed"
    STARTING = "starting"

    def __str__(self) -> str:
        return str(self.value)
