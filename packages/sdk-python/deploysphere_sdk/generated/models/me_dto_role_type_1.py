from enum import StrEnum

class MeDtoRoleType1(StrEnum):
    MEMBER = "member"
    OWNER = "owner"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
