from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_team_token_request_dto_role import CreateTeamTokenRequestDtoRole
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CreateTeamTokenRequestDto")



@_attrs_define
class CreateTeamTokenRequestDto:
    """ 
        Attributes:
            name (str):  Example: ci.
            role (CreateTeamTokenRequestDtoRole): What the token may do in your team, as a member with this role Example:
                member.
            expires_at (datetime.datetime | Unset): Expiry (RFC 3339); must be in the future Example: 2027-01-01T00:00:00Z.
     """

    name: str
    role: CreateTeamTokenRequestDtoRole
    expires_at: datetime.datetime | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        role = self.role.value

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "role": role,
        })
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        role = CreateTeamTokenRequestDtoRole(d.pop("role"))




        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        create_team_token_request_dto = cls(
            name=name,
            role=role,
            expires_at=expires_at,
        )

        return create_team_token_request_dto

