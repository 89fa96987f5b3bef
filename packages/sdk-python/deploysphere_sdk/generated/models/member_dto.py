from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.member_dto_role import MemberDtoRole






T = TypeVar("T", bound="MemberDto")



@_attrs_define
class MemberDto:
    """ 
        Attributes:
            user_id (str):  Example: usr_01jd8x3k9m2f4q7r8s9t0v1w2x.
            email (str):  Example: ada@example.com.
            name (str):  Example: Ada Lovelace.
            role (MemberDtoRole):  Example: member.
            joined_at (str):
     """

    user_id: str
    email: str
    name: str
    role: MemberDtoRole
    joined_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        email = self.email

        name = self.name

        role = self.role.value

        joined_at = self.joined_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "userId": user_id,
            "email": email,
            "name": name,
            "role": role,
            "joinedAt": joined_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        email = d.pop("email")

        name = d.pop("name")

        role = MemberDtoRole(d.pop("role"))




        joined_at = d.pop("joinedAt")

        member_dto = cls(
            user_id=user_id,
            email=email,
            name=name,
            role=role,
            joined_at=joined_at,
        )


        member_dto.additional_properties = d
        return member_dto

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
