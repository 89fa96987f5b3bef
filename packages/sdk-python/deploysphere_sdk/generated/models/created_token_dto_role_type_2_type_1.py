from enum import StrEnum

class CreatedTokenDtoRoleType2Type1(StrEnum):
    MEMBER = "member"
    OWNER = "owner"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
