from enum import StrEnum

class AliasDtoState(StrEnum):
    MOVED = "moved"
    STARTING = "starting"

    def __str__(self) -> str:
        return str(self.value)
