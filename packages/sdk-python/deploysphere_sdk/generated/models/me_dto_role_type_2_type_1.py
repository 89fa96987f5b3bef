from enum import StrEnum

class MeDtoRoleType2Type1(StrEnum):
    MEMBER = "member"
    OWNER = "owner"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
