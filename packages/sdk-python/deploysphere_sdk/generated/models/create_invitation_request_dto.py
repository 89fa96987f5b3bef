from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_invitation_request_dto_role import CreateInvitationRequestDtoRole






T = TypeVar("T", bound="CreateInvitationRequestDto")



@_attrs_define
class CreateInvitationRequestDto:
    """ 
        Attributes:
            email (str):  Example: ada@example.com.
            role (CreateInvitationRequestDtoRole):  Example: member.
     """

    email: str
    role: CreateInvitationRequestDtoRole





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
            "role": role,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        role = CreateInvitationRequestDtoRole(d.pop("role"))




        create_invitation_request_dto = cls(
            email=email,
            role=role,
        )

        return create_invitation_request_dto

