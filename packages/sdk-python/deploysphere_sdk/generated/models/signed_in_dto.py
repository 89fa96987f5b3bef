from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.team_with_role_dto import TeamWithRoleDto
  from ..models.user_dto import UserDto





T = TypeVar("T", bound="SignedInDto")



@_attrs_define
class SignedInDto:
    """ 
        Attributes:
            user (UserDto):
            teams (list[TeamWithRoleDto]): The teams the user belongs to, the default acting team first
     """

    user: UserDto
    teams: list[TeamWithRoleDto]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.team_with_role_dto import TeamWithRoleDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        user = self.user.to_dict()

        teams = []
        for teams_item_data in self.teams:
            teams_item = teams_item_data.to_dict()
            teams.append(teams_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user": user,
            "teams": teams,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.team_with_role_dto import TeamWithRoleDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        d = dict(src_dict)
        user = UserDto.from_dict(d.pop("user"))




        teams = []
        _teams = d.pop("teams")
        for teams_item_data in (_teams):
            teams_item = TeamWithRoleDto.from_dict(teams_item_data)



            teams.append(teams_item)


        signed_in_dto = cls(
            user=user,
            teams=teams,
        )


        signed_in_dto.additional_properties = d
        return signed_in_dto

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
