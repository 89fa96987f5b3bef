from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.change_member_role_request_dto_role import ChangeMemberRoleRequestDtoRole






T = TypeVar("T", bound="ChangeMemberRoleRequestDto")



@_attrs_define
class ChangeMemberRoleRequestDto:
    """ 
        Attributes:
            role (ChangeMemberRoleRequestDtoRole):  Example: viewer.
     """

    role: ChangeMemberRoleRequestDtoRole





    def to_dict(self) -> dict[str, Any]:
        role = self.role.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "role": role,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = ChangeMemberRoleRequestDtoRole(d.pop("role"))




        change_member_role_request_dto = cls(
            role=role,
        )

        return change_member_role_request_dto

