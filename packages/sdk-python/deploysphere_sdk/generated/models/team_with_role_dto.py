from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.team_with_role_dto_role import TeamWithRoleDtoRole






T = TypeVar("T", bound="TeamWithRoleDto")



@_attrs_define
class TeamWithRoleDto:
    """ 
        Attributes:
            id (str):  Example: team_01jd8x3k9m2f4q7r8s9t0v1w2x.
            name (str):  Example: Acme.
            slug (str):  Example: acme.
            role (TeamWithRoleDtoRole):  Example: owner.
     """

    id: str
    name: str
    slug: str
    role: TeamWithRoleDtoRole
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        slug = self.slug

        role = self.role.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "name": name,
            "slug": slug,
            "role": role,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        slug = d.pop("slug")

        role = TeamWithRoleDtoRole(d.pop("role"))




        team_with_role_dto = cls(
            id=id,
            name=name,
            slug=slug,
            role=role,
        )


        team_with_role_dto.additional_properties = d
        return team_with_role_dto

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
