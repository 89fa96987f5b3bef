from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.team_summary_dto import TeamSummaryDto
  from ..models.user_dto import UserDto





T = TypeVar("T", bound="SetupDoneDto")



@_attrs_define
class SetupDoneDto:
    """ 
        Attributes:
            user (UserDto):
            team (TeamSummaryDto):
     """

    user: UserDto
    team: TeamSummaryDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.team_summary_dto import TeamSummaryDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        user = self.user.to_dict()

        team = self.team.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user": user,
            "team": team,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.team_summary_dto import TeamSummaryDto # noqa: PLC0415
        from ..models.user_dto import UserDto # noqa: PLC0415
        d = dict(src_dict)
        user = UserDto.from_dict(d.pop("user"))




        team = TeamSummaryDto.from_dict(d.pop("team"))




        setup_done_dto = cls(
            user=user,
            team=team,
        )


        setup_done_dto.additional_properties = d
        return setup_done_dto

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
