from enum import StrEnum

class TokenDtoRoleType2Type1(StrEnum):
    MEMBER = "member"
    OWNER = "owner"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
