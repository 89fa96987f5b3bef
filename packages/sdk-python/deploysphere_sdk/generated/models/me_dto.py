from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.me_dto_role_type_1 import MeDtoRoleType1
from ..models.me_dto_role_type_2_type_1 import MeDtoRoleType2Type1
from ..models.me_dto_role_type_3_type_1 import MeDtoRoleType3Type1
from typing import cast

if TYPE_CHECKING:
  from ..models.team_summary_dto import TeamSummaryDto
  from ..models.team_with_role_dto import TeamWithRoleDto
  from ..models.user_dto import UserDto





T = TypeVar("T", bound="MeDto")



@_attrs_define
class MeDto:
    """ 
        Attributes:
            user (UserDto):
            team (None | TeamSummaryDto): The acting team (X-DeploySphere-Team, else the first); null without any team
            role (MeDtoRoleType1 | MeDtoRoleType2Type1 | MeDtoRoleType3Type1 | None): Your role in the acting team
            teams (list[TeamWithRoleDto]):
     """

    user: UserDto
    team: None | TeamSummaryDto
    role: MeDtoRoleType1 | MeDtoRoleType2Type1 | MeDtoRoleType3Type1 | None
    teams: list[TeamWithRoleDto]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.team_summary_dto import TeamSummaryDto # noqa: PLC0415
        from ..models.team_with_role_dto import TeamWithRoleDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        user = self.user.to_dict()

        team: dict[str, Any] | None
        if isinstance(self.team, TeamSummaryDto):
            team = self.team.to_dict()
        else:
            team = self.team

        role: None | str
        if isinstance(self.role, MeDtoRoleType1):
            role = self.role.value
        elif isinstance(self.role, MeDtoRoleType2Type1):
            role = self.role.value
        elif isinstance(self.role, MeDtoRoleType3Type1):
            role = self.role.value
        else:
            role = self.role

        teams = []
        for teams_item_data in self.teams:
            teams_item = teams_item_data.to_dict()
            teams.append(teams_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user": user,
            "team": team,
            "role": role,
            "teams": teams,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.team_summary_dto import TeamSummaryDto # noqa: PLC0415
        from ..models.team_with_role_dto import TeamWithRoleDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        d = dict(src_dict)
        user = UserDto.from_dict(d.pop("user"))




        def _parse_team(data: object) -> None | TeamSummaryDto:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                team_type_0 = TeamSummaryDto.from_dict(data)



                return team_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TeamSummaryDto, data)

        team = _parse_team(d.pop("team"))


        def _parse_role(data: object) -> MeDtoRoleType1 | MeDtoRoleType2Type1 | MeDtoRoleType3Type1 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_1 = MeDtoRoleType1(data)



                return role_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_2_type_1 = MeDtoRoleType2Type1(data)



                return role_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_3_type_1 = MeDtoRoleType3Type1(data)



                return role_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MeDtoRoleType1 | MeDtoRoleType2Type1 | MeDtoRoleType3Type1 | None, data)

        role = _parse_role(d.pop("role"))


        teams = []
        _teams = d.pop("teams")
        for teams_item_data in (_teams):
            teams_item = TeamWithRoleDto.from_dict(teams_item_data)



            teams.append(teams_item)


        me_dto = cls(
            user=user,
            team=team,
            role=role,
            teams=teams,
        )


        me_dto.additional_properties = d
        return me_dto

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
